// Change plans: SG changes list exactly the differing rules; NACL steps keep every decision.
#include "passes/transforms/change_plan.h"

#include "passes/transforms/minimize.h"
#include "solver/rule_sets.h"
#include "tests/support/rule_gen.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

namespace sgopt {
namespace {

TEST(ChangePlanTest, SgChangeListsOnlyDifferingRules) {
  std::mt19937_64 rng(4);
  auto before = test_support::random_sg_rules(rng, 6);
  auto after = before;
  after.erase(after.begin());
  after.push_back(test_support::random_sg_rules(rng, 1)[0]);
  auto c = sg_change("sg-1", Direction::Egress, before, after);
  EXPECT_GE(c.revoke.size() + c.authorize.size(), 1u);
  // Applying the change to `before` gives `after` as a multiset of rules.
  auto applied = before;
  for (const auto& r : c.revoke)
    applied.erase(std::find_if(applied.begin(), applied.end(), [&](const SgRule& x) {
      return x.protocol == r.protocol && x.from_port == r.from_port && x.to_port == r.to_port && x.peer == r.peer;
    }));
  applied.insert(applied.end(), c.authorize.begin(), c.authorize.end());
  PeerTable peers;
  EXPECT_EQ(sg_set(applied, peers), sg_set(after, peers));
  EXPECT_EQ(applied.size(), after.size());
}

TEST(ChangePlanTest, NaclStepsKeepEveryDecisionAndEndAtTheTarget) {
  std::mt19937_64 rng(21);
  MinimizeOptions o;
  o.prove_with_z3 = false;
  int safe = 0, changed = 0;
  for (std::size_t round = 0; round < 25; ++round) {
    auto before = test_support::random_nacl_entries(rng, 3 + round % 8);
    auto m = minimize_nacl_entries(before, o);
    if (!m.changed) continue;
    NaclPlan plan = nacl_plan(before, m.entries);
    ++changed;
    safe += plan.every_step_equivalent ? 1 : 0;
    std::map<int, NaclEntry> state;
    for (const auto& e : before) state[e.rule_number] = e;
    for (const auto& s : plan.steps) {
      if (s.action == NaclStep::Action::Delete) {
        ASSERT_TRUE(state.erase(s.rule_number));
      } else {
        EXPECT_EQ(state.count(s.rule_number) == 1, s.action == NaclStep::Action::Replace);
        state[s.rule_number] = s.entry;
      }
      std::vector<NaclEntry> now;
      for (const auto& [n, e] : state) now.push_back(e);
      if (plan.every_step_equivalent) {
        EXPECT_EQ(nacl_allowed_set(now), nacl_allowed_set(before));
      }
    }
    std::vector<NaclEntry> end;
    for (const auto& [n, e] : state) end.push_back(e);
    EXPECT_EQ(nacl_allowed_set(end), nacl_allowed_set(m.entries));
    EXPECT_EQ(end.size(), m.entries.size());
  }
  EXPECT_GT(changed, 0);
  EXPECT_EQ(safe, changed) << "some plans need their steps applied together";
}

}  // namespace
}  // namespace sgopt
