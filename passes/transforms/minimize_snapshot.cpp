// The minimize driver: groups, then ACLs, in input order.
#include "passes/transforms/minimize_snapshot.h"

#include "passes/transforms/change_plan.h"
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
      out.group_changes.push_back(sg_change(g.id, d, g.rules(d), rules));
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

}  // namespace

SnapshotMinimizeResult minimize_snapshot(Snapshot snapshot, const SnapshotMinimizeOptions& options) {
  if (snapshot.groups.empty() && snapshot.acls.empty())
    throw InputError(Diagnostic{Location{}, "the input has no security groups or network ACLs to minimize"});
  SnapshotMinimizeOptions o = options;
  ProofSession session;
  if (!o.proof.session) o.proof.session = &session;
  SnapshotMinimizeResult out;
  // In place: what minimize reads of the snapshot besides the group at hand (prefix lists,
  // references, which interfaces carry a group) does not change as groups are minimized.
  for (SecurityGroup& g : snapshot.groups) out.group_results.push_back(minimize_group(g, snapshot, o, out));
  for (NetworkAcl& a : snapshot.acls) out.acl_results.push_back(minimize_acl(a, o, out));
  out.groups = std::move(snapshot.groups);
  out.acls = std::move(snapshot.acls);
  return out;
}

}  // namespace sgopt
