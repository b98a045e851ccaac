// The account clean-up plan (passes/transforms/cleanup.h).
#include "passes/transforms/cleanup.h"

#include "model/rule_text.h"
#include "passes/analyses/account_hygiene.h"
#include "passes/pass.h"
#include "solver/coverage.h"
#include "solver/rule_sets.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <functional>
#include <map>
#include <set>
#include <stdexcept>
#include <unordered_map>

namespace sgopt {

Snapshot replay_cleanup(const Snapshot& snapshot, const std::vector<CleanupStep>& steps) {
  Snapshot s = snapshot;
  for (const CleanupStep& step : steps) apply_cleanup_step(s, step);
  return s;
}

namespace {

using Action = CleanupStep::Action;
using Policy = std::array<PacketSet, 2>;  // ingress, egress

bool carries(const NetworkInterface& e, const std::string& group_id) {
  return std::find(e.group_ids.begin(), e.group_ids.end(), group_id) != e.group_ids.end();
}

bool names(const SgRule& r, const Interned& group_id) {
  return r.peer.type == PeerType::Group && r.peer.ref == group_id;  // identity, not text
}

// The state being planned: the snapshot with the planned steps applied in place (deletions only
// marked, since a deleted group or ACL decides nothing once nothing carries or names it), and
// what every interface allowed before the clean-up.
class Planner {
 public:
  Planner(const Snapshot& base, CleanupPlan& plan) : work_(base), plan_(plan) {
    for (const NetworkInterface& e : base.interfaces) before_.emplace(e.id, policy(base, e));
  }

  const Snapshot& work() const { return work_; }
  bool deleted(const std::string& group_id) const { return deleted_.count(group_id) > 0; }

  /// Applies the steps one by one, each checked on the interfaces it can change; keeps them all
  /// when every check passes, else undoes them all and returns why.
  std::optional<CleanupSkip> attempt(const std::vector<CleanupStep>& steps) {
    std::vector<std::function<void()>> undo;
    std::optional<CleanupSkip> failed;
    for (const CleanupStep& step : steps) {
      failed = apply(step, undo);
      if (failed) break;
    }
    if (failed) {
      for (auto it = undo.rbegin(); it != undo.rend(); ++it) (*it)();
      work_.resolve_references(ReferenceMode::Resolve);
      return failed;
    }
    plan_.steps.insert(plan_.steps.end(), steps.begin(), steps.end());
    return std::nullopt;
  }

  /// Every interface against what it allowed before; throws std::logic_error on a difference.
  void check_all(const Snapshot& s) {
    for (const NetworkInterface& e : s.interfaces)
      if (auto why = differs(s, e))
        throw std::logic_error(
            fmt::format("internal error: the clean-up plan changes what {} allows: {}", e.id, why->why));
  }

 private:
  PacketSet group_set(const Snapshot& s, const SecurityGroup& g, Direction d) {
    return sg_set(g.rules(d), peers_, &s.references);
  }

  Policy policy(const Snapshot& s, const NetworkInterface& e) {
    Policy p;
    for (Direction d : {Direction::Ingress, Direction::Egress}) {
      std::vector<PacketSet> sets;
      for (const std::string& id : e.group_ids)
        if (const SecurityGroup* g = s.find_group(id)) sets.push_back(group_set(s, *g, d));
      p[static_cast<std::size_t>(d)] = PacketSet::unite_all(std::move(sets));
    }
    return p;
  }

  std::optional<CleanupSkip> differs(const Snapshot& s, const NetworkInterface& e) {
    ++plan_.checks;
    Policy now = policy(s, e);
    const Policy& was = before_.at(e.id);
    for (Direction d : {Direction::Ingress, Direction::Egress}) {
      const PacketSet& a = was[static_cast<std::size_t>(d)];
      const PacketSet& b = now[static_cast<std::size_t>(d)];
      if (a == b) continue;
      PacketSet gained = b.subtract(a), lost = a.subtract(b);
      CleanupSkip skip;
      skip.interface_id = e.id;
      skip.direction = d;
      skip.witness = typical_witness(lost.empty() ? gained : lost, peers_);
      skip.why = fmt::format("{} would {} {} {}", e.id, lost.empty() ? "start allowing" : "stop allowing",
                             direction_name(d), skip.witness ? skip.witness->str() : "traffic");
      return skip;
    }
    return std::nullopt;
  }

