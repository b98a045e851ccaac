// AWS Config configuration items: the three shapes Config gives them in, the version a side reads,
// and the changes between consecutive versions.
#include "model/aws/loader.h"
#include "model/packet.h"
#include "passes/compare/diff.h"
#include "tests/model/aws/load_helpers.h"
#include "tests/support/builders.h"
#include "tests/support/iac.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>

namespace sgopt {
namespace {

using test_support::packet;
using testing::load_text;
using Side = LoadOptions::Side;
using nlohmann::json;

json sg_configuration(const std::vector<std::pair<int, std::string>>& open) {
  json perms = json::array();
  for (const auto& [port, cidr] : open)
    perms.push_back({{"ipProtocol", "tcp"},
                     {"fromPort", port},
                     {"toPort", port},
                     {"userIdGroupPairs", json::array()},
                     {"ipRanges", {cidr}},
                     {"ipv4Ranges", {{{"cidrIp", cidr}, {"description", "d"}}}},
                     {"ipv6Ranges", json::array()},
                     {"prefixListIds", json::array()}});
  return {{"groupId", "sg-0c0000000000000a1"},
          {"groupName", "web"},
          {"description", "web"},
          {"vpcId", "vpc-1"},
          {"ownerId", "111122223333"},
          {"ipPermissions", perms},
          {"ipPermissionsEgress", json::array()},
          {"tags", {{{"key", "Name"}, {"value", "web"}}}}};
}

json item(const std::string& time, const json& configuration, const std::string& status = "OK") {
  return {{"configurationItemCaptureTime", time},
          {"configurationItemStatus", status},
          {"resourceType", "AWS::EC2::SecurityGroup"},
          {"resourceId", "sg-0c0000000000000a1"},
          {"configuration", configuration}};
}

// An S3 history file: configuration objects, newest listed first as Config does.
std::string history() {
  json items = json::array({item("2026-11-30T10:14:00.000Z", sg_configuration({{443, "0.0.0.0/0"}})),
                            item("2026-11-30T10:02:00.000Z", sg_configuration({{443, "0.0.0.0/0"}, {22, "0.0.0.0/0"}})),
                            item("2026-11-30T09:00:00Z", sg_configuration({{22, "0.0.0.0/0"}}))});
  return json{{"fileVersion", "1.0"}, {"configurationItems", items}}.dump();
}

LoadOptions with(Side s, const std::string& at = "") {
  LoadOptions o;
  o.side = s;
  o.at = at;
  return o;
}

TEST(ConfigItemsTest, TheLatestVersionOrTheOneAtATimeIsTheSnapshot) {
  Snapshot latest = load_text(history(), "h.json");
  ASSERT_EQ(latest.groups.size(), 1u);
  EXPECT_TRUE(latest.two_sided);
  const auto& g = latest.groups[0];
  EXPECT_EQ(g.id, "sg-0c0000000000000a1");
  EXPECT_EQ(g.ingress.size(), 1u);  // ipRanges and ipv4Ranges name the same CIDR: one rule
  EXPECT_TRUE(sg_allows(g.ingress, packet("tcp", "198.51.100.1", 443)));
  EXPECT_FALSE(sg_allows(g.ingress, packet("tcp", "198.51.100.1", 22)));
  Snapshot at = load_text(history(), "h.json", with(Side::Latest, "2026-11-30T10:05:00Z"));
  ASSERT_EQ(at.groups.size(), 1u);
  EXPECT_TRUE(sg_allows(at.groups[0].ingress, packet("tcp", "198.51.100.1", 22)));
  EXPECT_TRUE(sg_allows(at.groups[0].ingress, packet("tcp", "198.51.100.1", 443)));
  // A time with an offset is the same instant in UTC.
  Snapshot offset = load_text(history(), "h.json", with(Side::Latest, "2026-11-30T11:01:00+01:00"));
  EXPECT_FALSE(sg_allows(offset.groups[0].ingress, packet("tcp", "198.51.100.1", 443)));
  EXPECT_THROW(load_text(history(), "h.json", with(Side::Latest, "yesterday")), InputError);
}

TEST(ConfigItemsTest, DiffComparesEachPairOfConsecutiveVersions) {
  Snapshot before = load_text(history(), "h.json", with(Side::Before));
  Snapshot after = load_text(history(), "h.json", with(Side::After));
  DiffReport r = diff_snapshots(before, after, DiffOptions{});
  ASSERT_EQ(r.resources.size(), 2u);
  // Oldest first: 09:00 -> 10:02 opened 443; 10:02 -> 10:14 closed 22.
  EXPECT_EQ(r.resources[0].label(), "sg-0c0000000000000a1 [2026-11-30T09:00:00Z -> 2026-11-30T10:02:00Z]");
  EXPECT_EQ(r.resources[0].directions[0].verdict(), Verdict::Looser);
  EXPECT_EQ(r.resources[1].label(), "sg-0c0000000000000a1 [2026-11-30T10:02:00Z -> 2026-11-30T10:14:00Z]");
  EXPECT_EQ(r.resources[1].directions[0].verdict(), Verdict::Tighter);
  EXPECT_EQ(r.resources[1].directions[1].verdict(), Verdict::Equivalent);
}

TEST(ConfigItemsTest, ConfigurationAsAStringAndSelectResultsReadTheSame) {
  json conf = sg_configuration({{8080, "10.0.0.0/8"}});
  json as_string{{"configurationItems", {item("2026-11-30T10:14:00Z", conf.dump())}}};
  json select{{"Results", {item("2026-11-30T10:14:00Z", conf).dump()}}, {"QueryInfo", json::object()}};
  for (const json& doc : {as_string, select}) {
    Snapshot s = load_text(doc.dump(), "c.json");
    ASSERT_EQ(s.groups.size(), 1u) << doc.dump();
    EXPECT_TRUE(sg_allows(s.groups[0].ingress, packet("tcp", "10.1.2.3", 8080)));
    EXPECT_TRUE(s.warnings.empty()) << s.warnings[0].str();
  }
}

TEST(ConfigItemsTest, NetworkAclItemsAndDeletedVersions) {
  json acl{{"networkAclId", "acl-0c00000000000000b"},
           {"vpcId", "vpc-1"},
           {"isDefault", false},
           {"associations", {{{"subnetId", "subnet-1"}}}},
           {"entries",
            {{{"ruleNumber", 100},
              {"protocol", "6"},
              {"ruleAction", "allow"},
              {"egress", false},
              {"cidrBlock", "0.0.0.0/0"},
              {"portRange", {{"from", 443}, {"to", 443}}}}}}};
  json items = json::array({json{{"configurationItemCaptureTime", "2026-11-30T10:00:00Z"},
                                 {"resourceType", "AWS::EC2::NetworkAcl"},
                                 {"resourceId", "acl-0c00000000000000b"},
                                 {"configuration", acl}},
                            json{{"configurationItemCaptureTime", "2026-11-30T11:00:00Z"},
                                 {"configurationItemStatus", "ResourceDeleted"},
                                 {"resourceType", "AWS::EC2::NetworkAcl"},
                                 {"resourceId", "acl-0c00000000000000b"},
                                 {"configuration", nullptr}},
                            json{{"configurationItemCaptureTime", "2026-11-30T10:00:00Z"},
                                 {"resourceType", "AWS::EC2::Instance"},
                                 {"resourceId", "i-1"},
                                 {"configuration", json::object()}}});
  std::string doc = json{{"configurationItems", items}}.dump();
  EXPECT_TRUE(load_text(doc, "a.json").acls.empty());  // deleted at its latest version
  Snapshot early = load_text(doc, "a.json", with(Side::Latest, "2026-11-30T10:30:00Z"));
  ASSERT_EQ(early.acls.size(), 1u);
  EXPECT_EQ(early.acls[0].subnet_ids, std::vector<std::string>{"subnet-1"});
  EXPECT_TRUE(nacl_decide(early.acls[0].ingress, packet("tcp", "1.2.3.4", 443)).allow);
  DiffReport r = diff_snapshots(load_text(doc, "a.json", with(Side::Before)),
                                load_text(doc, "a.json", with(Side::After)), DiffOptions{});
  ASSERT_EQ(r.resources.size(), 1u);
  EXPECT_TRUE(r.resources[0].removed());
}

TEST(ConfigItemsTest, TheRealHistoryLoads) {
  std::string f =
      SGOPT_SOURCE_DIR "/../shared/realdata/aws-config/custodian-sg-config-diff.GetResourceConfigHistory.json";
  if (!std::filesystem::exists(f)) GTEST_SKIP() << "the corpus is not beside the checkout";
  Snapshot s = load_inputs({f});
  ASSERT_EQ(s.groups.size(), 1u);
  EXPECT_EQ(s.groups[0].ingress.size(), 2u);
  EXPECT_EQ(s.groups[0].egress.size(), 1u);
  LoadOptions b, a;
  b.side = Side::Before;
  a.side = Side::After;
  DiffReport r = diff_snapshots(load_inputs({f}, b), load_inputs({f}, a), DiffOptions{});
  ASSERT_EQ(r.resources.size(), 1u);  // two versions: one pair
  for (const auto& d : r.resources[0].directions) EXPECT_EQ(d.verdict(), Verdict::Equivalent);
}

}  // namespace
}  // namespace sgopt
