// Change plans for security groups and NACLs.
#include "passes/transforms/change_plan.h"

#include "model/match.h"
#include "solver/rule_sets.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace sgopt {

namespace {

bool same_entry(const NaclEntry& a, const NaclEntry& b) {
  return a.allow == b.allow && a.cidr == b.cidr && a.protocol == b.protocol && entry_box(a) == entry_box(b);
}

}  // namespace

SgChange sg_change(const std::string& group_id, Direction d, const std::vector<SgRule>& before,
                   const std::vector<SgRule>& after) {
  SgChange c{group_id, d, {}, {}};
  auto missing = [](const std::vector<SgRule>& from, const std::vector<SgRule>& in, std::vector<SgRule>& out) {
    std::map<decltype(aws_rule_key(SgRule{})), int> have;
    for (const SgRule& r : in) ++have[aws_rule_key(r)];
    for (const SgRule& r : from) {
      auto it = have.find(aws_rule_key(r));
      if (it != have.end() && it->second > 0) {
        --it->second;
      } else {
        out.push_back(r);
      }
    }
  };
  missing(after, before, c.authorize);
  missing(before, after, c.revoke);
  return c;
}

NaclPlan nacl_plan(const std::vector<NaclEntry>& before, const std::vector<NaclEntry>& after) {
  NaclPlan plan;
  const PacketSet allowed = nacl_allowed_set(before);
  std::map<int, NaclEntry> state;
  for (const NaclEntry& e : before) state[e.rule_number] = e;
  std::map<int, NaclEntry> target;
  for (const NaclEntry& e : after) target[e.rule_number] = e;

  // Pending operations: puts in ascending number, then deletes of numbers the target lacks.
  std::vector<NaclStep> pending;
  for (const auto& [n, e] : target) {
    auto it = state.find(n);
    if (it != state.end() && same_entry(it->second, e)) continue;
    pending.push_back({it != state.end() ? NaclStep::Action::Replace : NaclStep::Action::Create, n, e});
  }
  for (const auto& [n, e] : state)
    if (!target.count(n)) pending.push_back({NaclStep::Action::Delete, n, e});

  auto apply = [](std::map<int, NaclEntry>& s, const NaclStep& step) {
    if (step.action == NaclStep::Action::Delete) {
      s.erase(step.rule_number);
    } else {
      s[step.rule_number] = step.entry;
    }
  };
  auto decides_as_before = [&](const std::map<int, NaclEntry>& s) {
    std::vector<NaclEntry> list;
    for (const auto& [n, e] : s) list.push_back(e);
    return nacl_allowed_set(list) == allowed;
  };
  while (!pending.empty()) {
    std::size_t pick = pending.size();
    for (std::size_t i = 0; i < pending.size() && pick == pending.size(); ++i) {
      auto trial = state;
      apply(trial, pending[i]);
      if (decides_as_before(trial)) pick = i;
    }
    if (pick == pending.size()) {  // no safe step: finish in order and say so
      plan.every_step_equivalent = false;
      pick = 0;
    }
    NaclStep step = pending[pick];
    if (step.action != NaclStep::Action::Delete)
      step.action = state.count(step.rule_number) ? NaclStep::Action::Replace : NaclStep::Action::Create;
    apply(state, step);
    plan.steps.push_back(step);
    pending.erase(pending.begin() + static_cast<std::ptrdiff_t>(pick));
  }
  return plan;
}

}  // namespace sgopt