  // The interfaces whose policy the step can change, in input order.
  std::vector<const NetworkInterface*> touched(const CleanupStep& step) const {
    std::set<std::string> groups;  // groups whose own rules change or whose named groups' members do
    std::set<std::string> enis;
    if (step.action == Action::AuthorizeRule || step.action == Action::RevokeRule) groups.insert(step.resource_id);
    if (step.action == Action::SetInterfaceGroups) {
      enis.insert(step.resource_id);
      std::set<std::string> changed;
      for (const auto& id : step.groups)
        if (!std::count(step.before_groups.begin(), step.before_groups.end(), id)) changed.insert(id);
      for (const auto& id : step.before_groups)
        if (!std::count(step.groups.begin(), step.groups.end(), id)) changed.insert(id);
      for (const SecurityGroup& g : work_.groups)
        for (Direction d : {Direction::Ingress, Direction::Egress})
          for (const SgRule& r : g.rules(d))
            if (r.peer.type == PeerType::Group && changed.count(r.peer.ref)) groups.insert(g.id);
    }
    std::vector<const NetworkInterface*> out;
    for (const NetworkInterface& e : work_.interfaces) {
      bool hit = enis.count(e.id) > 0;
      for (const auto& id : e.group_ids) hit = hit || groups.count(id) > 0;
      if (hit) out.push_back(&e);
    }
    return out;
  }

  std::optional<CleanupSkip> refused(const std::string& why) {
    CleanupSkip s;
    s.why = why;
    return s;
  }

  std::optional<CleanupSkip> apply(const CleanupStep& step, std::vector<std::function<void()>>& undo) {
    switch (step.action) {
      case Action::AuthorizeRule: {
        SecurityGroup* g = group(step.resource_id);
        auto& rules = g->rules(step.direction);
        auto key = aws_rule_key(step.rule);
        if (std::any_of(rules.begin(), rules.end(), [&](const SgRule& r) { return aws_rule_key(r) == key; }))
          return refused(fmt::format("{} already has {}", g->id, sg_rule_text(step.rule)));
        rules.push_back(step.rule);
        undo.emplace_back([&rules] { rules.pop_back(); });
        break;
      }
      case Action::RevokeRule: {
        SecurityGroup* g = group(step.resource_id);
        auto& rules = g->rules(step.direction);
        auto key = aws_rule_key(step.rule);
        auto it = std::find_if(rules.begin(), rules.end(), [&](const SgRule& r) { return aws_rule_key(r) == key; });
        if (it == rules.end()) return refused(fmt::format("{} has no rule {}", g->id, sg_rule_text(step.rule)));
        auto at = it - rules.begin();
        SgRule kept = *it;
        rules.erase(it);
        undo.emplace_back([&rules, at, kept] { rules.insert(rules.begin() + at, kept); });
        break;
      }
      case Action::SetInterfaceGroups: {
        auto it = std::find_if(work_.interfaces.begin(), work_.interfaces.end(),
                               [&](const NetworkInterface& e) { return e.id == step.resource_id; });
        if (it == work_.interfaces.end() || it->group_ids != step.before_groups || step.groups.empty())
          return refused(fmt::format("{} does not carry the groups the step expects", step.resource_id));
        NetworkInterface& e = *it;
        std::vector<std::string> old = e.group_ids;
        e.group_ids = step.groups;
        undo.emplace_back([&e, old] { e.group_ids = old; });
        break;
      }
      case Action::DeleteGroup: {
        const SecurityGroup* g = group(step.resource_id);
        if (g->is_default()) return refused(fmt::format("{} is a default group", g->id));
        for (const NetworkInterface& e : work_.interfaces)
          if (carries(e, g->id)) return refused(fmt::format("{} still carries {}", e.id, g->id));
        const Interned named(g->id);  // compared by identity in the loop over every rule
        for (const SecurityGroup& other : work_.groups)
          if (&other != g && !deleted(other.id))
            for (Direction d : {Direction::Ingress, Direction::Egress})
              for (const SgRule& r : other.rules(d))
                if (names(r, named)) return refused(fmt::format("a rule of {} still names {}", other.id, g->id));
        deleted_.insert(g->id);
        undo.emplace_back([this, id = g->id] { deleted_.erase(id); });
        return std::nullopt;  // nothing carries or names it: no interface can change
      }
      case Action::DeleteAcl: return std::nullopt;
    }
    if (changes_references(work_, step)) work_.resolve_references(ReferenceMode::Resolve);
    for (const NetworkInterface* e : touched(step))
      if (auto why = differs(work_, *e)) return why;
    return std::nullopt;
  }

