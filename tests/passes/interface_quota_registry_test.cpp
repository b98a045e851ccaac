// redundant-on-interface, quota and the pass registry / parallel driver.
#include "model/quota.h"
#include "passes/analyses/redundant_on_interface.h"
#include "passes/pass.h"
#include "solver/rule_sets.h"
#include "tests/support/builders.h"
#include "tests/support/packets.h"
#include "tests/support/rule_gen.h"
#include "tool/findings_output.h"

#include <gtest/gtest.h>

#include <cctype>
#include <map>
#include <optional>
#include <random>
#include <set>

namespace sgopt {
namespace {

using test_support::nacl_entry;
using test_support::tcp;

NetworkInterface eni(const std::string& id, std::vector<std::string> groups) {
  NetworkInterface e;
  e.id = id;
  e.group_ids = std::move(groups);
  return e;
}

Snapshot interface_snapshot(bool with_lonely_interface) {
  Snapshot s;
  s.groups.push_back(test_support::group("sg-a", {tcp(22, 22, "10.1.0.0/16"), tcp(443, 443, "0.0.0.0/0")}));
  s.groups.push_back(test_support::group("sg-b", {tcp(0, 21, "10.0.0.0/8"), tcp(22, 1023, "10.0.0.0/8")}));
  s.interfaces.push_back(eni("eni-1", {"sg-a", "sg-b"}));
  s.interfaces.push_back(eni("eni-2", {"sg-b", "sg-a"}));
  if (with_lonely_interface) s.interfaces.push_back(eni("eni-3", {"sg-a"}));
  return s;
}

TEST(InterfaceRedundancyTest, RuleCoveredByOtherGroupsOnEveryInterface) {
  Snapshot s = interface_snapshot(false);
  auto cov = interface_coverage(s, s.groups[0], Direction::Ingress);
  ASSERT_EQ(cov.size(), 1u);
  EXPECT_EQ(cov[0].rule, 0u);
  EXPECT_EQ(cov[0].covered_on, (std::vector<std::string>{"eni-1", "eni-2"}));
  EXPECT_TRUE(cov[0].uncovered_on.empty());
  ASSERT_EQ(cov[0].cover.size(), 1u);
  EXPECT_EQ(cov[0].cover[0].group_id, "sg-b");
  EXPECT_EQ(cov[0].cover[0].rule, 1u);
  auto fs = run_analyses(s, {find_pass("redundant-on-interface")}, AnalysisOptions{});
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].kind, "redundant-on-interfaces");
  ASSERT_TRUE(fs[0].witness);
  EXPECT_TRUE(sg_allows(s.groups[1].ingress, *fs[0].witness));
}

TEST(InterfaceRedundancyTest, InterfaceCarryingTheGroupAloneMakesItNotRemovable) {
  Snapshot s = interface_snapshot(true);
  auto cov = interface_coverage(s, s.groups[0], Direction::Ingress);
  ASSERT_EQ(cov.size(), 1u);
  EXPECT_EQ(cov[0].uncovered_on, (std::vector<std::string>{"eni-3"}));
  EXPECT_EQ(cov[0].alone_on, (std::vector<std::string>{"eni-3"}));
  auto fs = run_analyses(s, {find_pass("redundant-on-interface")}, AnalysisOptions{});
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].kind, "partly-redundant-on-interfaces");
  EXPECT_NE(fs[0].message.find("eni-3 carries sg-a alone"), std::string::npos);
}

TEST(InterfaceRedundancyTest, NothingWithoutInterfaces) {
  Snapshot s = interface_snapshot(false);
  s.interfaces.clear();
  EXPECT_TRUE(run_analyses(s, {find_pass("redundant-on-interface")}, AnalysisOptions{}).empty());
}

