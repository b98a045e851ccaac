// overly-permissive: exposure judged on the union of rules (and first match for ACLs), with exact
// counts computed here independently and witnesses confirmed by the reference evaluator.
#include "passes/analyses/overly_permissive.h"

#include "passes/pass.h"
#include "tests/support/builders.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace sgopt {
namespace {

using test_support::nacl_entry;
using test_support::sg_rule;
using test_support::tcp;

std::vector<Finding> analyze_group(SecurityGroup g, AnalysisOptions opt = {}) {
  Snapshot s;
  s.groups.push_back(std::move(g));
  return run_analyses(s, {find_pass("overly-permissive")}, opt);
}

std::vector<Finding> analyze_acl(NetworkAcl a) {
  Snapshot s;
  s.acls.push_back(std::move(a));
  return run_analyses(s, {find_pass("overly-permissive")}, AnalysisOptions{});
}

std::vector<const Finding*> of_kind(const std::vector<Finding>& fs, const std::string& kind) {
  std::vector<const Finding*> out;
  for (const auto& f : fs)
    if (f.kind == kind) out.push_back(&f);
  return out;
}

bool has_control(const Finding& f, const std::string& c) {
  return std::find(f.controls.begin(), f.controls.end(), c) != f.controls.end();
}

const BigCount kV4 = BigCount(1) << 32;
std::string dec(const BigCount& n) { return n.str(); }

TEST(OverlyPermissiveTest, HalfInternetPairOpensSshToTheWholeInternet) {
  auto fs = analyze_group(test_support::group("sg-1", {tcp(22, 22, "0.0.0.0/1"), tcp(22, 22, "128.0.0.0/1")}));
  auto open = of_kind(fs, "open-admin-port");
  ASSERT_EQ(open.size(), 1u);
  const Finding& f = *open[0];
  EXPECT_EQ(f.severity, Severity::High);
  for (const char* c : {"CIS 5.2 (v1.5.0-v3.0.0)", "CIS 5.3 (v4.0.0)", "EC2.13", "EC2.53", "PCI.EC2.5"})
    EXPECT_TRUE(has_control(f, c)) << c;
  EXPECT_EQ(f.rules.size(), 2u);
  EXPECT_EQ(f.exposure, kV4.str());  // every IPv4 address x one (protocol, port)
  EXPECT_EQ(f.exposed_addresses, kV4.str());
  ASSERT_TRUE(f.witness);
  EXPECT_TRUE(sg_allows({tcp(22, 22, "0.0.0.0/1"), tcp(22, 22, "128.0.0.0/1")}, *f.witness));
}

TEST(OverlyPermissiveTest, OneHalfIsLargePublicExposureNotTheWholeInternet) {
  auto fs = analyze_group(test_support::group("sg-1", {tcp(22, 22, "0.0.0.0/1")}));
  EXPECT_TRUE(of_kind(fs, "open-admin-port").empty());
  auto large = of_kind(fs, "large-public-exposure");
  ASSERT_EQ(large.size(), 1u);
  // 0.0.0.0/1 minus the special-purpose blocks inside it: 0/8, 10/8, 100.64/10, 127/8.
  BigCount expected = (BigCount(1) << 31) - 3 * (BigCount(1) << 24) - (BigCount(1) << 22);
  EXPECT_EQ(large[0]->exposed_addresses, expected.str());
  EXPECT_EQ(large[0]->exposure, expected.str());
}

TEST(OverlyPermissiveTest, PrivateSourcesAreNotInternetExposure) {
  auto fs = analyze_group(test_support::group("sg-1", {tcp(22, 22, "10.0.0.0/8"), tcp(3389, 3389, "192.168.0.0/16")}));
  EXPECT_TRUE(fs.empty());
}

TEST(OverlyPermissiveTest, AllTrafficFromEverywhereIsCritical) {
  auto fs = analyze_group(test_support::group("sg-1", {sg_rule(-1, std::nullopt, std::nullopt, "0.0.0.0/0")}));
  auto all = of_kind(fs, "open-all-traffic");
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0]->severity, Severity::Critical);
  // Keyed protocols (tcp, udp, icmp, icmpv6) have 65536 port keys, the 252 others one.
  EXPECT_EQ(all[0]->exposure, dec(kV4 * (4 * 65536 + 252)));
  EXPECT_TRUE(of_kind(fs, "open-all-ports").empty());
  EXPECT_EQ(of_kind(fs, "open-admin-port").size(), 2u);
  EXPECT_EQ(of_kind(fs, "open-cifs").size(), 1u);
  EXPECT_EQ(of_kind(fs, "open-high-risk-ports").size(), 1u);
}

