// The describe-shape writers: round trips keep the model and every unknown field; new and changed
// rules are grouped as AWS groups them; files are replaced atomically.
#include "model/aws/writer.h"

#include "model/match.h"
#include "model/protocol.h"
#include "model/rule_text.h"
#include "tests/model/aws/load_helpers.h"
#include "tests/support/builders.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace sgopt {
namespace {

using nlohmann::json;
using testing::expect_same_model;
using testing::load_text;

constexpr const char* kGroups = R"({"SecurityGroups": [{
  "Description": "web tier", "GroupName": "web", "GroupId": "sg-1", "OwnerId": "111122223333", "VpcId": "vpc-1",
  "Tags": [{"Key": "Name", "Value": "web"}],
  "XGroupExtra": {"nested": [1, 2, 3]},
  "IpPermissions": [
    {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "XPermissionExtra": "kept",
     "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "public", "XPeerExtra": true},
                  {"CidrIp": "10.0.0.5/24"}],
     "Ipv6Ranges": [{"CidrIpv6": "::/0"}], "PrefixListIds": [],
     "UserIdGroupPairs": [{"GroupId": "sg-2", "UserId": "444455556666", "VpcId": "vpc-9",
                           "VpcPeeringConnectionId": "pcx-1", "PeeringStatus": "active"}]},
    {"IpProtocol": "icmpv6", "Ipv6Ranges": [{"CidrIpv6": "2001:db8::/32"}],
     "IpRanges": [], "PrefixListIds": [{"PrefixListId": "pl-1", "Description": "s3"}], "UserIdGroupPairs": []},
    {"IpProtocol": "icmp", "FromPort": 3, "ToPort": 4, "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
     "PrefixListIds": [], "UserIdGroupPairs": []}
  ],
  "IpPermissionsEgress": [
    {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [], "PrefixListIds": [],
     "UserIdGroupPairs": []}
  ]}]})";

constexpr const char* kAcls = R"({"NetworkAcls": [{
  "Associations": [{"NetworkAclAssociationId": "aclassoc-1", "NetworkAclId": "acl-1", "SubnetId": "subnet-1"}],
  "Entries": [
    {"CidrBlock": "0.0.0.0/0", "Egress": true, "Protocol": "-1", "RuleAction": "allow", "RuleNumber": 100},
    {"CidrBlock": "0.0.0.0/0", "Egress": true, "Protocol": "-1", "RuleAction": "deny", "RuleNumber": 32767},
    {"CidrBlock": "10.0.0.0/8", "Egress": false, "Protocol": "6", "PortRange": {"From": 22, "To": 22},
     "RuleAction": "allow", "RuleNumber": 100, "XEntryExtra": [1]},
    {"CidrBlock": "0.0.0.0/0", "Egress": false, "Protocol": "1", "IcmpTypeCode": {"Code": -1, "Type": 3},
     "RuleAction": "allow", "RuleNumber": 110},
    {"CidrBlock": "0.0.0.0/0", "Egress": false, "Protocol": "-1", "RuleAction": "deny", "RuleNumber": 32767},
    {"Ipv6CidrBlock": "::/0", "Egress": false, "Protocol": "-1", "RuleAction": "deny", "RuleNumber": 32768}],
  "IsDefault": false, "NetworkAclId": "acl-1", "Tags": [], "VpcId": "vpc-1", "OwnerId": "111122223333",
  "XAclExtra": "kept"}]})";

/// Writes `snapshot`'s groups and ACLs and loads them back.
Snapshot round_trip(const Snapshot& s) {
  Snapshot back;
  load_document(back, write_security_groups(s.groups), "groups.json");
  load_document(back, write_network_acls(s.acls), "acls.json");
  return back;
}

TEST(WriterTest, RoundTripGivesTheSameModel) {
  Snapshot s = load_text(kGroups);
  load_document(s, kAcls, "acls-in.json");
  expect_same_model(s, round_trip(s));
}

TEST(WriterTest, RoundTripKeepsEveryFieldOfUnchangedObjects) {
  Snapshot s = load_text(kGroups);
  load_document(s, kAcls, "acls-in.json");
  EXPECT_EQ(json::parse(write_security_groups(s.groups)), json::parse(kGroups));
  EXPECT_EQ(json::parse(write_network_acls(s.acls)), json::parse(kAcls));
}

