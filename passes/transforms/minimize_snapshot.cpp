// The minimize driver: groups, then ACLs, in input order.
#include "passes/transforms/minimize_snapshot.h"

#include "model/progress.h"
#include "passes/transforms/change_plan.h"
#include "passes/workers.h"
#include "solver/proof_session.h"

#include <algorithm>

namespace sgopt {

namespace {

// Fills the advice of a bucket over quota; with widen_to_fit the first widening replaces `rules`.
QuotaAdvice advise(const SecurityGroup& g, std::vector<SgRule>& rules, Family f, const SnapshotMinimizeOptions& o,
                   const Snapshot& s) {
  QuotaAdvice a;
  a.widenings = widening_plans(rules, f, o.quota, &s);
  a.split = split_plan(g, rules, f, o.quota, s);
  if (o.widen_to_fit && !a.widenings.empty()) {
    rules = a.widenings.front().rules;
    a.applied = true;
  }
  return a;
}

GroupResult minimize_group(SecurityGroup& g, const Snapshot& s, const SnapshotMinimizeOptions& o,
                           SnapshotMinimizeResult& out) {
  GroupResult gr{g.id, g.name, {}};
  for (Direction d : {Direction::Ingress, Direction::Egress}) {
    if (g.rules(d).empty()) continue;
    GroupDirectionResult dr;
    dr.direction = d;
    dr.minimized = minimize_sg_rules(g.rules(d), g.id, &s, o.proof);
    MinimizedRules& m = dr.minimized;
    // The new rules move into the output group: one copy of a large account's rules, not two.
    std::vector<SgRule> rules = m.changed ? std::move(m.rules) : g.rules(d);
    m.rules = {};
    bool widened = false;
    for (Family f : {Family::V4, Family::V6}) {
      const BucketCount& b = m.buckets[static_cast<std::size_t>(f)];
      if (b.before == 0) continue;
      out.rules_before += b.before;
      out.rules_after += b.after;
      BucketResult br{f, b, b.after > o.quota, std::nullopt};
      if (br.over_quota) {
        br.advice = advise(g, rules, f, o, s);
        if (br.advice->applied)
          widened = true;
        else
          ++out.over_quota;
      }
      dr.buckets.push_back(std::move(br));
    }
    if (!m.note.empty()) ++out.unproven;
    dr.changed = m.changed || widened;
    if (dr.changed) {
      if (o.group_changes) out.group_changes.push_back(sg_change(g.id, d, g.rules(d), rules));
      g.rules(d) = std::move(rules);
    }
    gr.directions.push_back(std::move(dr));
  }
  return gr;
}

AclResult minimize_acl(NetworkAcl& a, const SnapshotMinimizeOptions& o, SnapshotMinimizeResult& out) {
  AclResult ar{a.id, {}};
  for (Direction d : {Direction::Ingress, Direction::Egress}) {
    AclDirectionResult dr;
    dr.direction = d;
    dr.minimized = minimize_nacl_entries(a.entries(d), o.proof);
    MinimizedEntries& m = dr.minimized;
    out.entries_before += m.before;
    out.entries_after += m.after;
    if (!m.note.empty()) ++out.unproven;
    const std::vector<NaclEntry>& result = m.changed ? m.entries : a.entries(d);
    for (Family f : {Family::V4, Family::V6}) {
      auto n = static_cast<int>(
          std::count_if(result.begin(), result.end(), [&](const NaclEntry& e) { return e.cidr.family == f; }));
      if (n > o.nacl_quota) {
        ++out.over_quota;
        dr.over_quota.push_back({f, n});
      }
    }
    if (m.changed) {
      out.acl_changes.push_back(AclChange{a.id, d, nacl_plan(a.entries(d), m.entries)});
      a.entries(d) = std::move(m.entries);
      m.entries = {};
    }
    ar.directions.push_back(std::move(dr));
  }
  return ar;
}

/// Adds one resource's counts and changes to the whole result, in input order.
void merge_into(SnapshotMinimizeResult& out, SnapshotMinimizeResult& part) {
  for (auto& r : part.group_results) out.group_results.push_back(std::move(r));
  for (auto& r : part.acl_results) out.acl_results.push_back(std::move(r));
  for (auto& c : part.group_changes) out.group_changes.push_back(std::move(c));
  for (auto& c : part.acl_changes) out.acl_changes.push_back(std::move(c));
  out.rules_before += part.rules_before;
  out.rules_after += part.rules_after;
  out.entries_before += part.entries_before;
  out.entries_after += part.entries_after;
  out.over_quota += part.over_quota;
  out.unproven += part.unproven;
}

}  // namespace

SnapshotMinimizeResult minimize_snapshot(Snapshot snapshot, const SnapshotMinimizeOptions& options) {
  if (snapshot.groups.empty() && snapshot.acls.empty())
    throw InputError(Diagnostic{Location{}, "the input has no security groups or network ACLs to minimize"});
  // One work item per group and ACL; each worker takes the next, with its own Z3 context, and
  // its results land in the item's slot, merged in input order: the output never depends on
  // scheduling. In place: what minimize reads of the snapshot besides the resource at hand
  // (prefix lists, references, which interfaces carry a group) does not change as groups are
  // minimized, and each resource is written by its worker only.
  const std::size_t n_groups = snapshot.groups.size();
  const std::size_t n_items = n_groups + snapshot.acls.size();
  std::vector<SnapshotMinimizeResult> slots(n_items);
  Progress& progress = work_progress();
  progress.start("minimizing", n_items);
  // A caller's session belongs to its thread: then the work stays on it.
  unsigned threads = options.proof.session ? 1 : options.threads;
  run_workers(n_items, threads, [&](ItemQueue& items) {
    ProofSession own;
    SnapshotMinimizeOptions o = options;
    if (!o.proof.session) o.proof.session = &own;
    for (std::size_t i; items.next(i);) {
      if (i < n_groups)
        slots[i].group_results.push_back(minimize_group(snapshot.groups[i], snapshot, o, slots[i]));
      else
        slots[i].acl_results.push_back(minimize_acl(snapshot.acls[i - n_groups], o, slots[i]));
      progress.step();
    }
  });
  progress.finish();
  SnapshotMinimizeResult out;
  for (auto& part : slots) merge_into(out, part);
  out.groups = std::move(snapshot.groups);
  out.acls = std::move(snapshot.acls);
  return out;
}

}  // namespace sgopt