TEST(OverlyPermissiveTest, AllTcpPortsAssembledFromRangesAreReported) {
  auto fs = analyze_group(test_support::group("sg-1", {tcp(0, 1000, "0.0.0.0/0"), tcp(1001, 65535, "0.0.0.0/0")}));
  auto ports = of_kind(fs, "open-all-ports");
  ASSERT_EQ(ports.size(), 1u);
  EXPECT_EQ(ports[0]->exposure, dec(kV4 * 65536));
  EXPECT_EQ(ports[0]->rules.size(), 2u);
}

TEST(OverlyPermissiveTest, Ipv6AdminPortUsesTheIpv6Controls) {
  auto fs = analyze_group(test_support::group("sg-1", {tcp(3389, 3389, "::/0")}));
  auto open = of_kind(fs, "open-admin-port");
  ASSERT_EQ(open.size(), 1u);
  for (const char* c : {"CIS 5.3 (v1.5.0-v3.0.0)", "CIS 5.4 (v4.0.0)", "EC2.14", "EC2.54"})
    EXPECT_TRUE(has_control(*open[0], c)) << c;
  EXPECT_FALSE(has_control(*open[0], "PCI.EC2.5"));
  EXPECT_EQ(open[0]->exposure, dec(BigCount(1) << 128));
}

TEST(OverlyPermissiveTest, CifsAndHighRiskPortsAreSeparateFindings) {
  auto fs = analyze_group(test_support::group(
      "sg-1", {tcp(445, 445, "0.0.0.0/0"), tcp(3306, 3306, "0.0.0.0/0"), tcp(5432, 5432, "0.0.0.0/0")}));
  ASSERT_EQ(of_kind(fs, "open-cifs").size(), 1u);
  auto risky = of_kind(fs, "open-high-risk-ports");
  ASSERT_EQ(risky.size(), 1u);
  EXPECT_EQ(risky[0]->exposure, dec(kV4 * 2));
  EXPECT_NE(risky[0]->message.find("3306"), std::string::npos);
  EXPECT_NE(risky[0]->message.find("5432"), std::string::npos);
}

TEST(OverlyPermissiveTest, WidePortRangeRespectsTheThreshold) {
  auto g = test_support::group("sg-1", {tcp(1000, 5000, "10.0.0.0/8")});
  auto fs = analyze_group(g);
  auto wide = of_kind(fs, "large-port-range");
  ASSERT_EQ(wide.size(), 1u);
  EXPECT_EQ(wide[0]->exposure, dec(BigCount(4001) << 24));
  AnalysisOptions opt;
  opt.max_port_range = 4001;
  EXPECT_TRUE(of_kind(analyze_group(g, opt), "large-port-range").empty());
}

TEST(OverlyPermissiveTest, EveryPortOpenToAPrivateBlockIsAWideRangeButNotTwiceForTheInternet) {
  for (int top : {65534, 65535}) {
    auto found = analyze_group(test_support::group("sg-1", {tcp(0, top, "10.0.0.0/8")}));
    auto wide = of_kind(found, "large-port-range");
    ASSERT_EQ(wide.size(), 1u) << top;
    EXPECT_EQ(wide[0]->exposure, dec(BigCount(top + 1) << 24)) << top;
  }
  // Every port from everyone is open-all-ports, not also a wide range.
  auto fs = analyze_group(test_support::group("sg-1", {tcp(0, 65535, "0.0.0.0/0")}));
  EXPECT_EQ(of_kind(fs, "open-all-ports").size(), 1u);
  EXPECT_TRUE(of_kind(fs, "large-port-range").empty());
}

TEST(OverlyPermissiveTest, DefaultGroupWithRulesIsReportedAndEmptyOneIsNot) {
  auto open = test_support::group("sg-0", {sg_rule(-1, std::nullopt, std::nullopt, "sg-0")}, {}, "default");
  auto fs = analyze_group(open);
  auto def = of_kind(fs, "default-group-open");
  ASSERT_EQ(def.size(), 1u);
  EXPECT_TRUE(has_control(*def[0], "EC2.2"));
  ASSERT_TRUE(def[0]->witness);
  ASSERT_TRUE(def[0]->witness->member);
  EXPECT_EQ(def[0]->witness->member->id, "sg-0");
  EXPECT_TRUE(analyze_group(test_support::group("sg-0", {}, {}, "default")).empty());
}

