// Quota planning (an analysis): when even the smallest equivalent rule set of a bucket exceeds the
// quota, the ways to make it fit: widenings that admit the least extra traffic (each with exactly
// what it admits), and splits into several groups that together allow the same packets.
// Changes nothing; `minimize --widen-to-fit` applies the first widening.
#pragma once

#include "model/snapshot.h"
#include "solver/packet_set.h"

#include <string>
#include <vector>

namespace sgopt {

/// A superset of a direction's rules that fits: the rules, and exactly what they add.
struct WideningPlan {
  std::string how;                 // "addresses" (CIDRs of one service joined) or "ports" (ranges joined)
  std::vector<SgRule> rules;       // the whole direction after widening
  int bucket_rules = 0;            // rules the bucket counts after widening
  BigCount extra;                  // exact (address, protocol, port) points admitted beyond the input
  std::vector<std::string> added;  // the admitted regions (passes/regions.h text), at most a few
  std::size_t added_regions = 0;   // how many regions in all
  bool superset = false;           // the widened rules allow everything the input allowed
};

/// Widenings of `rules` (already minimized) that bring the `family` bucket to at most `budget`
/// rules (quota units), smallest exposure first. "addresses": for each service the CIDR list is
/// replaced by an optimal K-prefix cover, with the number of prefixes per service chosen to add the
/// fewest addresses x ports in all. "ports": on each CIDR, port ranges of one protocol are joined
/// across their smallest gaps. Empty when neither fits.
std::vector<WideningPlan> widening_plans(const std::vector<SgRule>& rules, Family family, int budget,
                                         const Snapshot* snapshot);

/// A split of one direction's rules into groups that together allow what it allows.
struct SplitPlan {
  std::vector<std::vector<SgRule>> parts;  // parts[0] stays in the group; the rest go to new groups
  std::vector<std::string> interfaces;     // interfaces that carry the group and must also get the new ones
  bool fits = true;                        // every such interface stays within the group limits
  std::string why;                         // when it does not fit
};

/// Splits the `family` bucket's rules into parts of at most `quota` rules (other rules stay in
/// part 0). Checks each interface carrying the group against 5 groups per interface and
/// quota x groups <= 1,000.
SplitPlan split_plan(const SecurityGroup& group, const std::vector<SgRule>& rules, Family family, int quota,
                     const Snapshot& snapshot);

}  // namespace sgopt
