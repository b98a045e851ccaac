// The driver of `sgopt minimize`: every group direction and ACL direction of a snapshot minimized
// and proven (passes/transforms/minimize.h), buckets still over quota given their widening and
// split plans (quota_plan.h, the first widening applied when asked), and the change steps that
// apply the result safely (change_plan.h). Returns plain results; writes nothing.
#pragma once

#include "model/change.h"
#include "model/quota.h"
#include "model/snapshot.h"
#include "passes/transforms/minimize.h"
#include "passes/transforms/quota_plan.h"

#include <optional>
#include <string>
#include <vector>

namespace sgopt {

struct SnapshotMinimizeOptions {
  MinimizeOptions proof;     // the session is each worker's own when null
  int quota = kSgRuleQuota;  // rules per group, direction and family
  int nacl_quota = kNaclEntryQuota;
  bool widen_to_fit = false;  // apply the first widening of a bucket whose minimum is over quota
  unsigned threads = 0;       // workers, one Z3 context each (0: one per core; 1 when proof.session is set)
  bool group_changes = true;  // fill SnapshotMinimizeResult::group_changes (the plan's steps; a copy of the rules)
};

/// How a bucket over quota could fit.
struct QuotaAdvice {
  std::vector<WideningPlan> widenings;  // smallest exposure first
  SplitPlan split;
  bool applied = false;  // the first widening replaced the direction's rules
};

struct BucketResult {
  Family family = Family::V4;
  BucketCount count;
  bool over_quota = false;            // after minimizing, before any widening
  std::optional<QuotaAdvice> advice;  // when over quota
};

struct GroupDirectionResult {
  Direction direction = Direction::Ingress;
  MinimizedRules minimized;           // proof, note and bucket counts (its rules are in `groups`)
  std::vector<BucketResult> buckets;  // families with rules, IPv4 first
  bool changed = false;               // minimized or widened
};

struct GroupResult {
  std::string id, name;
  std::vector<GroupDirectionResult> directions;  // directions with rules
};

struct AclDirectionResult {
  Direction direction = Direction::Ingress;
  MinimizedEntries minimized;                      // counts, proof and note (its entries are in `acls`)
  std::vector<std::pair<Family, int>> over_quota;  // families whose entries exceed nacl_quota
};

struct AclResult {
  std::string id;
  std::vector<AclDirectionResult> directions;  // ingress, egress
};

struct SnapshotMinimizeResult {
  std::vector<SecurityGroup> groups;  // the snapshot's groups with their new rules
  std::vector<NetworkAcl> acls;       // and ACLs with their new entries
  std::vector<GroupResult> group_results;
  std::vector<AclResult> acl_results;
  std::vector<SgChange> group_changes;  // what to authorize and revoke
  std::vector<AclChange> acl_changes;   // entry steps that keep every decision
  int rules_before = 0, rules_after = 0;
  int entries_before = 0, entries_after = 0;
  int over_quota = 0;  // buckets left over quota
  int unproven = 0;    // rewrites left unchanged because their proof did not finish
};

/// Minimizes every group and ACL of the snapshot. Throws InputError when it has neither.
/// The snapshot is taken by value: pass it with std::move to minimize its groups and ACLs in place
/// (then a large account's rules are held once, not twice).
SnapshotMinimizeResult minimize_snapshot(Snapshot snapshot, const SnapshotMinimizeOptions& options);

}  // namespace sgopt