TEST(OverlyPermissiveTest, UnrestrictedEgressIsLowPerFamily) {
  auto fs = analyze_group(test_support::group(
      "sg-1", {},
      {sg_rule(-1, std::nullopt, std::nullopt, "0.0.0.0/0"), sg_rule(-1, std::nullopt, std::nullopt, "::/0")}));
  auto eg = of_kind(fs, "unrestricted-egress");
  ASSERT_EQ(eg.size(), 2u);
  EXPECT_EQ(eg[0]->severity, Severity::Low);
  EXPECT_EQ(eg[0]->direction, Direction::Egress);
  EXPECT_TRUE(analyze_group(test_support::group("sg-1", {}, {tcp(443, 443, "0.0.0.0/0")})).empty());
}

TEST(OverlyPermissiveTest, ExposureNamesTheOpenReferencesWithMoreOfItsServicesInRuleOrder) {
  // Egress names sg-c and pl-a too; the ingress finding lists its own references in its rule order.
  auto fs = analyze_group(test_support::group(
      "sg-1",
      {tcp(1000, 9000, "203.0.113.0/24"), tcp(1000, 2000, "sg-b"), sg_rule("udp", 1000, 9000, "sg-c"),
       tcp(4000, 4001, "pl-a"), tcp(5000, 5001, "sg-d"), tcp(5000, 5001, "0.0.0.0/0")},
      {tcp(22, 22, "pl-a"), tcp(22, 22, "sg-c")}));
  auto wide = of_kind(fs, "large-port-range");
  ASSERT_EQ(wide.size(), 1u);
  // sg-c has udp only; sg-d's ports are open to every address already.
  EXPECT_EQ(wide[0]->exposure_members, (std::vector<std::string>{"sg-b", "pl-a"}));
}

TEST(OverlyPermissiveTest, AclAdminPortRespectsEntryOrder) {
  // Earlier denies close SSH (tcp and udp); RDP stays open through the broad allow.
  auto fs = analyze_acl(test_support::acl(
      "acl-1", {nacl_entry(90, false, 6, 22, 22, "0.0.0.0/0"), nacl_entry(91, false, 17, 22, 22, "0.0.0.0/0"),
                nacl_entry(100, true, -1, 0, 0, "0.0.0.0/0"), nacl_entry(32767, false, -1, 0, 0, "0.0.0.0/0")}));
  auto open = of_kind(fs, "open-admin-port");
  ASSERT_EQ(open.size(), 1u);
  EXPECT_NE(open[0]->message.find("3389"), std::string::npos);
  EXPECT_EQ(open[0]->message.find("tcp 22"), std::string::npos);
  EXPECT_TRUE(has_control(*open[0], "EC2.21"));
  EXPECT_TRUE(has_control(*open[0], "CIS 5.1 (v1.5.0-v3.0.0)"));
  ASSERT_EQ(open[0]->rules.size(), 1u);
  EXPECT_EQ(open[0]->rules[0].rule_number, 100);
  // tcp and udp 3389 for every IPv4 address.
  EXPECT_EQ(open[0]->exposure, dec(kV4 * 2));
}

TEST(OverlyPermissiveTest, HelpersCountAddressesAndOpenLinesExactly) {
  PacketSet s =
      PacketSet::from_boxes({kind_box(kPeerIpv4, 0, 9, 6, 6, 22, 22), kind_box(kPeerIpv4, 5, 19, 17, 17, 53, 53)});
  EXPECT_EQ(address_count(s), 20);
  PacketSet allowed = PacketSet::from_boxes(
      {kind_box(kPeerIpv4, 0, 0xffffffff, 6, 6, 20, 25), kind_box(kPeerIpv4, 0, 5, 6, 6, 26, 30)});
  PacketSet open = open_to_everyone(allowed, Family::V4, {MatchBox{6, 6, 0, 65535}});
  EXPECT_EQ(open, PacketSet::from_box(kind_box(kPeerIpv4, 0, 0xffffffff, 6, 6, 20, 25)));
  EXPECT_EQ(ec2_19_ports().size(), 24u);
}

}  // namespace
}  // namespace sgopt
