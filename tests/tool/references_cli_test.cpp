// Referenced groups and prefix lists as address sets, through the real binary: the cases that the
// old symbolic model got wrong (diff verdicts and regions, query, exposure through prefix lists),
// in the open world and with members loaded (closed world).
#include "tests/tool/run_cli.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>

namespace sgopt {
namespace {

using json = nlohmann::json;
using testing::run_sgopt;
using testing::write_text;

// Two groups: sg-1 with the given ingress permissions, and the referenced sg-2 (no rules).
std::string groups(const std::string& permissions) {
  return R"({"SecurityGroups": [{"GroupId": "sg-1", "GroupName": "app", "IpPermissions": [)" + permissions +
         R"(]}, {"GroupId": "sg-2", "GroupName": "lb", "IpPermissions": []}]})";
}
const char* kFromGroup =
    R"({"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "UserIdGroupPairs": [{"GroupId": "sg-2"}]})";
const char* kFromEveryone =
    R"({"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [{"CidrIpv6": "::/0"}]})";
const char* kFromIpv4Internet =
    R"({"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]})";

// The interface of sg-2's only member (IPv4 only, or with an IPv6 address too).
std::string members(bool with_ipv6) {
  std::string v6 = with_ipv6 ? R"(, "Ipv6Addresses": [{"Ipv6Address": "2001:db8::5"}])" : "";
  return R"({"NetworkInterfaces": [{"NetworkInterfaceId": "eni-123", "SubnetId": "subnet-1", "PrivateIpAddress": "1.2.3.4",
      "PrivateIpAddresses": [{"PrivateIpAddress": "1.2.3.4"}], "Groups": [{"GroupId": "sg-2"}])" +
         v6 + "}]}";
}

class ReferencesCliTest : public ::testing::Test {
 protected:
  std::string file(const std::string& name, const std::string& content) {
    std::string path = dir_ + "/" + name;
    write_text(path, content);
    return path;
  }
  // The ingress direction of sg-1 in a JSON diff.
  static json ingress(const json& out) {
    for (const auto& r : out["resources"])
      if (r["old_id"] == "sg-1" || r["new_id"] == "sg-1") return r["directions"][0];
    return json();
  }
  std::string dir_ = testing::temp_dir();
};

TEST_F(ReferencesCliTest, WideningAGroupReferenceToEveryAddressIsLooser) {
  auto r = run_sgopt(
      {"diff", file("old.json", groups(kFromGroup)), file("new.json", groups(kFromEveryone)), "--format", "json"});
  ASSERT_EQ(r.status, 1) << r.err;
  json d = ingress(json::parse(r.out));
  EXPECT_EQ(d["verdict"], "looser");
  EXPECT_EQ(d["proof"], "proved");
  EXPECT_EQ(d["world"], "open");
  EXPECT_EQ(d["no_longer_allowed"]["count"], "0");
  EXPECT_TRUE(d["no_longer_allowed"]["regions"].empty());
  // What is new: everyone who is not a member of sg-2, of either family.
  ASSERT_EQ(d["newly_allowed"]["regions"].size(), 1u);
  EXPECT_EQ(d["newly_allowed"]["regions"][0]["peers"][0], "addresses of either family that are not members of sg-2");
}

TEST_F(ReferencesCliTest, HardeningToAGroupReferenceGainsOnlyIpv6Members) {
  auto r = run_sgopt(
      {"diff", file("old.json", groups(kFromIpv4Internet)), file("new.json", groups(kFromGroup)), "--format", "json"});
  ASSERT_EQ(r.status, 1) << r.err;
  json d = ingress(json::parse(r.out));
  EXPECT_EQ(d["verdict"], "incomparable");
  ASSERT_EQ(d["newly_allowed"]["regions"].size(), 1u);
  json gained = d["newly_allowed"]["regions"][0];
  EXPECT_EQ(gained["peers"][0], "members of sg-2 reaching over IPv6");
  EXPECT_EQ(gained["count"], "0");  // no address is gained for certain: only members are
  EXPECT_EQ(gained["plus_members_of"][0], "sg-2");
  EXPECT_EQ(gained["witness"]["member_of"]["id"], "sg-2");
  EXPECT_EQ(gained["witness"]["peer_type"], "ipv6");
  ASSERT_EQ(d["no_longer_allowed"]["regions"].size(), 1u);
  EXPECT_EQ(d["no_longer_allowed"]["regions"][0]["peers"][0], "IPv4 addresses that are not members of sg-2");
  EXPECT_EQ(d["no_longer_allowed"]["count"], "4294967296");
}

