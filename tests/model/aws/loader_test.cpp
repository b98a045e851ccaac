// The describe-* readers on good input: kinds, boto3 wrappers, folders and standard input, rule rows
// merged with groups, interfaces, prefix lists, and the locations every object keeps.
#include "model/aws/loader.h"

#include "model/protocol.h"
#include "model/quota.h"
#include "tests/model/aws/load_helpers.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

namespace sgopt {
namespace {

using testing::load_text;

TEST(LoaderTest, Boto3ResponsesLoadWithoutWarnings) {
  Snapshot s = load_text(R"({"SecurityGroups": [{"GroupId": "sg-1"}], "NextToken": "abc",
      "ResponseMetadata": {"RequestId": "r", "HTTPStatusCode": 200, "RetryAttempts": 0}})");
  EXPECT_EQ(s.groups.size(), 1u);
  EXPECT_TRUE(s.warnings.empty());
  EXPECT_EQ(s.files, std::vector<std::string>{"test.json"});
}

TEST(LoaderTest, UnknownTopLevelKeysBesideAKnownOneWarn) {
  Snapshot s = load_text(R"({"NetworkAcls": [], "Reservations": []})");
  ASSERT_EQ(s.warnings.size(), 1u);
  EXPECT_EQ(s.warnings[0].where.json_pointer, "/Reservations");
}

TEST(LoaderTest, EveryKindInOneDocument) {
  Snapshot s = load_text(R"({
    "SecurityGroups": [{"GroupId": "sg-1", "GroupName": "web", "Description": "d", "VpcId": "vpc-1", "OwnerId": "1",
                        "Tags": [{"Key": "Name", "Value": "web"}]}],
    "NetworkAcls": [{"NetworkAclId": "acl-1", "IsDefault": true, "VpcId": "vpc-1",
                     "Associations": [{"SubnetId": "subnet-1"}, {"SubnetId": "subnet-2"}]}],
    "NetworkInterfaces": [{"NetworkInterfaceId": "eni-1"}],
    "PrefixLists": [{"PrefixListId": "pl-1"}]})");
  ASSERT_EQ(s.groups.size(), 1u);
  EXPECT_EQ(s.groups[0].name, "web");
  EXPECT_EQ(s.groups[0].tags, (Tags{{"Name", "web"}}));
  ASSERT_EQ(s.acls.size(), 1u);
  EXPECT_TRUE(s.acls[0].is_default);
  EXPECT_EQ(s.acls[0].subnet_ids, (std::vector<std::string>{"subnet-1", "subnet-2"}));
  EXPECT_EQ(s.interfaces.size(), 1u);
  EXPECT_EQ(s.prefix_lists.size(), 1u);
}

TEST(LoaderTest, ObjectsAndRulesKeepFileLineAndPointer) {
  Snapshot s = load_text(
      "{\"SecurityGroups\": [\n"
      "  {\"GroupId\": \"sg-1\",\n"
      "   \"IpPermissionsEgress\": [{\"IpProtocol\": \"-1\",\n"
      "     \"IpRanges\": [\n"
      "       {\"CidrIp\": \"0.0.0.0/0\"},\n"
      "       {\"CidrIp\": \"10.0.0.0/8\", \"Description\": \"corp\"}]}]}]}",
      "web.json");
  const SecurityGroup& g = s.groups.at(0);
  EXPECT_EQ(g.where.str(), "web.json:2: /SecurityGroups/0");
  const SgRule& r = g.egress.at(1);
  EXPECT_EQ(r.where().str(), "web.json:6: /SecurityGroups/0/IpPermissionsEgress/0/IpRanges/1");
  EXPECT_EQ(r.source.resource_id, "sg-1");
  EXPECT_EQ(r.source.permission_index, 0);
  EXPECT_EQ(r.source.peer_index, 1);
  EXPECT_TRUE(r.source.peer_text.empty());  // written as Peer::str() writes it: not kept twice
  EXPECT_EQ(r.peer.str(), "10.0.0.0/8");
  EXPECT_EQ(r.source.description, "corp");
  // An element the writer rebuilds exactly is not kept as text; one with any other field is.
  EXPECT_TRUE(r.source.raw_json.empty());
  Snapshot other = load_text(R"({"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [{"IpProtocol": "-1",
      "IpRanges": [{"CidrIp": "10.0.0.0/8", "Extra": 1}, {"CidrIp": "10.0.0.1/8"}, {"CidrIp": "10.0.0.0/8", "Description": ""}]}]}]})",
                             "other.json");
  const auto& kept = other.groups.at(0).ingress;
  ASSERT_EQ(kept.size(), 3u);
  EXPECT_EQ(kept[0].source.raw_json, R"({"CidrIp":"10.0.0.0/8","Extra":1})");
  EXPECT_EQ(kept[1].source.raw_json, R"({"CidrIp":"10.0.0.1/8"})");  // written with host bits
  EXPECT_EQ(kept[2].source.raw_json, R"({"CidrIp":"10.0.0.0/8","Description":""})");
  // The group keeps its own fields and each permission's, not the peer elements again.
  EXPECT_EQ(other.groups.at(0).raw_json.find("10.0.0.0/8"), std::string::npos) << other.groups.at(0).raw_json;
}

