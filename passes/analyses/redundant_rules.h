// Exact, order-independent redundancy of security-group rules (one group, one direction).
#pragma once

#include "model/references.h"
#include "model/rule.h"
#include "solver/packet_set.h"

#include <optional>
#include <vector>

namespace sgopt {

/// One redundant rule: every packet it allows, the other rules allow too.
struct RuleRedundancy {
  std::size_t rule = 0;                     // index in the rule list
  std::optional<std::size_t> duplicate_of;  // another rule that allows exactly the same packets
  std::vector<std::size_t> cover;           // a small set of other rules whose union covers it
};

struct RedundancyAnalysis {
  std::vector<RuleRedundancy> redundant;  // in rule order
  std::vector<std::size_t> removable;     // one maximal set removable together, in rule order
};

/// The packets that at least two of the sets contain. A set is covered by the union of the others
/// exactly when it is inside this (each of its packets has a second owner).
PacketSet covered_twice(const std::vector<PacketSet>& sets);

/// Redundancy of a list of SG rules of one group and direction: which rules are covered by the
/// union of the others, what covers each, and one maximal set that can be removed together
/// (later rules are removed first, so that of two duplicates the first written stays). With
/// references open (the default) every claim holds for every membership: a reference rule is
/// redundant when CIDR rules cover both families on its services; resolved ones are their members.
RedundancyAnalysis analyze_redundancy(const std::vector<SgRule>& rules, const References* refs = nullptr);

}  // namespace sgopt
