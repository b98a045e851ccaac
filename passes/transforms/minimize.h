// Minimization (a transform): rewrites each security-group direction into an equivalent rule set
// with as few rules as AWS counts against quota, and each NACL direction into fewer entries with
// the same first-match decisions. Sound rewrites only: redundant rules go, CIDRs aggregate exactly,
// port ranges merge, "-1" replaces all protocols, and a joint choice over ports x addresses (a set
// cover over maximal rule boxes) picks the rules. References and prefix lists stay references (a
// reference rule is dropped when CIDR rules cover its services on both families, and its services
// are minimized); every claim holds for every membership (model/references.h). Every result is
// proven equal to its input (native engine, and Z3 when asked) before it is used.
#pragma once

#include "model/snapshot.h"
#include "solver/packet_set.h"
#include "solver/proof_session.h"

#include <array>
#include <string>
#include <vector>

namespace sgopt {

/// The fewest CIDR rules (boxes of one CIDR x one AWS service) whose union is exactly the address
/// packets (no membership) of one family in `set`. `lower_bound` is a proven bound on any such list
/// (a fooling set: points no single rule can hold together); `exact` says the search proved `boxes`
/// minimal. Boxes in `preferred` (rules the user already has) win ties.
struct RuleCover {
  std::vector<Box> boxes;
  int lower_bound = 0;
  bool exact = false;
};
RuleCover min_rule_cover(const PacketSet& set, Family family, const std::vector<Box>& preferred = {});

/// The SG rule (a CIDR peer) that matches exactly `box` (a box min_rule_cover returned).
SgRule rule_for_box(const Box& box);

/// About two seconds of Z3 on this project's reference machine (a 2-core x86-64).
inline constexpr unsigned kDefaultProofWork = 5'000'000;

struct MinimizeOptions {
  bool prove_with_z3 = true;  // also require Z3's proof of equivalence
  /// Z3's work budget per group and direction (its rlimit: the same on every machine, so the same
  /// input gives the same output); z3_timeout_ms is only a last guard, reported when it stops a
  /// proof.
  unsigned z3_work_units = kDefaultProofWork;
  unsigned z3_timeout_ms = 60000;
  /// The Z3 context to prove in (one per thread); null: a fresh one for each proof.
  ProofSession* session = nullptr;
};

/// Rules per quota bucket (one family) before and after, and a lower bound on any equivalent set.
struct BucketCount {
  int before = 0;
  int after = 0;
  int lower_bound = 0;
  bool optimal() const { return after <= lower_bound; }
};

/// How the proof of one rewrite went.
enum class Proof { Unchanged, Proved, NativeOnly, Failed };
const char* proof_name(Proof p);

struct MinimizedRules {
  std::vector<SgRule> rules;           // equivalent to the input (the input itself when unchanged)
  std::array<BucketCount, 2> buckets;  // by Family: IPv4, IPv6
  bool changed = false;
  Proof proof = Proof::Unchanged;
  std::string note;  // why the input was kept, when a rewrite was not proven
};

/// Minimizes one direction of one group. `snapshot` (may be null) gives prefix-list weights;
/// `group_id` becomes the resource of new rules.
MinimizedRules minimize_sg_rules(const std::vector<SgRule>& rules, const std::string& group_id,
                                 const Snapshot* snapshot, const MinimizeOptions& options = {});

/// "merged: tcp 80 10.0.0.0/25; tcp 80 10.0.0.128/25" within AWS's 255 characters and allowed
/// character set (a-zA-Z0-9 space ._-:/()#,@[]+=&;{}!$*).
std::string merged_description(const std::vector<const SgRule*>& replaced);

struct MinimizedEntries {
  std::vector<NaclEntry> entries;  // same decisions as the input, renumbered with gaps
  int before = 0;
  int after = 0;
  bool changed = false;
  Proof proof = Proof::Unchanged;
  std::string note;
};

/// One NACL direction (entries sorted by rule number): drops entries whose removal changes no
/// decision, joins two entries into one where first-match order allows, and renumbers the rest
/// 100, 200, ... (closer when needed to stay below 32767). Default denies are kept as they are.
MinimizedEntries minimize_nacl_entries(const std::vector<NaclEntry>& entries, const MinimizeOptions& options = {});

}  // namespace sgopt