TEST(LoaderTest, InterfacesCarryGroupsAndAddresses) {
  Snapshot s = load_text(R"({"NetworkInterfaces": [{"NetworkInterfaceId": "eni-1", "SubnetId": "subnet-1",
      "VpcId": "vpc-1", "Description": "web", "InterfaceType": "interface",
      "Groups": [{"GroupId": "sg-2", "GroupName": "b"}, {"GroupId": "sg-1", "GroupName": "a"}],
      "PrivateIpAddress": "10.0.0.5",
      "PrivateIpAddresses": [{"PrivateIpAddress": "10.0.0.5", "Primary": true}, {"PrivateIpAddress": "10.0.0.6"}],
      "Ipv6Addresses": [{"Ipv6Address": "2001:db8::5"}]}]})");
  const NetworkInterface& n = s.interfaces.at(0);
  EXPECT_EQ(n.subnet_id, "subnet-1");
  EXPECT_EQ(n.interface_type, "interface");
  EXPECT_EQ(n.group_ids, (std::vector<std::string>{"sg-2", "sg-1"}));
  ASSERT_EQ(n.private_ipv4.size(), 2u);
  EXPECT_EQ(format_address(Family::V4, n.private_ipv4[1]), "10.0.0.6");
  ASSERT_EQ(n.ipv6.size(), 1u);
  EXPECT_EQ(format_address(Family::V6, n.ipv6[0]), "2001:db8::5");
  EXPECT_EQ(s.interfaces_with_group("sg-1").size(), 1u);
}

TEST(LoaderTest, PrefixListsGiveQuotaWeightAndFamily) {
  Snapshot s = load_text(R"({
    "PrefixLists": [{"PrefixListId": "pl-6", "PrefixListName": "v6", "MaxEntries": 20, "AddressFamily": "IPv6"},
                    {"PrefixListId": "pl-4", "AddressFamily": "IPv4", "Entries": [{"Cidr": "10.0.0.0/8"}]}],
    "SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [{"IpProtocol": "-1",
        "PrefixListIds": [{"PrefixListId": "pl-6"}, {"PrefixListId": "pl-4"}]}]}]})");
  const PrefixList* v6 = s.find_prefix_list("pl-6");
  ASSERT_NE(v6, nullptr);
  EXPECT_EQ(v6->name, "v6");
  EXPECT_EQ(v6->max_entries, 20);
  EXPECT_EQ(v6->family, Family::V6);
  EXPECT_EQ(s.find_prefix_list("pl-4")->entries.at(0).str(), "10.0.0.0/8");
  const auto& rules = s.groups.at(0).ingress;
  EXPECT_EQ(rule_weight(rules[0], &s), 20);
  EXPECT_EQ(rule_family(rules[0], &s), Family::V6);
  EXPECT_EQ(rule_family(rules[1], &s), Family::V4);
}