TEST(WriterTest, UnchangedOutputKeepsTheInputKeyOrder) {
  Snapshot s = load_text(kGroups);
  auto out = nlohmann::ordered_json::parse(write_security_groups(s.groups));
  EXPECT_EQ(out, nlohmann::ordered_json::parse(kGroups));
}

TEST(WriterTest, TheCombinedDocumentIsWrittenAsOneDumpWouldWriteIt) {
  Snapshot s = load_text(kGroups);
  load_document(s, kAcls, "acls-in.json");
  for (const auto& [groups, acls] :
       {std::pair{true, true}, std::pair{true, false}, std::pair{false, true}, std::pair{false, false}}) {
    std::string text =
        write_snapshot(groups ? s.groups : std::vector<SecurityGroup>{}, acls ? s.acls : std::vector<NetworkAcl>{});
    // Written object by object, it is byte for byte the 4-space dump of the whole document.
    EXPECT_EQ(nlohmann::ordered_json::parse(text).dump(4) + "\n", text) << groups << acls;
  }
}

TEST(WriterTest, ChangedRuleKeepsUnknownPeerFields) {
  Snapshot s = load_text(kGroups);
  SgRule& r = s.groups[0].ingress[0];
  r.source.description = "";
  r.peer.cidr = parse_cidr("198.51.100.0/24", Family::V4, nullptr)->cidr;
  json out = json::parse(write_security_groups(s.groups));
  json peer = out["SecurityGroups"][0]["IpPermissions"][0]["IpRanges"][0];
  EXPECT_EQ(peer, json::parse(R"({"CidrIp": "198.51.100.0/24", "XPeerExtra": true})"));
  EXPECT_EQ(out["SecurityGroups"][0]["IpPermissions"][0]["XPermissionExtra"], "kept");
}

TEST(WriterTest, RemovingRulesKeepsThePermissionAndDropsEmptyOnes) {
  Snapshot s = load_text(kGroups);
  auto& in = s.groups[0].ingress;
  // Keep only the second https CIDR and the icmp rule.
  in = {in[1], in.back()};
  json perms = json::parse(write_security_groups(s.groups))["SecurityGroups"][0]["IpPermissions"];
  ASSERT_EQ(perms.size(), 2u);
  EXPECT_EQ(perms[0]["XPermissionExtra"], "kept");
  EXPECT_EQ(perms[0]["IpRanges"], json::parse(R"([{"CidrIp": "10.0.0.5/24"}])"));
  EXPECT_EQ(perms[0]["UserIdGroupPairs"], json::array());
  EXPECT_EQ(perms[1]["IpProtocol"], "icmp");
}

SgRule new_rule(int protocol, std::optional<int> from, std::optional<int> to, Peer peer, std::string description = "") {
  SgRule r;
  r.protocol = protocol;
  r.from_port = from;
  r.to_port = to;
  r.peer = std::move(peer);
  r.source.description = std::move(description);
  return r;
}
Peer cidr_peer(const char* text) { return test_support::peer(text); }
Peer ref_peer(PeerType type, const char* id, const char* user = "") {
  Peer p;
  p.type = type;
  p.ref = id;
  p.user_id = user;
  return p;
}

