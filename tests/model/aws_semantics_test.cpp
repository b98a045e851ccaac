// The edge cases of AWS-SEMANTICS.md sections 2 (security groups) and 3 (network ACLs), read from
// describe JSON and checked against the reference evaluator and against the match boxes.
#include "model/match.h"
#include "model/packet.h"
#include "model/protocol.h"
#include "tests/model/aws/load_helpers.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace sgopt {
namespace {

using testing::load_text;

Packet packet(int protocol, const char* addr, int port_key = 0) {
  Packet p;
  Family f;
  auto a = parse_address(addr, &f);
  EXPECT_TRUE(a) << addr;
  p.family = f;
  p.addr = a.value_or(0);
  p.protocol = protocol;
  p.port_key = port_key;
  return p;
}
Packet icmp(const char* addr, int type, int code) { return packet(kIcmp, addr, type * 256 + code); }
Packet icmpv6(const char* addr, int type, int code) { return packet(kIcmpv6, addr, type * 256 + code); }

bool in_box(const MatchBox& b, const Packet& p) {
  return b.proto_lo <= p.protocol && p.protocol <= b.proto_hi && b.port_lo <= p.port_key && p.port_key <= b.port_hi;
}
bool peer_has(const Cidr& c, const Packet& p) { return c.contains(p.family, p.addr); }

/// The ingress rules of one group whose IpPermissions is `permissions` (a JSON array).
std::vector<SgRule> sg_rules(const std::string& permissions, Snapshot* out = nullptr) {
  Snapshot s = load_text(R"({"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": )" + permissions + "}]}");
  if (out) *out = s;
  return s.groups.at(0).ingress;
}
/// The ingress entries of one ACL whose Entries is `entries` (a JSON array).
std::vector<NaclEntry> nacl_entries(const std::string& entries, Snapshot* out = nullptr) {
  Snapshot s = load_text(R"({"NetworkAcls": [{"NetworkAclId": "acl-1", "Entries": )" + entries + "}]}");
  if (out) *out = s;
  return s.acls.at(0).ingress;
}

/// The evaluator gives `want`, and the rule's match box (with its CIDR) says the same.
void expect_rule(const SgRule& r, const Packet& p, bool want) {
  EXPECT_EQ(rule_matches(r, p), want) << p.str();
  if (r.peer.is_cidr()) {
    EXPECT_EQ(peer_has(r.peer.cidr, p) && in_box(sg_rule_match(r), p), want) << "box: " << p.str();
  }
}
void expect_entry(const NaclEntry& e, const Packet& p, bool want) {
  EXPECT_EQ(entry_matches(e, p), want) << p.str();
  EXPECT_EQ(peer_has(e.cidr, p) && in_box(nacl_entry_match(e), p), want) << "box: " << p.str();
}

bool has_warning(const Snapshot& s, const std::string& text) {
  for (const auto& w : s.warnings)
    if (w.message.find(text) != std::string::npos) return true;
  return false;
}

constexpr const char* kAnyV4 = R"("IpRanges": [{"CidrIp": "0.0.0.0/0"}])";

std::string perm(const std::string& fields) { return "[{" + fields + ", " + kAnyV4 + "}]"; }

// ----- Section 2: security groups -----

TEST(SgSemanticsTest, IcmpFromPortIsTypeAndToPortIsCodeNotARange) {
  SgRule r = sg_rules(perm(R"("IpProtocol": "icmp", "FromPort": 3, "ToPort": 4)")).at(0);
  expect_rule(r, icmp("1.2.3.4", 3, 4), true);
  expect_rule(r, icmp("1.2.3.4", 3, 3), false);
  expect_rule(r, icmp("1.2.3.4", 4, 3), false);  // a range 3..4 over types would match this
  expect_rule(r, icmp("1.2.3.4", 4, 4), false);
}

TEST(SgSemanticsTest, IcmpCodeMinusOneMatchesEveryCodeOfTheType) {
  SgRule r = sg_rules(perm(R"("IpProtocol": "icmp", "FromPort": 8, "ToPort": -1)")).at(0);
  expect_rule(r, icmp("1.2.3.4", 8, 0), true);
  expect_rule(r, icmp("1.2.3.4", 8, 255), true);
  expect_rule(r, icmp("1.2.3.4", 7, 255), false);
  expect_rule(r, icmp("1.2.3.4", 9, 0), false);
}

TEST(SgSemanticsTest, IcmpTypeMinusOneMatchesEveryIcmpPacketOnly) {
  SgRule r = sg_rules(perm(R"("IpProtocol": "icmp", "FromPort": -1, "ToPort": -1)")).at(0);
  expect_rule(r, icmp("1.2.3.4", 0, 0), true);
  expect_rule(r, icmp("1.2.3.4", 255, 255), true);
  expect_rule(r, packet(kTcp, "1.2.3.4", 0), false);
  expect_rule(r, icmpv6("1.2.3.4", 0, 0), false);
}

TEST(SgSemanticsTest, AllProtocolsWithoutPortsMatchesEveryProtocolAndPort) {
  SgRule r = sg_rules(perm(R"("IpProtocol": "-1")")).at(0);
  EXPECT_EQ(r.protocol, kAllProtocols);
  EXPECT_FALSE(r.from_port);
  expect_rule(r, packet(kTcp, "1.2.3.4", 22), true);
  expect_rule(r, packet(kUdp, "1.2.3.4", 65535), true);
  expect_rule(r, icmp("1.2.3.4", 3, 4), true);
  expect_rule(r, packet(50, "1.2.3.4"), true);
  expect_rule(r, packet(0, "1.2.3.4"), true);
}

TEST(SgSemanticsTest, AllProtocolsIgnoresPortsGivenWithAWarning) {
  Snapshot s;
  SgRule r = sg_rules(perm(R"("IpProtocol": "-1", "FromPort": 22, "ToPort": 22)"), &s).at(0);
  expect_rule(r, packet(kTcp, "1.2.3.4", 80), true);
  expect_rule(r, packet(kUdp, "1.2.3.4", 53), true);
  EXPECT_TRUE(has_warning(s, "ignored"));
}

TEST(SgSemanticsTest, AllProtocolsWithMinusOnePortsFromRuleRowsIsTheSame) {
  Snapshot s = load_text(R"({"SecurityGroupRules": [{"SecurityGroupRuleId": "sgr-1", "GroupId": "sg-1",
      "IsEgress": false, "IpProtocol": "-1", "FromPort": -1, "ToPort": -1, "CidrIpv4": "0.0.0.0/0"}]})");
  const SgRule& r = s.groups.at(0).ingress.at(0);
  EXPECT_TRUE(s.warnings.empty());
  expect_rule(r, packet(kTcp, "1.2.3.4", 22), true);
  expect_rule(r, packet(47, "1.2.3.4"), true);
  EXPECT_EQ(sg_rule_match(r), sg_rule_match(sg_rules(perm(R"("IpProtocol": "-1")")).at(0)));
}