TEST(LoaderTest, InterfacesKeepDelegatedPrefixes) {
  Snapshot s = load_text(R"({"NetworkInterfaces": [{"NetworkInterfaceId": "eni-1", "Groups": [{"GroupId": "sg-1"}],
      "PrivateIpAddress": "10.0.0.5", "Ipv4Prefixes": [{"Ipv4Prefix": "10.0.0.16/28"}],
      "Ipv6Prefixes": [{"Ipv6Prefix": "2001:db8:1::/80"}]}]})");
  const NetworkInterface& n = s.interfaces.at(0);
  ASSERT_EQ(n.prefixes.size(), 2u);
  EXPECT_EQ(n.prefixes[0].str(), "10.0.0.16/28");
  EXPECT_EQ(n.prefixes[1].str(), "2001:db8:1::/80");
  Diagnostic d = testing::load_error(
      R"({"NetworkInterfaces": [{"NetworkInterfaceId": "eni-1", "Ipv4Prefixes": [{"Ipv4Prefix": "10.0.0.16"}]}]})");
  EXPECT_EQ(d.where.json_pointer, "/NetworkInterfaces/0/Ipv4Prefixes/0/Ipv4Prefix");
}

TEST(LoaderTest, GroupReferencesKeepTheirPeering) {
  Snapshot s = load_text(R"({"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [{"IpProtocol": "tcp",
      "FromPort": 22, "ToPort": 22, "UserIdGroupPairs": [{"GroupId": "sg-9", "VpcPeeringConnectionId": "pcx-1",
      "PeeringStatus": "deleted", "UserId": "999988887777"}]}]}]})");
  const Peer& p = s.groups.at(0).ingress.at(0).peer;
  EXPECT_EQ(p.peering_connection, "pcx-1");
  EXPECT_EQ(p.peering_status, "deleted");
  Snapshot rows = load_text(R"({"SecurityGroupRules": [{"GroupId": "sg-1", "IsEgress": false, "IpProtocol": "tcp",
      "FromPort": 22, "ToPort": 22, "ReferencedGroupInfo": {"GroupId": "sg-9", "PeeringStatus": "active",
      "VpcPeeringConnectionId": "pcx-2"}}]})");
  EXPECT_EQ(rows.groups.at(0).ingress.at(0).peer.peering_status, "active");
}

TEST(LoaderTest, PrefixListEntriesNameTheirListByKeyOrFileName) {
  // The plain get-managed-prefix-list-entries output, named after its list, then the list itself.
  Snapshot s;
  load_document(s, R"({"Entries": [{"Cidr": "10.0.0.0/8", "Description": "a"}], "NextToken": "x"})",
                "exports/pl-0123abcd.json");
  load_document(s, R"({"Entries": [{"Cidr": "192.0.2.0/24"}]})", "exports/pl-0123abcd.page2.json");
  load_document(s, R"({"PrefixLists": [{"PrefixListId": "pl-0123abcd", "AddressFamily": "IPv4", "MaxEntries": 10}]})",
                "lists.json");
  ASSERT_EQ(s.prefix_lists.size(), 1u);
  const PrefixList& pl = s.prefix_lists[0];
  EXPECT_TRUE(pl.entries_loaded);
  EXPECT_TRUE(pl.described);
  EXPECT_EQ(pl.max_entries, 10);
  ASSERT_EQ(pl.entries.size(), 2u);
  EXPECT_EQ(pl.entries[1].str(), "192.0.2.0/24");
  EXPECT_TRUE(s.warnings.empty()) << s.warnings[0].str();
  // A "PrefixListId" beside the entries names the list, whatever the file is called.
  Snapshot k = load_text(R"({"PrefixListId": "pl-77", "Entries": [{"Cidr": "2001:db8::/32"}]})", "entries.json");
  ASSERT_EQ(k.prefix_lists.size(), 1u);
  EXPECT_EQ(k.prefix_lists[0].id, "pl-77");
  EXPECT_EQ(k.prefix_lists[0].entries.at(0).family, Family::V6);
  EXPECT_TRUE(k.warnings.empty());
  // Without either, and with an entry of the wrong family, the error says what is wrong.
  Diagnostic d = testing::load_error(R"({"Entries": [{"Cidr": "10.0.0.0/8"}]})", "entries.json");
  EXPECT_NE(d.message.find("PrefixListId"), std::string::npos);
  Snapshot mixed;
  load_document(mixed, R"({"PrefixLists": [{"PrefixListId": "pl-1", "AddressFamily": "IPv6"}]})", "l.json");
  EXPECT_THROW(load_document(mixed, R"({"PrefixListId": "pl-1", "Entries": [{"Cidr": "10.0.0.0/8"}]})", "e.json"),
               InputError);
}