// Interfaces that share their other groups are judged once per combination: the verdicts are those
// of judging every interface on its own with the exact engine, and every covered interface lets
// through each probe packet of the rule by the plain evaluator.
TEST(InterfaceRedundancyTest, EachInterfaceIsJudgedAsIfAlone) {
  std::mt19937_64 rng(17);
  Snapshot s;
  for (int i = 0; i < 8; ++i)
    s.groups.push_back(test_support::group("sg-" + std::to_string(i), test_support::random_sg_rules(rng, 6)));
  const std::vector<std::vector<std::string>> combinations{{"sg-0", "sg-1"},
                                                           {"sg-0", "sg-1", "sg-2"},
                                                           {"sg-2", "sg-0"},
                                                           {"sg-0"},
                                                           {"sg-3", "sg-missing", "sg-0"},
                                                           {"sg-1", "sg-2", "sg-3", "sg-4"},
                                                           {"sg-5", "sg-6", "sg-7", "sg-0"}};
  for (int i = 0; i < 20; ++i)
    s.interfaces.push_back(
        eni("eni-" + std::to_string(i), combinations[static_cast<std::size_t>(i) % combinations.size()]));
  std::size_t covered_claims = 0;
  for (const SecurityGroup& g : s.groups)
    for (Direction d : {Direction::Ingress, Direction::Egress}) {
      const auto& rules = g.rules(d);
      auto result = interface_coverage(s, g, d);
      for (const auto& c : result) {
        for (const NetworkInterface* e : s.interfaces_with_group(g.id)) {
          SCOPED_TRACE(g.id + " " + e->id);
          PeerTable peers;
          std::vector<PacketSet> sets;
          std::vector<SgRule> others;
          for (const auto& gid : e->group_ids)
            if (const SecurityGroup* o = gid == g.id ? nullptr : s.find_group(gid)) {
              others.insert(others.end(), o->rules(d).begin(), o->rules(d).end());
              for (const SgRule& r : o->rules(d)) sets.push_back(rule_set(r, peers));
            }
          bool covered = rule_set(rules[c.rule], peers).subset_of(PacketSet::unite_all(std::move(sets)));
          auto listed = [&](const std::vector<std::string>& v) {
            return std::find(v.begin(), v.end(), e->id) != v.end();
          };
          EXPECT_EQ(listed(c.covered_on), covered);
          EXPECT_EQ(listed(c.uncovered_on), !covered);
          if (!covered) continue;
          ++covered_claims;
          std::vector<SgRule> probe_rules = others;
          probe_rules.push_back(rules[c.rule]);
          for (const Packet& p : test_support::boundary_packets(probe_rules))
            if (rule_matches(rules[c.rule], p)) {
              EXPECT_TRUE(sg_allows(others, p)) << p.str();
            }
        }
      }
    }
  EXPECT_GT(covered_claims, 3u);
}

TEST(QuotaTest, SecurityGroupBucketOverSixtyIsReported) {
  std::vector<SgRule> rules;
  for (int i = 0; i < kSgRuleQuota; ++i) rules.push_back(tcp(1000 + i, 1000 + i, "10.0.0.0/8"));
  Snapshot s;
  s.groups.push_back(test_support::group("sg-60", rules));
  rules.push_back(tcp(22, 22, "10.0.0.0/8"));
  s.groups.push_back(test_support::group("sg-61", rules));
  auto fs = run_analyses(s, {find_pass("quota")}, AnalysisOptions{});
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].resource_id, "sg-61");
  EXPECT_NE(fs[0].message.find("61"), std::string::npos);
}

TEST(QuotaTest, AclBucketsOverTwentyAndOverForty) {
  std::vector<NaclEntry> e21, e41;
  for (int i = 1; i <= 41; ++i) {
    auto e = nacl_entry(i, true, 6, i, i, "10.0.0.0/8");
    if (i <= 21) e21.push_back(e);
    e41.push_back(e);
  }
  Snapshot s;
  s.acls.push_back(test_support::acl("acl-21", e21));
  s.acls.push_back(test_support::acl("acl-41", e41));
  auto fs = run_analyses(s, {find_pass("quota")}, AnalysisOptions{});
  ASSERT_EQ(fs.size(), 2u);
  EXPECT_EQ(fs[0].kind, "over-quota");
  EXPECT_EQ(fs[1].kind, "over-hard-limit");
  EXPECT_EQ(fs[1].severity, Severity::High);
}