  SecurityGroup* group(const std::string& id) {
    const SecurityGroup* g = work_.find_group(id);
    if (!g) throw std::logic_error("internal error: the clean-up plan names a group not loaded: " + id);
    return &work_.groups[static_cast<std::size_t>(g - work_.groups.data())];
  }

  Snapshot work_;
  CleanupPlan& plan_;
  PeerTable peers_;
  std::map<std::string, Policy> before_;
  std::set<std::string> deleted_;
};

CleanupStep rule_step(Action a, const RuleAt& r, std::string why) {
  CleanupStep s;
  s.action = a;
  s.resource_id = r.group->id;
  s.direction = r.direction;
  s.rule = r.rule();
  s.why = std::move(why);
  return s;
}

CleanupStep delete_group_step(const SecurityGroup& g, std::string why) {
  CleanupStep s;
  s.action = Action::DeleteGroup;
  s.resource_id = g.id;
  s.why = std::move(why);
  return s;
}

// The rules of one group that name the group `group_id`, as they are now.
std::vector<RuleAt> rules_of_naming(const SecurityGroup& h, const std::string& group_id) {
  std::vector<RuleAt> out;
  const Interned named(group_id);  // compared by identity in the loop over every rule
  for (Direction d : {Direction::Ingress, Direction::Egress})
    for (std::size_t k = 0; k < h.rules(d).size(); ++k)
      if (names(h.rules(d)[k], named)) out.push_back(RuleAt{&h, d, k});
  return out;
}

// The rules of groups still there that name the group, as they are now.
std::vector<RuleAt> rules_naming(const Snapshot& s, const Planner& p, const std::string& group_id) {
  std::vector<RuleAt> out;
  for (const SecurityGroup& g : s.groups) {
    if (g.id == group_id || p.deleted(g.id)) continue;
    std::vector<RuleAt> of = rules_of_naming(g, group_id);
    out.insert(out.end(), of.begin(), of.end());
  }
  return out;
}

CleanupSkip skip_of(std::string resource_id, std::optional<CleanupSkip> why, const std::string& what) {
  CleanupSkip s = why ? std::move(*why) : CleanupSkip{};
  s.resource_id = std::move(resource_id);
  s.why = fmt::format("{}: {}", what, s.why);
  return s;
}

}  // namespace

CleanupPlan plan_cleanup(const Snapshot& snapshot, const CleanupOptions& options) {
  if (snapshot.interfaces.empty())
    throw std::invalid_argument(
        "cleanup needs describe-network-interfaces input: without it sgopt cannot tell which groups are in use");
  Snapshot base = snapshot;
  base.resolve_references(ReferenceMode::Resolve);
  AnalysisOptions ao;
  ao.groups_per_interface = options.groups_per_interface;
  const AccountHygiene hygiene(base, ao, options.threads);
  CleanupPlan plan;
  plan.assumptions = {
      "the loaded describe-network-interfaces output lists every interface of the account and region, so a group "
      "no loaded interface carries has no members",
      "launch templates and launch configurations are known only from the describe-launch-template-versions and "
      "describe-launch-configurations outputs given; services that attach a group only when they start are not "
      "seen",
      "no group outside the loaded inputs (another account's, a peered VPC's) names a group the plan deletes"};
  Planner p(base, plan);
  auto usage_of = [&](const std::string& id) -> const GroupUsage& { return hygiene.usage(*base.find_group(id)); };

  // 1. Duplicates: each one folded into the group kept, rules that name it pointed at the kept one.
  if (options.duplicates)
    for (const DuplicateClass& c : hygiene.duplicate_classes()) {
      const SecurityGroup& keep = *c.members.front();
      for (std::size_t m = 1; m < c.members.size(); ++m) {
        const SecurityGroup& dup = *c.members[m];
        std::string what = fmt::format("{} duplicates {}", dup.id, keep.id);
        if (dup.is_default() || !usage_of(dup.id).consumers.empty()) {
          plan.skipped.push_back(skip_of(dup.id, std::nullopt, what));
          plan.skipped.back().why += dup.is_default() ? "default groups are never deleted"
                                                      : "launch data names it; point that at " + keep.id + " first";
          continue;
        }
        const Snapshot& w = p.work();
        std::vector<CleanupStep> steps;
        std::vector<RuleAt> naming = rules_naming(w, p, dup.id);
        for (const RuleAt& r : naming) {
          SgRule moved = r.rule();
          moved.peer.ref = Interned(keep.id);
          moved.source = RuleSource{};  // a new rule: no id or place of its own yet
          moved.source.resource_id = r.group->id;
          moved.source.description = r.rule().source.description;
          auto key = aws_rule_key(moved);
          const auto& rules = r.group->rules(r.direction);
          bool has = std::any_of(rules.begin(), rules.end(), [&](const SgRule& x) { return aws_rule_key(x) == key; });
          bool planned = std::any_of(steps.begin(), steps.end(), [&](const CleanupStep& s) {
            return s.resource_id == r.group->id && s.direction == r.direction && aws_rule_key(s.rule) == key;
          });
          if (has || planned) continue;
          CleanupStep s =
              rule_step(Action::AuthorizeRule, r, fmt::format("{}: name {} where it named {}", what, keep.id, dup.id));
          s.rule = moved;
          steps.push_back(std::move(s));
        }
        for (const NetworkInterface& e : w.interfaces) {
          if (!carries(e, dup.id)) continue;
          CleanupStep s;
          s.action = Action::SetInterfaceGroups;
          s.resource_id = e.id;
          s.before_groups = e.group_ids;
          for (const std::string& id : e.group_ids) {
            const std::string& now = id == dup.id ? keep.id : id;
            if (std::find(s.groups.begin(), s.groups.end(), now) == s.groups.end()) s.groups.push_back(now);
          }
          s.why = fmt::format("{}: {} carries {} instead", what, e.id, keep.id);
          steps.push_back(std::move(s));
        }
        for (const RuleAt& r : naming) steps.push_back(rule_step(Action::RevokeRule, r, what + ": the rule named it"));
        steps.push_back(delete_group_step(dup, what));
        if (auto why = p.attempt(steps)) {
          plan.skipped.push_back(skip_of(dup.id, why, what));
          continue;
        }
        plan.deleted_groups.push_back(dup.id);
      }
    }

  // 2. Groups tighter than another on every interface carrying them leave those interfaces.
  if (options.tighter) {
    std::set<std::string> dropped;
    for (const TighterGroup& t : hygiene.tighter_groups()) {
      const SecurityGroup& a = *t.tighter;
      if (dropped.count(a.id) || p.deleted(a.id)) continue;
      std::string what = fmt::format("{} is tighter than {} on every interface carrying it", a.id, t.looser->id);
      std::vector<CleanupStep> steps;
      bool all_carry = true;
      for (const NetworkInterface& e : p.work().interfaces) {
        if (!carries(e, a.id)) continue;
        all_carry = all_carry && carries(e, t.looser->id);
        CleanupStep s;
        s.action = Action::SetInterfaceGroups;
        s.resource_id = e.id;
        s.before_groups = e.group_ids;
        s.groups = e.group_ids;
        std::erase(s.groups, a.id);
        s.why = fmt::format("{}: {} keeps {}", what, e.id, t.looser->id);
        steps.push_back(std::move(s));
      }
      if (!all_carry || steps.empty()) continue;  // the interfaces changed since
      if (auto why = p.attempt(steps)) {
        plan.skipped.push_back(skip_of(a.id, why, what));
        continue;
      }
      dropped.insert(a.id);
    }
  }

  // 3. Groups nothing carries: the rules naming them revoked, then the groups deleted, each after
  // every group still there that names it. Who names whom is indexed once: named_by[x] holds the
  // groups (not x, not deleted) with a rule naming x, in input order.
  const Snapshot& w = p.work();
  std::unordered_map<std::string, std::vector<std::size_t>> named_by;
  for (std::size_t i = 0; i < w.groups.size(); ++i) {
    const SecurityGroup& h = w.groups[i];
    if (p.deleted(h.id)) continue;
    std::set<std::string> seen;
    for (Direction d : {Direction::Ingress, Direction::Egress})
      for (const SgRule& r : h.rules(d))
        if (r.peer.type == PeerType::Group && r.peer.ref != h.id && seen.insert(r.peer.ref).second)
          named_by[r.peer.ref].push_back(i);
  }
  std::set<std::string> carried;
  for (const NetworkInterface& e : w.interfaces) carried.insert(e.group_ids.begin(), e.group_ids.end());
  std::vector<const SecurityGroup*> gone;
  std::set<std::string> gone_ids;
  for (const SecurityGroup& g : w.groups) {
    if (p.deleted(g.id) || g.is_default() || !usage_of(g.id).consumers.empty() || carried.count(g.id)) continue;
    const bool referenced = named_by.count(g.id) > 0;  // built from this very state
    if (referenced ? !options.referenced : !options.unused) continue;
    gone.push_back(&g);
    gone_ids.insert(g.id);
  }
  // Rules of groups that stay go first; a group that cannot lose them stays too, and then its own
  // rules name groups still to go: repeat until nothing more stays.
  for (bool changed = true; changed;) {
    changed = false;
    for (auto it = gone.begin(); it != gone.end();) {
      const SecurityGroup& g = **it;
      std::vector<CleanupStep> steps;
      for (std::size_t h : named_by[g.id]) {
        if (gone_ids.count(w.groups[h].id)) continue;
        for (const RuleAt& r : rules_of_naming(w.groups[h], g.id))
          steps.push_back(rule_step(Action::RevokeRule, r,
                                    fmt::format("{} has no members and is deleted: the rule names it", g.id)));
      }
      if (steps.empty()) {
        ++it;
        continue;
      }
      if (auto why = p.attempt(steps)) {
        plan.skipped.push_back(skip_of(g.id, why, fmt::format("{} has no members", g.id)));
        gone_ids.erase(g.id);
        it = gone.erase(it);
        changed = true;
        continue;
      }
      ++it;
    }
  }
  // Every group still naming a group to go is itself to go: delete those no one names, and break a
  // cycle of groups naming each other by revoking one member's rules naming the others.
  std::unordered_map<std::string, std::set<std::string>> blockers, blocks;
  for (const SecurityGroup* g : gone)
    for (std::size_t h : named_by[g->id])
      if (!rules_of_naming(w.groups[h], g->id).empty()) {
        blockers[g->id].insert(w.groups[h].id);
        blocks[w.groups[h].id].insert(g->id);
      }
  auto lift = [&](const std::string& id) {
    for (const std::string& x : blocks[id]) blockers[x].erase(id);
    blocks[id].clear();
  };
  while (!gone.empty()) {
    auto next = std::find_if(gone.begin(), gone.end(), [&](const SecurityGroup* g) { return blockers[g->id].empty(); });
    if (next == gone.end()) {
      auto h = std::find_if(gone.begin(), gone.end(), [&](const SecurityGroup* g) { return !blocks[g->id].empty(); });
      if (h == gone.end())
        throw std::logic_error("internal error: the clean-up cannot order the deletion of the groups it deletes");
      const SecurityGroup& g = **h;
      std::vector<CleanupStep> steps;
      for (const std::string& x : blocks[g.id])
        for (const RuleAt& r : rules_of_naming(g, x))
          steps.push_back(rule_step(
              Action::RevokeRule, r,
              fmt::format("{} and {} name each other, directly or through others, and are both deleted", g.id, x)));
      if (steps.empty() || p.attempt(steps))
        throw std::logic_error("internal error: the clean-up cannot order the deletion of " + g.id);
      lift(g.id);
      continue;
    }
    const SecurityGroup& g = **next;
    const GroupUsage& u = usage_of(g.id);
    std::string why =
        u.use == GroupUse::Unused ? fmt::format("{} is unused", g.id) : fmt::format("{} has no members", g.id);
    if (auto failed = p.attempt({delete_group_step(g, why)}))
      throw std::logic_error("internal error: the clean-up cannot delete " + g.id + ": " + failed->why);
    plan.deleted_groups.push_back(g.id);
    lift(g.id);
    gone.erase(next);
  }

  // 4. ACLs associated with no subnet.
  if (options.acls)
    for (const NetworkAcl& a : base.acls) {
      if (a.is_default || !a.subnet_ids.empty()) continue;
      CleanupStep s;
      s.action = Action::DeleteAcl;
      s.resource_id = a.id;
      s.why = fmt::format("{} is associated with no subnet", a.id);
      plan.steps.push_back(std::move(s));
      plan.deleted_acls.push_back(a.id);
    }

  std::set<std::string> repointed;
  for (const CleanupStep& s : plan.steps)
    if (s.action == Action::SetInterfaceGroups) repointed.insert(s.resource_id);
  plan.repointed_interfaces = repointed.size();
  // The whole plan once more as AWS applies it, every interface compared.
  Planner check(base, plan);
  check.check_all(replay_cleanup(base, plan.steps));
  return plan;
}

}  // namespace sgopt
