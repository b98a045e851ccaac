// Terraform plans and states: each side of a plan as AWS would hold it, bindings through the
// configuration, unknown values, and the verdicts diff gives on the real plans and the samples.
#include "model/aws/loader.h"
#include "model/packet.h"
#include "passes/compare/diff.h"
#include "tests/model/aws/load_helpers.h"
#include "tests/support/builders.h"
#include "tests/support/iac.h"
#include "tests/support/packets.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace sgopt {
namespace {

using test_support::group;
using test_support::packet;
using test_support::verdicts;
using testing::load_text;
using Side = LoadOptions::Side;

const std::string kRealdata = SGOPT_SOURCE_DIR "/../shared/realdata/terraform/";
const std::string kSamples = SGOPT_SOURCE_DIR "/samples/iac/";

Snapshot side(const std::string& path, Side s) {
  LoadOptions o;
  o.side = s;
  return load_inputs({path}, o);
}

bool have(const std::string& path) { return std::filesystem::exists(path); }

TEST(TerraformTest, CheckovUpdatesAreJudgedOnTheRulesThePlanDeclares) {
  std::string plan = kRealdata + "checkov-sg-rule-update.plan.json";
  if (!have(plan)) GTEST_SKIP() << "the corpus is not beside the checkout";
  Snapshot before = side(plan, Side::Before), after = side(plan, Side::After);
  EXPECT_TRUE(before.two_sided);
  ASSERT_EQ(before.groups.size(), 2u);
  ASSERT_EQ(after.groups.size(), 2u);
  const SecurityGroup& foo_old = group(before, "sg-547cc4cd5f94bb695");
  const SecurityGroup& foo_new = group(after, "sg-547cc4cd5f94bb695");
  EXPECT_TRUE(foo_old.partial);
  ASSERT_EQ(foo_old.ingress.size(), 1u);
  ASSERT_EQ(foo_new.ingress.size(), 1u);
  EXPECT_EQ(foo_old.ingress[0].to_port, 5432);
  EXPECT_EQ(foo_new.ingress[0].to_port, 5433);
  EXPECT_EQ(foo_new.ingress[0].peer.ref, "sg-8d21ab5963b0e7917");
  EXPECT_EQ(foo_new.ingress[0].source.address, "aws_security_group_rule.foo");
  EXPECT_EQ(group(after, "sg-547cc4cd5f94bb696").ingress[0].protocol, 17);
  auto v = verdicts(before, after);
  EXPECT_EQ(v["sg-547cc4cd5f94bb695 ingress"], "looser partial");        // to_port 5432 -> 5433
  EXPECT_EQ(v["sg-547cc4cd5f94bb696 ingress"], "incomparable partial");  // tcp -> udp
  EXPECT_EQ(v["sg-547cc4cd5f94bb695 egress"], "equivalent partial");
  // The gate: a looser change of a partial group fails, an equal one passes.
  DiffReport r = diff_snapshots(before, after, DiffOptions{});
  for (const auto& res : r.resources)
    for (const auto& d : res.directions)
      EXPECT_EQ(meets(d, Expectation::TighterOrEqual), d.native == Verdict::Equivalent) << res.label();
}

TEST(TerraformTest, RulesWithUnknownGroupIdsAreBoundThroughTheConfiguration) {
  std::string plan = kRealdata + "tfcompliance-issue216-sg-rules-self.plan.json";
  if (!have(plan)) GTEST_SKIP() << "the corpus is not beside the checkout";
  Snapshot before = side(plan, Side::Before), after = side(plan, Side::After);
  EXPECT_TRUE(before.groups.empty());  // created by the plan
  ASSERT_EQ(after.groups.size(), 1u);
  const SecurityGroup& g = after.groups[0];
  EXPECT_EQ(g.id, "aws_security_group.ecs_task");  // no id before apply: named by its address
  EXPECT_FALSE(g.partial);
  EXPECT_TRUE(g.unresolved.empty());
  ASSERT_EQ(g.ingress.size(), 1u);
  EXPECT_EQ(g.ingress[0].peer.type, PeerType::Group);  // self
  EXPECT_EQ(g.ingress[0].peer.ref, g.id);
  ASSERT_EQ(g.egress.size(), 3u);  // self, 443 to the internet, 1433 to 10.0.0.0/16
  // Terraform creates the group without AWS's default allow-all egress.
  EXPECT_FALSE(sg_allows(g.egress, packet("tcp", "203.0.113.1", 80)));
  EXPECT_TRUE(sg_allows(g.egress, packet("tcp", "203.0.113.1", 443)));
  EXPECT_TRUE(sg_allows(g.egress, packet("tcp", "10.0.200.1", 1433)));
  EXPECT_FALSE(sg_allows(g.egress, packet("tcp", "10.1.0.1", 1433)));
  auto v = verdicts(before, after);
  EXPECT_EQ(v["aws_security_group.ecs_task ingress"], "looser");
}

TEST(TerraformTest, AnAdoptedDefaultGroupKeepsOnlyWhatItDeclares) {
  std::string plan = kRealdata + "snyk-policy-engine-default-sg.plan.json";
  if (!have(plan)) GTEST_SKIP() << "the corpus is not beside the checkout";
  Snapshot after = side(plan, Side::After), before = side(plan, Side::Before);
  ASSERT_EQ(after.groups.size(), 1u);
  const SecurityGroup& g = after.groups[0];
  EXPECT_EQ(g.name, "default");
  ASSERT_EQ(g.ingress.size(), 1u);
  EXPECT_TRUE(sg_allows(g.ingress, packet("tcp", "90.90.90.7", 22)));
  EXPECT_TRUE(g.egress.empty());  // no egress block: adoption removes every egress rule
  EXPECT_TRUE(g.unresolved.empty());
  // What the default group held before adoption is not in the plan: unknown, not "added".
  ASSERT_EQ(before.groups.size(), 1u);
  EXPECT_EQ(before.groups[0].unresolved.size(), 2u);
  auto v = verdicts(before, after);
  EXPECT_EQ(v["aws_default_security_group.default_sg_allowed_ssh ingress"], "unknown");
  EXPECT_EQ(v["aws_default_security_group.default_sg_allowed_ssh egress"], "unknown");
}

TEST(TerraformTest, EveryResourceTypeOfTheSamplePlanGetsItsVerdict) {
  std::string plan = kSamples + "tf-change.plan.json";
  Snapshot before = side(plan, Side::Before), after = side(plan, Side::After);
  auto v = verdicts(before, after);
  std::map<std::string, std::string> want{
      {"sg-0a000000000000001 ingress", "tighter"},  // inline, ssh narrowed (module)
      {"sg-0a000000000000001 egress", "equivalent"},
      {"sg-0b000000000000002 ingress", "incomparable"},  // a standalone rule deleted, one created
      {"sg-0b000000000000002 egress", "equivalent"},
      {"aws_security_group.svc[\"cache\"] ingress", "looser"},  // created, for_each, bound by config
      {"aws_security_group.svc[\"cache\"] egress", "looser"},
      {"sg-0f000000000000005 ingress", "tighter"},  // default group: the self rule goes
      {"sg-0f000000000000005 egress", "equivalent"},
      {"acl-0c000000000000003 ingress", "tighter"},  // a deny in front
      {"acl-0c000000000000003 egress", "equivalent"},
      {"acl-0c000000000000004 ingress", "looser"},  // standalone entries added
      {"acl-0c000000000000004 egress", "equivalent"},
  };
  EXPECT_EQ(v, want);
  // (refreshed - standalone before + standalone after): the deleted rule is gone, the rule made
  // outside Terraform stays, the rule kept unchanged is there once.
  const SecurityGroup& app = group(after, "sg-0b000000000000002");
  EXPECT_FALSE(sg_allows(app.ingress, packet("tcp", "10.0.3.4", 9090)));
  EXPECT_TRUE(sg_allows(app.ingress, packet("tcp", "10.9.3.4", 9100)));
  EXPECT_TRUE(sg_allows(app.ingress, packet("tcp", "10.0.3.4", 443)));
  EXPECT_EQ(app.ingress.size(), 3u);
  const SecurityGroup& cache = group(after, "aws_security_group.svc[\"cache\"]");
  ASSERT_EQ(cache.ingress.size(), 1u);
  EXPECT_EQ(cache.ingress[0].peer.ref, "sg-0b000000000000002");
  EXPECT_EQ(cache.ingress[0].source.address, "aws_vpc_security_group_ingress_rule.cache_from_app[\"cache\"]");
  const NetworkAcl* edge = after.find_acl("acl-0c000000000000004");
  ASSERT_NE(edge, nullptr);
  EXPECT_EQ(edge->subnet_ids.size(), 2u);  // its own and the association's
  EXPECT_EQ(edge->ingress.size(), 3u);
}

// The planned state equals its describe-shaped twin, on every boundary and random packet and by diff.
TEST(TerraformTest, ThePlannedStateEqualsItsDescribeTwin) {
  Snapshot plan = side(kSamples + "tf-change.plan.json", Side::After);
  Snapshot twin = load_inputs(
      {kSamples + "tf-change.planned.SecurityGroups.json", kSamples + "tf-change.planned.NetworkAcls.json"});
  ASSERT_EQ(plan.groups.size(), twin.groups.size());
  ASSERT_EQ(plan.acls.size(), twin.acls.size());
  std::mt19937_64 rng(7);
  for (const SecurityGroup& t : twin.groups)
    for (Direction d : {Direction::Ingress, Direction::Egress}) {
      const auto& a = group(plan, t.id).rules(d);
      const auto& b = t.rules(d);
      auto packets = test_support::boundary_packets(b);
      for (const Packet& p : test_support::PacketSampler(a).sample(300, rng)) packets.push_back(p);
      for (const Packet& p : packets) ASSERT_EQ(sg_allows(a, p), sg_allows(b, p)) << t.id << " " << p.str();
    }
  for (const NetworkAcl& t : twin.acls)
    for (Direction d : {Direction::Ingress, Direction::Egress}) {
      const auto& a = plan.find_acl(t.id)->entries(d);
      const auto& b = t.entries(d);
      auto packets = test_support::boundary_packets(b);
      for (const Packet& p : test_support::PacketSampler(a).sample(300, rng)) packets.push_back(p);
      for (const Packet& p : packets)
        ASSERT_EQ(nacl_decide(a, p).allow, nacl_decide(b, p).allow) << t.id << " " << p.str();
    }
  for (const auto& [k, v] : verdicts(twin, plan)) EXPECT_EQ(v, "equivalent") << k;
}

// Every infrastructure-code sample with a describe-shaped twin: diff finds each direction equivalent.
TEST(TerraformTest, EverySampleEqualsItsDescribeTwin) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> twins{
      {{"tf-change.planned.SecurityGroups.json", "tf-change.planned.NetworkAcls.json"}, "tf-change.plan.json"},
      {{"tf-refactor.planned.describe.json"}, "tf-refactor.plan.json"},
      {{"tf-state.describe.json"}, "tf-state.json"},
      {{"config-history.latest.describe.json"}, "config-history.json"},
      {{"cfn-web.describe.json"}, "cfn-web.yaml"},
  };
  for (const auto& [twin_files, input] : twins) {
    std::vector<std::string> paths;
    for (const auto& f : twin_files) paths.push_back(kSamples + f);
    auto v = verdicts(load_inputs(paths), load_inputs({kSamples + input}));
    EXPECT_FALSE(v.empty()) << input;
    for (const auto& [k, verdict] : v) EXPECT_EQ(verdict, "equivalent") << input << ": " << k;
  }
}