TEST(PassRegistryTest, NamesAreUniqueAndFindable) {
  std::vector<std::string> names;
  for (const Pass* p : all_passes()) {
    EXPECT_EQ(find_pass(p->name()), p);
    EXPECT_FALSE(p->description().empty());
    names.emplace_back(p->name());
  }
  EXPECT_EQ(names,
            (std::vector<std::string>{"redundant-rules", "redundant-on-interface", "nacl-shadowing",
                                      "overly-permissive", "quota", "stale-reference", "return-path-blocked",
                                      "dead-group-rule", "effective-exposure", "acl-allows-what-no-group-uses",
                                      "hygiene"}));
  EXPECT_EQ(find_pass("nope"), nullptr);
}

TEST(PassRegistryTest, EveryPassDeclaresItsKindsWithMetadata) {
  std::set<std::string> rule_ids;
  for (const Pass* p : all_passes()) {
    ASSERT_FALSE(p->kinds().empty()) << p->name();
    for (const FindingKind* k : p->kinds()) {
      EXPECT_TRUE(rule_ids.insert(std::string(p->name()) + "/" + k->id).second) << k->id;
      EXPECT_EQ(p->kind(k->id), k);
      EXPECT_TRUE(std::isupper(static_cast<unsigned char>(k->title[0]))) << k->title;
      EXPECT_GT(std::string(k->help).size(), 20u) << k->id;
      EXPECT_EQ(std::string(k->help_uri).rfind("https://docs.aws.amazon.com/", 0), 0u) << k->id;
    }
  }
  EXPECT_EQ(rule_ids.size(), 33u);
}

// Every finding the driver returns carries its pass's name and a kind that pass declares.
TEST(PassRegistryTest, DriverStampsThePassOnEveryFinding) {
  std::mt19937_64 rng(3);
  Snapshot s;
  for (int i = 0; i < 20; ++i)
    s.groups.push_back(test_support::group("sg-" + std::to_string(i), test_support::random_sg_rules(rng, 12)));
  auto findings = run_analyses(s, all_passes(), AnalysisOptions{});
  ASSERT_FALSE(findings.empty());
  for (const auto& f : findings) {
    const Pass* p = find_pass(f.pass);
    ASSERT_NE(p, nullptr) << f.pass;
    EXPECT_NE(p->kind(f.kind), nullptr) << f.pass << "/" << f.kind;
  }
}

// A default group whose self-reference resolves to no member allows nothing inbound in the closed
// world; the claim that it allows traffic (shown through its egress there) is still one finding.
TEST(PassRegistryTest, AClaimAboutTheWholeGroupIsReportedOnceInBothWorlds) {
  Snapshot s;
  s.groups.push_back(test_support::group("sg-d", {test_support::sg_rule("-1", std::nullopt, std::nullopt, "sg-d")},
                                         {test_support::sg_rule("-1", std::nullopt, std::nullopt, "0.0.0.0/0")},
                                         "default"));
  s.groups.push_back(test_support::group("sg-other", {}));
  s.interfaces.push_back(eni("eni-1", {"sg-other"}));
  s.resolve_references(ReferenceMode::Resolve);
  ASSERT_TRUE(s.references.resolved(s.groups[0].ingress[0].peer));
  auto fs = run_analyses(s, {find_pass("overly-permissive")}, AnalysisOptions{});
  std::size_t n = 0;
  for (const auto& f : fs)
    if (f.kind == "default-group-open") {
      ++n;
      EXPECT_EQ(f.world, World::Open);
      EXPECT_EQ(f.direction, Direction::Ingress);
    }
  EXPECT_EQ(n, 1u);
}

class UndeclaredKindPass final : public Pass {
 public:
  std::span<const FindingKind* const> kinds() const override { return {}; }
  void run(const AnalysisContext& ctx, std::vector<Finding>& out) const override {
    if (!ctx.group) return;
    Finding f;
    f.kind = "made-up";
    out.push_back(f);
  }
};

TEST(PassRegistryTest, AKindThePassDoesNotDeclareIsAnInternalError) {
  Snapshot s;
  s.groups.push_back(test_support::group("sg-1", {}));
  UndeclaredKindPass pass;
  EXPECT_THROW(run_analyses(s, {&pass}, AnalysisOptions{}), std::logic_error);
}