TEST(SgSemanticsTest, NumericProtocolsAreTheNamedOnes) {
  struct Case {
    const char* number;
    const char* name;
    int protocol;
  };
  for (const Case& c :
       {Case{"6", "tcp", kTcp}, Case{"17", "udp", kUdp}, Case{"1", "icmp", kIcmp}, Case{"58", "icmpv6", kIcmpv6}}) {
    SCOPED_TRACE(c.name);
    SgRule by_number = sg_rules(perm(fmt::format(R"("IpProtocol": "{}", "FromPort": 3, "ToPort": 4)", c.number))).at(0);
    SgRule by_name = sg_rules(perm(fmt::format(R"("IpProtocol": "{}", "FromPort": 3, "ToPort": 4)", c.name))).at(0);
    EXPECT_EQ(by_number.protocol, c.protocol);
    EXPECT_EQ(by_name.protocol, c.protocol);
    EXPECT_EQ(sg_rule_match(by_number), sg_rule_match(by_name));
    // Type and code semantics apply to "1" and "58" exactly as to their names.
    bool icmp_like = is_icmp_protocol(c.protocol);
    expect_rule(by_number, packet(c.protocol, "1.2.3.4", 3 * 256 + 4), icmp_like);
    expect_rule(by_number, packet(c.protocol, "1.2.3.4", 4), !icmp_like);
    expect_rule(by_number, packet(c.protocol, "1.2.3.4", 5), false);
  }
}