TEST(TerraformTest, ValuesKnownOnlyAfterApplyMakeTheirDirectionUnknown) {
  std::string plan = kSamples + "tf-unknown.plan.json";
  Snapshot before = side(plan, Side::Before), after = side(plan, Side::After);
  auto v = verdicts(before, after);
  EXPECT_EQ(v["sg-0a000000000000011 ingress"], "unknown");  // an inline CIDR known after apply
  EXPECT_EQ(v["sg-0a000000000000011 egress"], "equivalent");
  EXPECT_EQ(v["sg-0a000000000000022 ingress"], "unknown partial");  // a port known after apply
  EXPECT_EQ(v["acl-0c000000000000013 ingress"], "unknown");         // an entry's CIDR
  EXPECT_EQ(v["acl-0c000000000000013 egress"], "equivalent");
  DiffReport r = diff_snapshots(before, after, DiffOptions{});
  for (const auto& res : r.resources)
    for (const auto& d : res.directions)
      if (d.verdict() == Verdict::Unknown) {
        EXPECT_FALSE(meets(d, Expectation::TighterOrEqual));
        EXPECT_FALSE(d.unknown_because.empty());
      }
  // The warning names the file, the JSON pointer and the line.
  bool named = false;
  for (const auto& w : after.warnings)
    named = named ||
            (w.where.json_pointer == "/resource_changes/0/change/after/ingress/1/cidr_blocks/0" && w.where.line > 0);
  EXPECT_TRUE(named);
}