TEST_F(ReferencesCliTest, HardeningIsTighterWhenTheMembersAreLoadedWithoutIpv6) {
  std::string enis = file("enis.json", members(false));
  auto r = run_sgopt({"diff", "--old", file("old.json", groups(kFromIpv4Internet)), "--old", enis, "--new",
                      file("new.json", groups(kFromGroup)), "--new", enis, "--format", "json", "--no-interfaces"});
  ASSERT_EQ(r.status, 1) << r.err;
  json out = json::parse(r.out);
  json d = ingress(out);
  EXPECT_EQ(d["verdict"], "tighter");
  EXPECT_EQ(d["world"], "closed");
  EXPECT_EQ(d["proof"], "proved");
  EXPECT_EQ(d["open_world"]["verdict"], "incomparable");
  EXPECT_EQ(d["open_world"]["proof"], "proved");
  EXPECT_EQ(d["no_longer_allowed"]["count"], "4294967295");  // every IPv4 address but the member's
  EXPECT_EQ(out["references"]["new"][0]["world"], "closed");
  // Each obligation, of the closed and of the open world, is unsat for z3 alone.
  std::string smt2 = testing::temp_dir();
  auto e = run_sgopt({"diff", "--old", file("old.json", groups(kFromIpv4Internet)), "--old", enis, "--new",
                      file("new.json", groups(kFromGroup)), "--new", enis, "--no-interfaces", "--emit-smt2", smt2});
  ASSERT_EQ(e.status, 1) << e.err;
  EXPECT_GE(testing::expect_all_unsat(smt2), 4u);
  EXPECT_TRUE(std::filesystem::exists(smt2 + "/sg-1-ingress-new-within-old.smt2"));
  EXPECT_TRUE(std::filesystem::exists(smt2 + "/sg-1-ingress-open-world-gained-regions-exact.smt2"));
  // With an IPv6 member the change gains that address: incomparable again, for the loaded members.
  std::string v6 = file("enis6.json", members(true));
  auto r6 = run_sgopt({"diff", "--old", file("old.json", groups(kFromIpv4Internet)), "--old", v6, "--new",
                       file("new.json", groups(kFromGroup)), "--new", v6, "--format", "json", "--no-interfaces"});
  json d6 = ingress(json::parse(r6.out));
  EXPECT_EQ(d6["verdict"], "incomparable");
  EXPECT_EQ(d6["newly_allowed"]["count"], "1");
  EXPECT_EQ(d6["newly_allowed"]["regions"][0]["peers"][0], "2001:db8::5/128");
  // --references open judges for every membership even with the members loaded.
  auto open =
      run_sgopt({"--references", "open", "diff", "--old", file("old.json", groups(kFromIpv4Internet)), "--old", enis,
                 "--new", file("new.json", groups(kFromGroup)), "--new", enis, "--format", "json", "--no-interfaces"});
  json od = ingress(json::parse(open.out));
  EXPECT_EQ(od["verdict"], "incomparable");
  EXPECT_EQ(od["world"], "open");
}