TEST(LoaderTest, StaleGroupsListTheReferencesTheyMark) {
  Snapshot s = load_text(R"({"StaleSecurityGroupSet": [{"GroupId": "sg-1", "VpcId": "vpc-1",
      "StaleIpPermissions": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
          "UserIdGroupPairs": [{"GroupId": "sg-9", "PeeringStatus": "active"}]}],
      "StaleIpPermissionsEgress": [{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": "sg-8"}]}]}]})");
  ASSERT_EQ(s.stale.size(), 2u);
  EXPECT_EQ(s.stale[0].group_id, "sg-1");
  EXPECT_EQ(s.stale[0].referenced_id, "sg-9");
  EXPECT_EQ(s.stale[1].referenced_id, "sg-8");
  EXPECT_EQ(s.stale[1].where.json_pointer, "/StaleSecurityGroupSet/0/StaleIpPermissionsEgress/0/UserIdGroupPairs/0");
}

// ----- describe-launch-template-versions, autoscaling describe-launch-configurations -----

TEST(LoaderTest, LaunchTemplateVersionsNameTheirGroupsByIdNameAndInterface) {
  Snapshot s = load_text(R"({"LaunchTemplateVersions": [
      {"LaunchTemplateId": "lt-1", "LaunchTemplateName": "web", "VersionNumber": 3,
       "LaunchTemplateData": {"SecurityGroupIds": ["sg-1", "sg-2", "sg-1"], "SecurityGroups": ["legacy"],
                              "NetworkInterfaces": [{"DeviceIndex": 0, "Groups": ["sg-3", "sg-2"]}]}},
      {"LaunchTemplateName": "empty", "LaunchTemplateData": {}}]})",
                         "lt.json");
  ASSERT_EQ(s.consumers.size(), 2u);
  const GroupConsumer& c = s.consumers[0];
  EXPECT_EQ(c.kind, "launch template");
  EXPECT_EQ(c.name, "lt-1 (web) version 3");
  EXPECT_EQ(c.group_ids, (std::vector<std::string>{"sg-1", "sg-2", "sg-3"}));
  EXPECT_EQ(c.group_names, (std::vector<std::string>{"legacy"}));
  EXPECT_EQ(c.where.file, "lt.json");
  EXPECT_EQ(c.where.json_pointer, "/LaunchTemplateVersions/0");
  EXPECT_EQ(s.consumers[1].name, "empty");
  EXPECT_TRUE(s.consumers[1].group_ids.empty());
  EXPECT_TRUE(s.groups.empty());
}

TEST(LoaderTest, LaunchConfigurationsNameGroupsByIdOrName) {
  Snapshot s = load_text(R"({"LaunchConfigurations": [
      {"LaunchConfigurationName": "web-lc", "SecurityGroups": ["sg-1", "classic-web"], "ImageId": "ami-1"}]})");
  ASSERT_EQ(s.consumers.size(), 1u);
  EXPECT_EQ(s.consumers[0].kind, "launch configuration");
  EXPECT_EQ(s.consumers[0].name, "web-lc");
  EXPECT_EQ(s.consumers[0].group_ids, (std::vector<std::string>{"sg-1"}));
  EXPECT_EQ(s.consumers[0].group_names, (std::vector<std::string>{"classic-web"}));
}