TEST(TerraformTest, AStateIsASnapshotAndStandaloneRulesAreNotCountedTwice) {
  Snapshot state = load_inputs({kSamples + "tf-state.json"});
  EXPECT_FALSE(state.two_sided);
  const SecurityGroup& db = group(state, "sg-0a000000000000031");
  EXPECT_EQ(db.address, "module.svc[\"db\"].aws_security_group.this");
  EXPECT_EQ(db.ingress.size(), 1u);
  Snapshot twin = load_inputs({kSamples + "tf-state.describe.json"});
  for (const auto& [k, v] : verdicts(twin, state)) EXPECT_EQ(v, "equivalent") << k;
}

TEST(TerraformTest, BadPlansSayWhereAndWhat) {
  auto error = [](const std::string& doc) {
    try {
      load_text(doc, "plan.json");
    } catch (const InputError& e) {
      return e.diagnostic().where.json_pointer.str() + ": " + e.diagnostic().message;
    }
    return std::string("no error");
  };
  std::string head = R"({"format_version": "1.2", "resource_changes": [{"address": "aws_security_group.a", )"
                     R"("mode": "managed", "type": "aws_security_group", "change": {"actions": ["create"], )"
                     R"("before": null, "after": {"ingress": [)";
  std::string tail = R"(]}}}]})";
  EXPECT_EQ(error(head + R"({"protocol": "tpc", "from_port": 1, "to_port": 2, "cidr_blocks": ["10.0.0.0/8"]})" + tail),
            "/resource_changes/0/change/after/ingress/0/protocol: unknown protocol 'tpc' (expected tcp, udp, icmp, "
            "icmpv6, -1 or a number 0-255)")
      << "(the message the describe readers give)";
  EXPECT_NE(error(head + R"({"protocol": "tcp", "from_port": 9, "to_port": 2, "cidr_blocks": ["10.0.0.0/8"]})" + tail)
                .find("/resource_changes/0/change/after/ingress/0/from_port: from_port 9 is greater than to_port 2"),
            std::string::npos);
  EXPECT_NE(error(head + R"({"protocol": "tcp", "from_port": 1, "to_port": 2, "cidr_blocks": ["10.0.0.300/8"]})" + tail)
                .find("/resource_changes/0/change/after/ingress/0/cidr_blocks/0"),
            std::string::npos);
  EXPECT_NE(error(R"({"format_version": "1.2", "resource_changes": [{"address": "aws_security_group.a", )"
                  R"("type": "aws_security_group"}]})")
                .find("/resource_changes/0: missing \"change\""),
            std::string::npos);
}

}  // namespace
}  // namespace sgopt