TEST(SgSemanticsTest, OtherProtocolNumbersMatchEveryPortWithAWarningForGivenPorts) {
  Snapshot s;
  SgRule r = sg_rules(perm(R"("IpProtocol": "50", "FromPort": 0, "ToPort": 0)"), &s).at(0);
  EXPECT_EQ(r.protocol, 50);
  expect_rule(r, packet(50, "1.2.3.4"), true);
  expect_rule(r, packet(51, "1.2.3.4"), false);
  expect_rule(r, packet(kTcp, "1.2.3.4", 0), false);
  EXPECT_TRUE(has_warning(s, "protocol 50"));
}

TEST(SgSemanticsTest, Icmpv6WithoutPortsMatchesEveryTypeAndCode) {
  Snapshot s;
  SgRule r = sg_rules(R"([{"IpProtocol": "icmpv6", "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}])", &s).at(0);
  EXPECT_TRUE(s.warnings.empty());
  expect_rule(r, icmpv6("2001:db8::1", 128, 0), true);
  expect_rule(r, icmpv6("2001:db8::1", 1, 4), true);
  expect_rule(r, icmpv6("2001:db8::1", 255, 255), true);
  expect_rule(r, icmp("2001:db8::1", 128, 0), false);
}

TEST(SgSemanticsTest, IcmpWithoutPortsIsAnError) {
  auto d = testing::load_error(R"({"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [{"IpProtocol": "icmp",
      "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}]})");
  EXPECT_EQ(d.where.json_pointer, "/SecurityGroups/0/IpPermissions/0");
}

TEST(SgSemanticsTest, TcpMinusOnePortsMeanEveryPortWithAWarning) {
  Snapshot s;
  SgRule r = sg_rules(perm(R"("IpProtocol": "tcp", "FromPort": -1, "ToPort": -1)"), &s).at(0);
  expect_rule(r, packet(kTcp, "1.2.3.4", 0), true);
  expect_rule(r, packet(kTcp, "1.2.3.4", 65535), true);
  expect_rule(r, packet(kUdp, "1.2.3.4", 80), false);
  EXPECT_TRUE(has_warning(s, "every port"));
}

TEST(SgSemanticsTest, TcpPortRangeIsInclusive) {
  SgRule r = sg_rules(perm(R"("IpProtocol": "tcp", "FromPort": 1000, "ToPort": 2000)")).at(0);
  expect_rule(r, packet(kTcp, "1.2.3.4", 999), false);
  expect_rule(r, packet(kTcp, "1.2.3.4", 1000), true);
  expect_rule(r, packet(kTcp, "1.2.3.4", 2000), true);
  expect_rule(r, packet(kTcp, "1.2.3.4", 2001), false);
}

TEST(SgSemanticsTest, Ipv4RulesNeverMatchIpv6AndBack) {
  auto rules = sg_rules(R"([{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                             "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}])");
  ASSERT_EQ(rules.size(), 2u);
  expect_rule(rules[0], packet(kTcp, "10.0.0.1", 22), true);
  expect_rule(rules[0], packet(kTcp, "::ffff:10.0.0.1", 22), false);
  expect_rule(rules[0], packet(kTcp, "::", 22), false);
  expect_rule(rules[1], packet(kTcp, "2001:db8::1", 22), true);
  expect_rule(rules[1], packet(kTcp, "0.0.0.0", 22), false);
}

TEST(SgSemanticsTest, HostBitsAreClearedWithAWarning) {
  Snapshot s;
  SgRule r = sg_rules(R"([{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "10.0.0.5/24"}]}])", &s).at(0);
  EXPECT_EQ(r.peer.cidr.str(), "10.0.0.0/24");
  EXPECT_EQ(r.source.peer_text, "10.0.0.5/24");
  expect_rule(r, packet(kTcp, "10.0.0.0", 1), true);
  expect_rule(r, packet(kTcp, "10.0.0.255", 1), true);
  expect_rule(r, packet(kTcp, "10.0.1.0", 1), false);
  ASSERT_EQ(s.warnings.size(), 1u);
  EXPECT_EQ(s.warnings[0].where.json_pointer, "/SecurityGroups/0/IpPermissions/0/IpRanges/0/CidrIp");
  EXPECT_NE(s.warnings[0].message.find("10.0.0.0/24"), std::string::npos);
}