TEST(LoaderTest, BadLaunchDataSaysWhereAndWhat) {
  Diagnostic d = testing::load_error(R"({"LaunchTemplateVersions": [{"LaunchTemplateId": "lt-1",
      "LaunchTemplateData": {"SecurityGroupIds": ["sg-1", 7]}}]})");
  EXPECT_EQ(d.where.json_pointer, "/LaunchTemplateVersions/0/LaunchTemplateData/SecurityGroupIds/1");
  EXPECT_NE(d.message.find("found the number 7"), std::string::npos) << d.message;
  d = testing::load_error(R"({"LaunchTemplateVersions": [{"VersionNumber": 1}]})");
  EXPECT_NE(d.message.find("LaunchTemplateId"), std::string::npos) << d.message;
  d = testing::load_error(R"({"LaunchTemplateVersions": [{"LaunchTemplateId": "lt-1",
      "LaunchTemplateData": {"NetworkInterfaces": [{"Groups": [""]}]}}]})");
  EXPECT_EQ(d.where.json_pointer, "/LaunchTemplateVersions/0/LaunchTemplateData/NetworkInterfaces/0/Groups/0");
  EXPECT_NE(d.message.find("empty"), std::string::npos) << d.message;
  d = testing::load_error(R"({"LaunchConfigurations": [{"SecurityGroups": ["sg-1"]}]})");
  EXPECT_NE(d.message.find("LaunchConfigurationName"), std::string::npos) << d.message;
  d = testing::load_error(R"({"LaunchConfigurations": [{"LaunchConfigurationName": "lc", "SecurityGroups": "sg-1"}]})");
  EXPECT_EQ(d.where.json_pointer, "/LaunchConfigurations/0/SecurityGroups");
}

// ----- describe-security-group-rules -----

constexpr const char* kRows = R"({"SecurityGroupRules": [
  {"SecurityGroupRuleId": "sgr-1", "GroupId": "sg-1", "GroupOwnerId": "111122223333", "IsEgress": false,
   "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIpv4": "10.0.0.0/8", "Description": "ssh", "Tags": []},
  {"SecurityGroupRuleId": "sgr-2", "GroupId": "sg-1", "GroupOwnerId": "111122223333", "IsEgress": false,
   "IpProtocol": "-1", "FromPort": -1, "ToPort": -1,
   "ReferencedGroupInfo": {"GroupId": "sg-1", "UserId": "111122223333"}},
  {"SecurityGroupRuleId": "sgr-3", "GroupId": "sg-1", "GroupOwnerId": "111122223333", "IsEgress": true,
   "IpProtocol": "-1", "FromPort": -1, "ToPort": -1, "CidrIpv6": "::/0"}]})";

constexpr const char* kGroup = R"({"SecurityGroups": [{"GroupId": "sg-1", "GroupName": "web", "IpPermissions": [
  {"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": "sg-1", "UserId": "111122223333"}]},
  {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/8", "Description": "ssh"}]}],
  "IpPermissionsEgress": [{"IpProtocol": "-1", "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}]}]})";

TEST(RuleRowsTest, RowsAloneBuildTheGroup) {
  Snapshot s = load_text(kRows, "rules.json");
  ASSERT_EQ(s.groups.size(), 1u);
  const SecurityGroup& g = s.groups[0];
  EXPECT_TRUE(g.rules_only);
  EXPECT_EQ(g.owner_id, "111122223333");
  ASSERT_EQ(g.ingress.size(), 2u);
  ASSERT_EQ(g.egress.size(), 1u);
  EXPECT_EQ(g.ingress[0].source.rule_id, "sgr-1");
  EXPECT_EQ(g.ingress[0].source.where.json_pointer, "/SecurityGroupRules/0");
  EXPECT_EQ(g.ingress[1].peer.type, PeerType::Group);
  EXPECT_EQ(g.ingress[1].peer.ref, "sg-1");
  EXPECT_EQ(g.egress[0].peer.type, PeerType::Ipv6);
}

TEST(RuleRowsTest, RowsSplitOverTwoPagesAddUp) {
  Snapshot s =
      load_text(R"({"SecurityGroupRules": [{"SecurityGroupRuleId": "sgr-1", "GroupId": "sg-1", "IsEgress": false,
      "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIpv4": "10.0.0.0/8"}], "NextToken": "t"})",
                "page1.json");
  load_document(s, R"({"SecurityGroupRules": [{"SecurityGroupRuleId": "sgr-2", "GroupId": "sg-1", "IsEgress": false,
      "IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "CidrIpv4": "0.0.0.0/0"}]})",
                "page2.json");
  ASSERT_EQ(s.groups.size(), 1u);
  ASSERT_EQ(s.groups[0].ingress.size(), 2u);
  EXPECT_EQ(s.groups[0].ingress[1].source.where.file, "page2.json");
  EXPECT_THROW(load_document(s, R"({"SecurityGroupRules": [{"SecurityGroupRuleId": "sgr-2", "GroupId": "sg-1",
      "IsEgress": false, "IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "CidrIpv4": "0.0.0.0/0"}]})",
                             "page3.json"),
               InputError);
}

