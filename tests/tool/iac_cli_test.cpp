// The commands on infrastructure code: one plan as both sides of diff, the gate, the Markdown
// comment, and analyze's exit status when a value is left open.
#include "tests/tool/run_cli.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>

namespace sgopt::testing {
namespace {

TEST(IacCliTest, OnePlanIsBothSidesAndTheGateFollowsTheVerdicts) {
  auto refactor = run_sgopt({"diff", sample("iac/tf-refactor.plan.json"), "--expect", "tighter-or-equal"});
  EXPECT_EQ(refactor.status, 0) << refactor.out << refactor.err;
  EXPECT_NE(refactor.out.find("1 resource, 2 directions: 2 equivalent"), std::string::npos) << refactor.out;
  auto change = run_sgopt({"diff", sample("iac/tf-change.plan.json"), "--expect", "tighter-or-equal"});
  EXPECT_EQ(change.status, 1);
  auto unknown = run_sgopt({"diff", sample("iac/tf-unknown.plan.json"), "--expect", "tighter-or-equal"});
  EXPECT_EQ(unknown.status, 1);
  EXPECT_NE(unknown.out.find("unknown: new side: aws_security_group.api"), std::string::npos) << unknown.out;
  // From standard input, read once for both sides.
  auto piped = run_sgopt({"diff", "-", "--expect", "tighter-or-equal"}, read_text(sample("iac/tf-refactor.plan.json")));
  EXPECT_EQ(piped.status, 0) << piped.err;
  // A describe export alone has no second side.
  auto one = run_sgopt({"diff", sample("web-sprawl.json")});
  EXPECT_EQ(one.status, 2);
  EXPECT_NE(one.err.find("one input is enough only when it holds both sides"), std::string::npos) << one.err;
}

TEST(IacCliTest, TheMarkdownCommentListsChangesWithWitnessesAndIsInert) {
  auto md =
      run_sgopt({"diff", sample("iac/tf-change.plan.json"), "--format", "markdown", "--expect", "tighter-or-equal"});
  EXPECT_EQ(md.status, 1);
  EXPECT_EQ(md.out.rfind("## sgopt diff: ", 0), 0u) << md.out.substr(0, 200);
  EXPECT_NE(md.out.find("| ❌ | security group `sg-0b000000000000002` (aws\\_security\\_group.app, app) | incomparable"),
            std::string::npos)
      << md.out;
  EXPECT_NE(md.out.find("e.g. `tcp "), std::string::npos);
  EXPECT_LT(md.out.size(), 65536u);
  // Input text cannot add HTML or break the table.
  std::string dir = temp_dir();
  std::string plan = read_text(sample("iac/tf-refactor.plan.json"));
  const std::string name = "\"name\": \"edge\"";
  for (auto at = plan.find(name); at != std::string::npos; at = plan.find(name, at))
    plan.replace(at, name.size(), "\"name\": \"<img src=x>|`x`\"");
  write_text(dir + "/plan.json", plan);
  auto odd = run_sgopt({"diff", dir + "/plan.json", "--format", "markdown"});
  EXPECT_EQ(odd.out.find("<img"), std::string::npos) << odd.out;
  EXPECT_NE(odd.out.find("&lt;img src=x&gt;\\|\\`x\\`"), std::string::npos) << odd.out;
  EXPECT_NE(odd.out.find("<details><summary>1 equivalent resource</summary>"), std::string::npos) << odd.out;
}

// Hundreds of changed groups still fit one comment: the rest is counted, not cut mid-line.
TEST(IacCliTest, AHugeDiffStaysUnderGitHubsCommentLimit) {
  nlohmann::json changes = nlohmann::json::array();
  for (int i = 0; i < 600; ++i) {
    auto block = [](int port) {
      return nlohmann::json{{"protocol", "tcp"},
                            {"from_port", port},
                            {"to_port", port},
                            {"cidr_blocks", {"10.0.0.0/8"}},
                            {"self", false}};
    };
    nlohmann::json before{
        {"id", "sg-" + std::to_string(100000 + i)}, {"ingress", {block(22)}}, {"egress", nlohmann::json::array()}};
    nlohmann::json after = before;
    after["ingress"].push_back(block(1000 + i));
    changes.push_back({{"address", "aws_security_group.g[" + std::to_string(i) + "]"},
                       {"type", "aws_security_group"},
                       {"change", {{"actions", {"update"}}, {"before", before}, {"after", after}}}});
  }
  std::string dir = temp_dir();
  write_text(dir + "/plan.json", nlohmann::json{{"format_version", "1.2"}, {"resource_changes", changes}}.dump());
  auto md = run_sgopt({"diff", dir + "/plan.json", "--format", "markdown", "--no-prove"});
  EXPECT_EQ(md.status, 1);
  EXPECT_LT(md.out.size(), 65536u);
  EXPECT_NE(md.out.find("more changed resources are not shown here"), std::string::npos);
}

TEST(IacCliTest, AnalyzeIsNotCleanWhenAValueIsLeftOpen) {
  auto open = run_sgopt({"analyze", sample("iac/tf-unknown.plan.json"), "--fail-on", "critical"});
  EXPECT_EQ(open.status, 1);
  EXPECT_NE(open.err.find("3 directions of groups and ACLs rest on values the input leaves open"), std::string::npos)
      << open.err;
  EXPECT_EQ(run_sgopt({"analyze", sample("iac/tf-unknown.plan.json"), "--fail-on", "none"}).status, 0);
  EXPECT_EQ(run_sgopt({"analyze", sample("iac/tf-refactor.plan.json"), "--fail-on", "critical"}).status, 0);
}

// Only an allow by a group's known rules holds when a value is open; an ACL's entry may decide anything.
TEST(IacCliTest, QueryAndMinimizeRespectValuesLeftOpen) {
  const std::string plan = sample("iac/tf-unknown.plan.json");
  auto deny = run_sgopt(
      {"query", plan, "--group", "sg-0a000000000000011", "--proto", "tcp", "--port", "8443", "--peer", "203.0.113.4"});
  EXPECT_EQ(deny.status, 3) << deny.out;
  EXPECT_NE(deny.out.find("unknown"), std::string::npos);
  auto allow = run_sgopt(
      {"query", plan, "--group", "sg-0a000000000000011", "--proto", "tcp", "--port", "443", "--peer", "10.0.0.4"});
  EXPECT_EQ(allow.status, 0) << allow.out;
  auto acl = run_sgopt(
      {"query", plan, "--acl", "acl-0c000000000000013", "--proto", "tcp", "--port", "22", "--peer", "10.0.0.4"});
  EXPECT_EQ(acl.status, 3) << acl.out;
  std::string dir = temp_dir();
  auto min = run_sgopt({"minimize", plan, "-o", dir + "/out.json"});
  EXPECT_EQ(min.status, 2);
  EXPECT_NE(min.err.find("3 values the input leaves open would be lost"), std::string::npos) << min.err;
  EXPECT_FALSE(std::filesystem::exists(dir + "/out.json"));
  EXPECT_EQ(run_sgopt({"minimize", sample("iac/tf-change.plan.json"), "-o", dir + "/ok.json"}).status, 0);
}

}  // namespace
}  // namespace sgopt::testing