TEST(SgSemanticsTest, OnePermissionIsOneRulePerPeer) {
  auto rules = sg_rules(R"([{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
      "IpRanges": [{"CidrIp": "10.0.0.0/8"}, {"CidrIp": "192.168.0.0/16", "Description": "office"}],
      "Ipv6Ranges": [{"CidrIpv6": "2001:db8::/32"}], "PrefixListIds": [{"PrefixListId": "pl-1"}],
      "UserIdGroupPairs": [{"GroupId": "sg-2", "UserId": "123456789012"}]}])");
  ASSERT_EQ(rules.size(), 5u);
  EXPECT_EQ(rules[1].source.description, "office");
  EXPECT_EQ(rules[1].where().json_pointer, "/SecurityGroups/0/IpPermissions/0/IpRanges/1");
  EXPECT_EQ(rules[3].peer.type, PeerType::PrefixList);
  EXPECT_EQ(rules[4].peer.type, PeerType::Group);
  EXPECT_EQ(rules[4].peer.user_id, "123456789012");
  // A referenced group stands for its members' addresses, whatever their family; open, it matches
  // the packets that come from members, and an address alone is not one.
  Packet from_group = packet(kTcp, "10.0.0.1", 22);
  from_group.member = Membership{PeerType::Group, "sg-2"};
  EXPECT_TRUE(rule_matches(rules[4], from_group));
  from_group.member->id = "sg-3";
  EXPECT_FALSE(rule_matches(rules[4], from_group));
  EXPECT_FALSE(rule_matches(rules[4], packet(kTcp, "10.0.0.1", 22)));
  Packet v6_member = packet(kTcp, "2001:db8::1", 22);
  v6_member.member = Membership{PeerType::Group, "sg-2"};
  EXPECT_TRUE(rule_matches(rules[4], v6_member));
  // The CIDR rules match members too: a member's packets are ordinary address packets.
  Packet member_in_cidr = packet(kTcp, "10.9.9.9", 22);
  member_in_cidr.member = Membership{PeerType::Group, "sg-3"};
  EXPECT_TRUE(rule_matches(rules[0], member_in_cidr));
}

TEST(SgSemanticsTest, GroupAllowsWhatAnyRuleAllows) {
  auto rules = sg_rules(R"([{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
                            {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])");
  EXPECT_TRUE(sg_allows(rules, packet(kTcp, "10.1.1.1", 22)));
  EXPECT_TRUE(sg_allows(rules, packet(kTcp, "8.8.8.8", 80)));
  EXPECT_FALSE(sg_allows(rules, packet(kTcp, "8.8.8.8", 22)));
  std::reverse(rules.begin(), rules.end());
  EXPECT_TRUE(sg_allows(rules, packet(kTcp, "10.1.1.1", 22)));
}

// ----- Section 3: network ACLs -----

TEST(NaclSemanticsTest, LowestRuleNumberDecidesNotFileOrder) {
  auto entries = nacl_entries(R"([
    {"RuleNumber": 200, "Protocol": "6", "PortRange": {"From": 22, "To": 22}, "RuleAction": "allow", "Egress": false, "CidrBlock": "0.0.0.0/0"},
    {"RuleNumber": 100, "Protocol": "6", "PortRange": {"From": 22, "To": 22}, "RuleAction": "deny", "Egress": false, "CidrBlock": "10.0.0.0/8"},
    {"RuleNumber": 32767, "Protocol": "-1", "RuleAction": "deny", "Egress": false, "CidrBlock": "0.0.0.0/0"}])");
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].rule_number, 100);
  EXPECT_EQ(entries[1].rule_number, 200);
  EXPECT_EQ(entries[0].source.where.json_pointer, "/NetworkAcls/0/Entries/1");
  auto d = nacl_decide(entries, packet(kTcp, "10.1.2.3", 22));
  EXPECT_FALSE(d.allow);
  ASSERT_NE(d.entry, nullptr);
  EXPECT_EQ(d.entry->rule_number, 100);
  EXPECT_TRUE(nacl_decide(entries, packet(kTcp, "11.1.2.3", 22)).allow);
  // The evaluator orders by number itself: entries in file order decide the same.
  std::vector<NaclEntry> file_order = {entries[1], entries[0], entries[2]};
  auto again = nacl_decide(file_order, packet(kTcp, "10.1.2.3", 22));
  EXPECT_FALSE(again.allow);
  ASSERT_NE(again.entry, nullptr);
  EXPECT_EQ(again.entry->rule_number, 100);
}