// Groups of random rules and ACLs of random entries.
Snapshot random_snapshot(std::uint64_t seed, std::size_t groups, std::size_t rules, int acls, std::size_t entries) {
  std::mt19937_64 rng(seed);
  Snapshot s;
  for (std::size_t i = 0; i < groups; ++i)
    s.groups.push_back(test_support::group("sg-" + std::to_string(i), test_support::random_sg_rules(rng, rules)));
  for (int i = 0; i < acls; ++i) {
    NetworkAcl a;
    a.id = "acl-" + std::to_string(i);
    a.ingress = test_support::random_nacl_entries(rng, entries);
    s.acls.push_back(a);
  }
  return s;
}

TEST(PassRegistryTest, OutputDoesNotDependOnThreadCount) {
  Snapshot s = random_snapshot(9, 40, 12, 10, 10);
  ReportInfo info;
  auto one = nlohmann::json::parse(findings_json(run_analyses(s, all_passes(), AnalysisOptions{}, 1), info));
  auto two = nlohmann::json::parse(findings_json(run_analyses(s, all_passes(), AnalysisOptions{}, 2), info));
  auto five = nlohmann::json::parse(findings_json(run_analyses(s, all_passes(), AnalysisOptions{}, 5), info));
  EXPECT_GT(one["findings"].size(), 10u);
  EXPECT_EQ(one, two);
  EXPECT_EQ(one, five);
}

// More resources than the driver lets workers run ahead of the sink, so that the window is used.
Snapshot many_small_groups(std::size_t n) { return random_snapshot(21, n, 4, 5, 6); }

TEST(PassRegistryTest, FindingsStreamOneResourceAtATimeInInputOrder) {
  Snapshot s = many_small_groups(700);
  ReportInfo info;
  const std::string whole = findings_json(run_analyses(s, all_passes(), AnalysisOptions{}, 1), info);
  for (unsigned threads : {1u, 2u, 5u}) {
    SCOPED_TRACE(threads);
    std::vector<Finding> streamed;
    std::size_t calls = 0;
    run_analyses(s, all_passes(), AnalysisOptions{}, threads, [&](std::vector<Finding>& findings) {
      std::string id = calls < s.groups.size() ? s.groups[calls].id : s.acls[calls - s.groups.size()].id;
      ++calls;
      for (Finding& f : findings) {
        EXPECT_EQ(f.resource_id, id);
        streamed.push_back(std::move(f));
      }
    });
    EXPECT_EQ(calls, s.groups.size() + s.acls.size());
    EXPECT_GT(streamed.size(), 100u);
    EXPECT_EQ(findings_json(streamed, info), whole);
  }
}

TEST(PassRegistryTest, ASinkThatFailsStopsTheRunWithItsError) {
  Snapshot s = many_small_groups(700);
  for (unsigned threads : {1u, 2u, 5u}) {
    std::size_t calls = 0;
    auto sink = [&](std::vector<Finding>&) {
      if (++calls == 300) throw std::runtime_error("the report could not be written");
    };
    EXPECT_THROW(run_analyses(s, all_passes(), AnalysisOptions{}, threads, sink), std::runtime_error);
    EXPECT_EQ(calls, 300u);
  }
}

TEST(FindingsReportTest, TheJsonReportIsItsOwnOrderedDumpAndCountsWhatItHolds) {
  Snapshot s = many_small_groups(40);
  std::vector<Finding> findings = run_analyses(s, all_passes(), AnalysisOptions{}, 1);
  for (std::optional<Severity> fail_on :
       {std::optional<Severity>(), std::optional(Severity::Low), std::optional(Severity::Critical)}) {
    ReportInfo info;
    info.fail_on = fail_on;
    std::string text = findings_json(findings, info);
    auto report = nlohmann::ordered_json::parse(text);
    EXPECT_EQ(report.dump(2) + "\n", text);
    ASSERT_EQ(report["findings"].size(), findings.size());
    EXPECT_EQ(report["summary"]["total"], findings.size());
    std::map<std::string, std::size_t> by;
    bool failed = false;
    for (const Finding& f : findings) {
      ++by[severity_name(f.severity)];
      failed = failed || (fail_on && f.severity >= *fail_on);
    }
    for (const auto& [severity, n] : report["summary"]["by_severity"].items())
      EXPECT_EQ(n.get<std::size_t>(), by[severity]) << severity;
    EXPECT_EQ(report["failed"], failed);
  }
}

}  // namespace
}  // namespace sgopt