TEST_F(ReferencesCliTest, QueryAllowsAMemberWhenItsInterfaceIsLoaded) {
  std::string sgs = file("sgs.json", groups(R"({"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
      "UserIdGroupPairs": [{"GroupId": "sg-2"}]})"));
  std::string enis = file("enis.json", members(false));
  auto allow = run_sgopt({"query", sgs, enis, "--group", "sg-1", "--proto", "tcp", "--port", "22", "--peer", "1.2.3.4",
                          "--format", "json"});
  ASSERT_EQ(allow.status, 0) << allow.out << allow.err;
  json a = json::parse(allow.out);
  EXPECT_EQ(a["decision"], "allow");
  EXPECT_EQ(a["world"], "closed");
  EXPECT_EQ(a["rules"][0]["peer"], "sg-2");
  // Another address is no member: denied, and that rests on the loaded interfaces too.
  auto deny = run_sgopt({"query", sgs, enis, "--group", "sg-1", "--proto", "tcp", "--port", "22", "--peer", "1.2.3.5",
                         "--format", "json"});
  EXPECT_EQ(deny.status, 1);
  EXPECT_EQ(json::parse(deny.out)["world"], "closed");
  // Without the interfaces: depends on membership, with its own exit status.
  auto depends = run_sgopt({"query", sgs, "--group", "sg-1", "--proto", "tcp", "--port", "22", "--peer", "1.2.3.4"});
  EXPECT_EQ(depends.status, 3) << depends.err;
  EXPECT_NE(depends.out.find("DEPENDS"), std::string::npos);
  EXPECT_NE(depends.out.find("allowed if 1.2.3.4 is a private address of a member of sg-2"), std::string::npos)
      << depends.out;
  auto member = run_sgopt(
      {"query", sgs, "--group", "sg-1", "--proto", "tcp", "--port", "22", "--peer", "1.2.3.4", "--member-of", "sg-2"});
  EXPECT_EQ(member.status, 0) << member.out;
  EXPECT_EQ(run_sgopt({"query", sgs, "--group", "sg-1", "--proto", "tcp", "--port", "22", "--peer", "sg-2"}).status, 2);
}

TEST_F(ReferencesCliTest, PrefixListEntriesAreAddresses) {
  std::string sgs = file("sgs.json", R"({"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [
      {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "PrefixListIds": [{"PrefixListId": "pl-0a1b2c3d"}]},
      {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "PrefixListIds": [{"PrefixListId": "pl-0ffffff0"}]}]}]})");
  // The plain CLI output, named after its list; and a list described with its entries pasted in.
  std::string entries =
      file("pl-0a1b2c3d.json", R"({"Entries": [{"Cidr": "10.10.10.0/24", "Description": "office"}]})");
  std::string everyone = file("lists.json", R"({"PrefixLists": [{"PrefixListId": "pl-0ffffff0", "AddressFamily": "IPv4",
      "MaxEntries": 5, "Entries": [{"Cidr": "0.0.0.0/0"}]}]})");
  auto q = run_sgopt({"query", sgs, entries, "--group", "sg-1", "--proto", "tcp", "--port", "443", "--peer",
                      "10.10.10.1", "--format", "json"});
  ASSERT_EQ(q.status, 0) << q.out << q.err;
  EXPECT_EQ(json::parse(q.out)["world"], "closed");
  EXPECT_EQ(
      run_sgopt({"query", sgs, entries, "--group", "sg-1", "--proto", "tcp", "--port", "443", "--peer", "10.10.11.1"})
          .status,
      1);
  // A list holding 0.0.0.0/0 opens SSH to the internet (closed world); open, it does not.
  auto a = run_sgopt({"analyze", sgs, everyone, "--format", "json", "--passes", "overly-permissive"});
  ASSERT_EQ(a.status, 1) << a.err;
  json report = json::parse(a.out);
  ASSERT_EQ(report["findings"].size(), 1u);
  EXPECT_EQ(report["findings"][0]["kind"], "open-admin-port");
  EXPECT_EQ(report["findings"][0]["world"], "closed");
  auto open = run_sgopt(
      {"--references", "open", "analyze", sgs, everyone, "--format", "json", "--passes", "overly-permissive"});
  EXPECT_EQ(open.status, 0) << open.out;
  EXPECT_TRUE(json::parse(open.out)["findings"].empty());
  // Entries that say nothing of their list are refused, naming what is missing.
  auto bad = run_sgopt({"show", file("entries.json", R"({"Entries": [{"Cidr": "10.0.0.0/8"}]})")});
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("PrefixListId"), std::string::npos) << bad.err;
}