TEST(NaclSemanticsTest, DefaultDenyEntriesAreKeptAndDecideTheRest) {
  Snapshot s;
  nacl_entries(R"([
    {"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": false, "CidrBlock": "10.0.0.0/8"},
    {"RuleNumber": 32768, "Protocol": "-1", "RuleAction": "deny", "Egress": false, "Ipv6CidrBlock": "::/0"},
    {"RuleNumber": 32767, "Protocol": "-1", "RuleAction": "deny", "Egress": false, "CidrBlock": "0.0.0.0/0"},
    {"RuleNumber": 32767, "Protocol": "-1", "RuleAction": "deny", "Egress": true, "CidrBlock": "0.0.0.0/0"}])",
               &s);
  const NetworkAcl& a = s.acls.at(0);
  ASSERT_EQ(a.ingress.size(), 3u);
  ASSERT_EQ(a.egress.size(), 1u);
  EXPECT_TRUE(a.ingress[1].is_default_deny());
  EXPECT_EQ(a.ingress[1].rule_number, 32767);
  EXPECT_EQ(a.ingress[2].rule_number, 32768);
  auto v4 = nacl_decide(a.ingress, packet(kTcp, "192.168.1.1", 22));
  ASSERT_NE(v4.entry, nullptr);
  EXPECT_EQ(v4.entry->rule_number, 32767);
  auto v6 = nacl_decide(a.ingress, packet(kTcp, "2001:db8::1", 22));
  ASSERT_NE(v6.entry, nullptr);
  EXPECT_EQ(v6.entry->rule_number, 32768);
  EXPECT_FALSE(v6.allow);
  EXPECT_TRUE(nacl_decide(a.ingress, packet(kTcp, "10.1.1.1", 22)).allow);
}

TEST(NaclSemanticsTest, Icmpv6WithAnIpv4BlockMatchesEveryTypeAndCode) {
  Snapshot s;
  NaclEntry e = nacl_entries(R"([{"RuleNumber": 10, "Protocol": "58", "IcmpTypeCode": {"Type": 128, "Code": 0},
      "RuleAction": "allow", "Egress": false, "CidrBlock": "0.0.0.0/0"}])",
                             &s)
                    .at(0);
  expect_entry(e, icmpv6("1.2.3.4", 128, 0), true);
  expect_entry(e, icmpv6("1.2.3.4", 1, 4), true);
  expect_entry(e, icmp("1.2.3.4", 1, 4), false);
  EXPECT_TRUE(has_warning(s, "58 with an IPv4 block"));
}

TEST(NaclSemanticsTest, Icmpv6WithAnIpv6BlockUsesTypeAndCode) {
  NaclEntry e = nacl_entries(R"([{"RuleNumber": 10, "Protocol": "58", "IcmpTypeCode": {"Type": 128, "Code": -1},
      "RuleAction": "allow", "Egress": false, "Ipv6CidrBlock": "::/0"}])")
                    .at(0);
  expect_entry(e, icmpv6("2001:db8::1", 128, 0), true);
  expect_entry(e, icmpv6("2001:db8::1", 128, 255), true);
  expect_entry(e, icmpv6("2001:db8::1", 129, 0), false);
  expect_entry(e, icmpv6("1.2.3.4", 128, 0), false);
}

TEST(NaclSemanticsTest, IcmpTypeCodeIsTypeAndCode) {
  NaclEntry e = nacl_entries(R"([{"RuleNumber": 10, "Protocol": "1", "IcmpTypeCode": {"Type": 3, "Code": 4},
      "RuleAction": "allow", "Egress": false, "CidrBlock": "0.0.0.0/0"}])")
                    .at(0);
  expect_entry(e, icmp("1.2.3.4", 3, 4), true);
  expect_entry(e, icmp("1.2.3.4", 3, 3), false);
  expect_entry(e, icmp("1.2.3.4", 4, 4), false);
}