void expect_merged(const Snapshot& s) {
  ASSERT_EQ(s.groups.size(), 1u);
  const SecurityGroup& g = s.groups[0];
  EXPECT_FALSE(g.rules_only);
  EXPECT_EQ(g.name, "web");
  EXPECT_EQ(g.where.file, "groups.json");
  ASSERT_EQ(g.ingress.size(), 2u);
  // describe-security-groups order and locations, with the rows' rule ids.
  EXPECT_EQ(g.ingress[0].peer.type, PeerType::Group);
  EXPECT_EQ(g.ingress[0].source.rule_id, "sgr-2");
  EXPECT_EQ(g.ingress[1].source.rule_id, "sgr-1");
  EXPECT_EQ(g.ingress[1].source.where.file, "groups.json");
  EXPECT_EQ(g.ingress[1].where().json_pointer.view().rfind("/SecurityGroups/0/", 0), 0u);
  EXPECT_EQ(g.egress.at(0).source.rule_id, "sgr-3");
}

TEST(RuleRowsTest, RowsAfterTheGroupAddRuleIds) {
  Snapshot s = load_text(kGroup, "groups.json");
  load_document(s, kRows, "rules.json");
  expect_merged(s);
}

TEST(RuleRowsTest, RowsBeforeTheGroupGiveTheSameResult) {
  Snapshot s = load_text(kRows, "rules.json");
  load_document(s, kGroup, "groups.json");
  expect_merged(s);
}

// ----- files, folders, standard input -----

class LoaderPathTest : public testing::TempDirTest {
 protected:
  static std::string group(const char* id) {
    return std::string(R"({"SecurityGroups": [{"GroupId": ")") + id + "\"}]}";
  }
};

TEST_F(LoaderPathTest, FoldersAreReadRecursivelyInPathOrderAndOnlyJson) {
  write("b.json", group("sg-b"));
  write("a/z.json", group("sg-az"));
  write("a.json", group("sg-a"));
  write("c.JSON", group("sg-c"));
  write("notes.txt", "not json");
  write("d.json.bak", "not json");
  Snapshot s = load_inputs({dir_.string()});
  std::vector<std::string> ids;
  for (const auto& g : s.groups) ids.push_back(g.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"sg-az", "sg-a", "sg-b", "sg-c"}));
  EXPECT_EQ(s.files.front(), (dir_ / "a" / "z.json").string());
  EXPECT_EQ(s.groups[0].where.file, (dir_ / "a" / "z.json").string());
}

TEST_F(LoaderPathTest, FilesAndFoldersMix) {
  write("one.json", group("sg-1"));
  write("more/two.json", group("sg-2"));
  Snapshot s = load_inputs({(dir_ / "one.json").string(), (dir_ / "more").string()});
  EXPECT_EQ(s.groups.size(), 2u);
}

TEST_F(LoaderPathTest, DashReadsStandardInput) {
  std::istringstream in(group("sg-stdin"));
  std::streambuf* old = std::cin.rdbuf(in.rdbuf());
  Snapshot s = load_inputs({"-"});
  std::cin.rdbuf(old);
  ASSERT_EQ(s.groups.size(), 1u);
  EXPECT_EQ(s.groups[0].id, "sg-stdin");
  EXPECT_EQ(s.groups[0].where.file, "<stdin>");
}

}  // namespace
}  // namespace sgopt