TEST_F(ReferencesCliTest, ExposureNamesTheGroupsWhoseMembersGetTheSameServices) {
  const char* wide_from_net =
      R"({"IpProtocol": "tcp", "FromPort": 1000, "ToPort": 9000, "IpRanges": [{"CidrIp": "203.0.113.0/24"}]})";
  const char* wide_from_group =
      R"({"IpProtocol": "tcp", "FromPort": 1000, "ToPort": 9000, "UserIdGroupPairs": [{"GroupId": "sg-2"}]})";
  std::string sgs = file("sgs.json", groups(std::string(wide_from_net) + ", " + wide_from_group));
  auto r = run_sgopt({"analyze", sgs, "--format", "json", "--passes", "overly-permissive"});
  ASSERT_EQ(r.status, 0) << r.err;  // a low finding only
  json report = json::parse(r.out);
  ASSERT_EQ(report["findings"].size(), 1u);
  json f = report["findings"][0];
  EXPECT_EQ(f["kind"], "large-port-range");
  EXPECT_EQ(f["exposure"]["addresses"], "256");  // the members' addresses are not known: not counted
  EXPECT_EQ(f["exposure"]["plus_members_of"], json::array({"sg-2"}));
  auto text = run_sgopt({"analyze", sgs, "--passes", "overly-permissive"});
  EXPECT_NE(text.out.find("from 256 addresses, plus the members of sg-2"), std::string::npos) << text.out;
  // With the IPv4 internet open as well, IPv4 members add nothing to an IPv4 exposure.
  std::string everyone = file(
      "everyone.json",
      groups(std::string(wide_from_group) +
             R"(, {"IpProtocol": "tcp", "FromPort": 1000, "ToPort": 9000, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]})"));
  auto e = run_sgopt({"analyze", everyone, "--format", "json", "--passes", "overly-permissive"});
  const json report_e = json::parse(e.out);  // kept alive for the loop
  for (const auto& finding : report_e["findings"])
    EXPECT_TRUE(finding["exposure"]["plus_members_of"].empty()) << finding;
}

TEST_F(ReferencesCliTest, StaleReferencesAreReportedAndStayOpen) {
  std::string sgs = file("sgs.json", R"({"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [
      {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "UserIdGroupPairs": [{"GroupId": "sg-gone"}]},
      {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "UserIdGroupPairs": [{"GroupId": "sg-peer",
         "VpcPeeringConnectionId": "pcx-1", "PeeringStatus": "deleted"}]}]}]})");
  auto r = run_sgopt({"analyze", sgs, "--format", "json", "--passes", "stale-reference", "--fail-on", "medium"});
  ASSERT_EQ(r.status, 1) << r.err;
  json report = json::parse(r.out);
  ASSERT_EQ(report["findings"].size(), 2u);
  EXPECT_EQ(report["findings"][0]["severity"], "low");     // not loaded: maybe another account's
  EXPECT_EQ(report["findings"][1]["severity"], "medium");  // its peering is deleted
  EXPECT_NE(report["findings"][1]["message"].get<std::string>().find("pcx-1"), std::string::npos);
  for (const auto& ref : report["references"]) EXPECT_TRUE(ref["stale"]);
  // describe-stale-security-groups output marks a reference stale for certain.
  std::string listed = file("stale.json", R"({"StaleSecurityGroupSet": [{"GroupId": "sg-1", "StaleIpPermissions": [
      {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "UserIdGroupPairs": [{"GroupId": "sg-gone"}]}]}]})");
  auto l = run_sgopt({"analyze", sgs, listed, "--format", "json", "--passes", "stale-reference"});
  EXPECT_EQ(json::parse(l.out)["findings"][0]["severity"], "medium");
}

}  // namespace
}  // namespace sgopt