TEST(WriterTest, NewRulesWithEqualProtocolAndPortsShareOnePermissionInFirstAppearanceOrder) {
  SecurityGroup g;
  g.id = "sg-new";
  g.name = "new";
  g.ingress = {new_rule(kTcp, 22, 22, cidr_peer("10.0.0.0/8"), "admin"), new_rule(kTcp, 80, 80, cidr_peer("0.0.0.0/0")),
               new_rule(kTcp, 22, 22, ref_peer(PeerType::Group, "sg-2", "111122223333")),
               new_rule(kTcp, 22, 22, cidr_peer("2001:db8::/32")),
               new_rule(kTcp, 22, 22, ref_peer(PeerType::PrefixList, "pl-9"))};
  g.egress = {new_rule(kAllProtocols, std::nullopt, std::nullopt, cidr_peer("0.0.0.0/0"))};
  json out = json::parse(write_security_groups({g}))["SecurityGroups"][0];
  EXPECT_EQ(out["GroupId"], "sg-new");
  EXPECT_EQ(out["IpPermissions"], json::parse(R"([
    {"FromPort": 22, "IpProtocol": "tcp", "ToPort": 22,
     "IpRanges": [{"CidrIp": "10.0.0.0/8", "Description": "admin"}],
     "Ipv6Ranges": [{"CidrIpv6": "2001:db8::/32"}],
     "PrefixListIds": [{"PrefixListId": "pl-9"}],
     "UserIdGroupPairs": [{"GroupId": "sg-2", "UserId": "111122223333"}]},
    {"FromPort": 80, "IpProtocol": "tcp", "ToPort": 80, "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
     "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []}])"));
  EXPECT_EQ(out["IpPermissionsEgress"], json::parse(R"([{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
     "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []}])"));
  // Loading it back gives the rules grouped: 22 (v4, v6, pl, group), then 80.
  Snapshot back = load_text(write_security_groups({g}));
  const auto& in = back.groups.at(0).ingress;
  ASSERT_EQ(in.size(), 5u);
  EXPECT_EQ(in[0].source.description, "admin");
  EXPECT_EQ(in[1].peer.type, PeerType::Ipv6);
  EXPECT_EQ(in[2].peer.type, PeerType::PrefixList);
  EXPECT_EQ(in[3].peer.user_id, "111122223333");
  EXPECT_EQ(in[4].from_port, 80);
}

TEST(WriterTest, GroupsBuiltFromRuleRowsAreWrittenInDescribeShape) {
  Snapshot s = load_text(R"({"SecurityGroupRules": [
    {"SecurityGroupRuleId": "sgr-1", "GroupId": "sg-1", "GroupOwnerId": "111122223333", "IsEgress": false,
     "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIpv4": "10.0.0.0/8", "Description": "ssh"},
    {"SecurityGroupRuleId": "sgr-2", "GroupId": "sg-1", "GroupOwnerId": "111122223333", "IsEgress": true,
     "IpProtocol": "-1", "FromPort": -1, "ToPort": -1, "CidrIpv4": "0.0.0.0/0"}]})");
  Snapshot back = load_text(write_security_groups(s.groups));
  const SecurityGroup& g = back.groups.at(0);
  EXPECT_EQ(g.owner_id, "111122223333");
  ASSERT_EQ(g.ingress.size(), 1u);
  EXPECT_EQ(g.ingress[0].source.description, "ssh");
  EXPECT_EQ(sg_rule_match(g.egress.at(0)), sg_rule_match(s.groups[0].egress.at(0)));
}

// What AWS prints: no name, description or VPC the rows did not give, and no ports on "-1".
TEST(WriterTest, GroupsFromRuleRowsHoldOnlyWhatTheInputSaid) {
  Snapshot s = load_text(R"({"SecurityGroupRules": [
    {"SecurityGroupRuleId": "sgr-1", "GroupId": "sg-1", "GroupOwnerId": "111122223333", "IsEgress": false,
     "IpProtocol": "-1", "FromPort": -1, "ToPort": -1, "ReferencedGroupInfo": {"GroupId": "sg-1"}},
    {"SecurityGroupRuleId": "sgr-2", "GroupId": "sg-1", "GroupOwnerId": "111122223333", "IsEgress": true,
     "IpProtocol": "-1", "FromPort": -1, "ToPort": -1, "CidrIpv4": "0.0.0.0/0"},
    {"SecurityGroupRuleId": "sgr-3", "GroupId": "sg-1", "GroupOwnerId": "111122223333", "IsEgress": true,
     "IpProtocol": "icmp", "FromPort": -1, "ToPort": -1, "CidrIpv4": "10.0.0.0/8"}]})");
  SgRule fresh;  // a rule a rewrite made: "-1" with no ports at all
  fresh.peer = test_support::peer("::/0");
  s.groups[0].egress.push_back(fresh);
  json g = json::parse(write_security_groups(s.groups))["SecurityGroups"][0];
  EXPECT_FALSE(g.contains("GroupName"));
  EXPECT_FALSE(g.contains("Description"));
  EXPECT_FALSE(g.contains("VpcId"));
  EXPECT_EQ(g["OwnerId"], "111122223333");
  ASSERT_EQ(g["IpPermissions"].size(), 1u);
  EXPECT_FALSE(g["IpPermissions"][0].contains("FromPort"));
  EXPECT_FALSE(g["IpPermissions"][0].contains("ToPort"));
  // Both "-1" egress rules share one permission; icmp keeps its -1 type and code.
  ASSERT_EQ(g["IpPermissionsEgress"].size(), 2u);
  EXPECT_EQ(g["IpPermissionsEgress"][0]["IpProtocol"], "-1");
  EXPECT_FALSE(g["IpPermissionsEgress"][0].contains("FromPort"));
  EXPECT_EQ(g["IpPermissionsEgress"][0]["IpRanges"].size(), 1u);
  EXPECT_EQ(g["IpPermissionsEgress"][0]["Ipv6Ranges"].size(), 1u);
  EXPECT_EQ(g["IpPermissionsEgress"][1]["FromPort"], -1);
  // And it reads back as the same rules.
  Snapshot back = load_text(write_security_groups(s.groups));
  ASSERT_EQ(back.groups[0].egress.size(), 3u);
  for (const SgRule& r : s.groups[0].egress)
    EXPECT_TRUE(std::any_of(back.groups[0].egress.begin(), back.groups[0].egress.end(), [&](const SgRule& b) {
      return b.peer == r.peer && sg_rule_match(b) == sg_rule_match(r);
    })) << sg_rule_text(r);
}