TEST(NaclSemanticsTest, ProtocolNamesAndNumbersAreTheSame) {
  auto entries = nacl_entries(R"([
    {"RuleNumber": 10, "Protocol": "tcp", "PortRange": {"From": 80, "To": 90}, "RuleAction": "allow", "Egress": false, "CidrBlock": "0.0.0.0/0"},
    {"RuleNumber": 20, "Protocol": "6", "PortRange": {"From": 80, "To": 90}, "RuleAction": "allow", "Egress": false, "CidrBlock": "0.0.0.0/0"}])");
  EXPECT_EQ(entries[0].protocol, kTcp);
  EXPECT_EQ(nacl_entry_match(entries[0]), nacl_entry_match(entries[1]));
  for (int port : {79, 80, 90, 91}) {
    expect_entry(entries[0], packet(kTcp, "1.2.3.4", port), port >= 80 && port <= 90);
    expect_entry(entries[1], packet(kTcp, "1.2.3.4", port), port >= 80 && port <= 90);
  }
  expect_entry(entries[0], packet(kUdp, "1.2.3.4", 80), false);
}

TEST(NaclSemanticsTest, OtherProtocolsMatchEveryPortAndWarnAboutPortRange) {
  Snapshot s;
  NaclEntry e = nacl_entries(R"([{"RuleNumber": 10, "Protocol": "50", "PortRange": {"From": 80, "To": 80},
      "RuleAction": "allow", "Egress": false, "CidrBlock": "0.0.0.0/0"}])",
                             &s)
                    .at(0);
  expect_entry(e, packet(50, "1.2.3.4"), true);
  expect_entry(e, packet(kTcp, "1.2.3.4", 80), false);
  EXPECT_TRUE(has_warning(s, "PortRange is ignored"));
}

TEST(NaclSemanticsTest, Ipv4EntriesNeverMatchIpv6AndBack) {
  auto entries = nacl_entries(R"([
    {"RuleNumber": 10, "Protocol": "-1", "RuleAction": "allow", "Egress": false, "CidrBlock": "0.0.0.0/0"},
    {"RuleNumber": 20, "Protocol": "-1", "RuleAction": "allow", "Egress": false, "Ipv6CidrBlock": "::/0"}])");
  expect_entry(entries[0], packet(kTcp, "::ffff:1.2.3.4", 1), false);
  expect_entry(entries[0], packet(kTcp, "1.2.3.4", 1), true);
  expect_entry(entries[1], packet(kTcp, "1.2.3.4", 1), false);
  expect_entry(entries[1], packet(kTcp, "::1", 1), true);
}

TEST(NaclSemanticsTest, HostBitsAreClearedWithAWarning) {
  Snapshot s;
  NaclEntry e = nacl_entries(R"([{"RuleNumber": 10, "Protocol": "-1", "RuleAction": "deny", "Egress": false,
      "CidrBlock": "100.68.0.18/18"}])",
                             &s)
                    .at(0);
  EXPECT_EQ(e.cidr.str(), "100.68.0.0/18");
  expect_entry(e, packet(kUdp, "100.68.63.255", 1), true);
  expect_entry(e, packet(kUdp, "100.68.64.0", 1), false);
  ASSERT_EQ(s.warnings.size(), 1u);
  EXPECT_EQ(s.warnings[0].where.json_pointer, "/NetworkAcls/0/Entries/0/CidrBlock");
}

TEST(NaclSemanticsTest, DirectionsAreSeparateAndMayReuseNumbers) {
  Snapshot s;
  nacl_entries(R"([
    {"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": true, "CidrBlock": "0.0.0.0/0"},
    {"RuleNumber": 100, "Protocol": "-1", "RuleAction": "deny", "Egress": false, "CidrBlock": "0.0.0.0/0"}])",
               &s);
  const NetworkAcl& a = s.acls.at(0);
  ASSERT_EQ(a.egress.size(), 1u);
  ASSERT_EQ(a.ingress.size(), 1u);
  EXPECT_TRUE(nacl_decide(a.egress, packet(kTcp, "1.1.1.1", 1)).allow);
  EXPECT_FALSE(nacl_decide(a.ingress, packet(kTcp, "1.1.1.1", 1)).allow);
}

}  // namespace
}  // namespace sgopt
