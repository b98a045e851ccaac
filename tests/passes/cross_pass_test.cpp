// The passes checked against each other: what analyze calls removable, minimize must do at least as
// well as; what minimize writes, analyze must find nothing redundant in and diff must call equivalent.
#include "model/aws/loader.h"
#include "model/packet.h"
#include "passes/analyses/redundant_rules.h"
#include "passes/compare/diff.h"
#include "passes/transforms/minimize.h"
#include "solver/rule_sets.h"
#include "tests/support/corpus.h"
#include "tests/support/packets.h"
#include "tests/support/rule_gen.h"

#include <gtest/gtest.h>

#include <random>

namespace sgopt {
namespace {

// One direction of one group through redundancy, minimize and diff.
void check_rules(const std::vector<SgRule>& rules, const std::string& what) {
  SCOPED_TRACE(what);
  MinimizeOptions native_only;
  native_only.prove_with_z3 = false;  // the proofs are minimize's own tests; here the passes meet
  MinimizedRules m = minimize_sg_rules(rules, "sg-test", nullptr, native_only);
  RedundancyAnalysis before = analyze_redundancy(rules);

  // Removing the maximal removable set is one equivalent rule set; minimize must be no larger.
  std::size_t after_removal = rules.size() - before.removable.size();
  EXPECT_LE(m.rules.size(), after_removal) << "minimize kept more rules than analyze's removable set leaves";

  // A minimized set has no redundant rule (removing it would give a smaller equivalent set).
  RedundancyAnalysis after = analyze_redundancy(m.rules);
  EXPECT_TRUE(after.redundant.empty()) << after.redundant.size() << " redundant rules left by minimize";

  // diff calls the pair equivalent, and the reference evaluator agrees on boundary packets of both.
  PeerTable peers;
  RuleList old_list{false, rules, {}, nullptr, std::nullopt}, new_list{false, m.rules, {}, nullptr, std::nullopt};
  DirectionDiff d = compare_rules(old_list, new_list, Direction::Ingress, peers);
  EXPECT_EQ(d.native, Verdict::Equivalent);
  std::vector<SgRule> both = rules;
  both.insert(both.end(), m.rules.begin(), m.rules.end());
  for (const Packet& p : test_support::boundary_packets(both))
    ASSERT_EQ(sg_allows(rules, p), sg_allows(m.rules, p)) << p.str();
}

TEST(CrossPassTest, RandomGroupsAgreeAcrossAnalyzeMinimizeAndDiff) {
  std::mt19937_64 rng(2026);
  for (int round = 0; round < 60; ++round) {
    auto rules = test_support::random_sg_rules(rng, 4 + static_cast<std::size_t>(round % 20),
                                               round % 2 ? test_support::Breadth::Narrow : test_support::Breadth::Any);
    check_rules(rules, "random round " + std::to_string(round));
  }
}

TEST(CrossPassTest, RealCorpusAgreesAcrossAnalyzeMinimizeAndDiff) {
  auto files = test_support::realdata_describe_files();
  if (files.empty()) GTEST_SKIP() << "no ../shared/realdata beside the checkout";
  std::size_t checked = 0;
  for (const auto& f : files) {
    Snapshot s = load_inputs({f}, LoadOptions{true});
    for (const auto& g : s.groups)
      for (Direction dir_ : {Direction::Ingress, Direction::Egress}) {
        check_rules(g.rules(dir_), f + " " + g.id + " " + direction_name(dir_));
        ++checked;
      }
  }
  EXPECT_GT(checked, 0u);
}

}  // namespace
}  // namespace sgopt