TEST(WriterTest, AclEntriesAreWrittenEgressFirstByRuleNumber) {
  Snapshot s = load_text(kAcls);
  NaclEntry added;
  added.rule_number = 50;
  added.allow = false;
  added.direction = Direction::Ingress;
  added.protocol = kUdp;
  added.port_range = PortRange{53, 53};
  added.cidr = cidr_peer("192.0.2.0/24").cidr;
  auto& in = s.acls[0].ingress;
  in.insert(in.begin(), added);
  json entries = json::parse(write_network_acls(s.acls))["NetworkAcls"][0]["Entries"];
  std::vector<std::pair<bool, int>> order;
  for (const auto& e : entries) order.emplace_back(e["Egress"].get<bool>(), e["RuleNumber"].get<int>());
  EXPECT_EQ(order,
            (std::vector<std::pair<bool, int>>{
                {true, 100}, {true, 32767}, {false, 50}, {false, 100}, {false, 110}, {false, 32767}, {false, 32768}}));
  EXPECT_EQ(entries[2],
            json::parse(R"({"CidrBlock": "192.0.2.0/24", "Egress": false, "PortRange": {"From": 53, "To": 53},
      "Protocol": "17", "RuleAction": "deny", "RuleNumber": 50})"));
  EXPECT_EQ(entries[3]["XEntryExtra"], json::parse("[1]"));
  expect_same_model(s, round_trip(s));
}

// ----- write_file_atomic -----

class AtomicWriteTest : public testing::TempDirTest {
 protected:
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(dir_)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }
  static std::string read(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
};

TEST_F(AtomicWriteTest, WritesANewFile) {
  write_file_atomic((dir_ / "out.json").string(), "{}\n");
  EXPECT_EQ(read(dir_ / "out.json"), "{}\n");
  EXPECT_EQ(names(), std::vector<std::string>{"out.json"});
}

TEST_F(AtomicWriteTest, ReplacesAFileAndKeepsItsMode) {
  auto path = dir_ / "out.json";
  std::ofstream(path) << "old content that is longer";
  ::chmod(path.c_str(), 0640);
  write_file_atomic(path.string(), "new");
  EXPECT_EQ(read(path), "new");
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0640u);
  EXPECT_EQ(names(), std::vector<std::string>{"out.json"});
}

TEST_F(AtomicWriteTest, FailureLeavesNoPartialFile) {
  std::filesystem::create_directory(dir_ / "taken");  // a folder where the file should go
  EXPECT_THROW(write_file_atomic((dir_ / "taken").string(), "content"), std::runtime_error);
  EXPECT_EQ(names(), std::vector<std::string>{"taken"});
  EXPECT_TRUE(std::filesystem::is_empty(dir_ / "taken"));
  EXPECT_THROW(write_file_atomic((dir_ / "missing" / "out.json").string(), "content"), std::runtime_error);
  EXPECT_EQ(names(), std::vector<std::string>{"taken"});
}

}  // namespace
}  // namespace sgopt
