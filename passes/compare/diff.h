// `diff` compares two versions of groups, ACLs and interfaces: per direction the verdict
// (equivalent / tighter / looser / incomparable), the exact traffic gained and lost as regions with
// witnesses, and the proof obligations behind each claim. It reads the rules and changes nothing.
#pragma once

#include "model/network_acl.h"
#include "model/packet.h"
#include "model/references.h"
#include "model/snapshot.h"
#include "solver/packet_set.h"
#include "solver/regions.h"
#include "solver/rule_sets.h"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sgopt {

/// Unknown: the native engine's verdict could not be confirmed by Z3 (timeout or other reason).
enum class Verdict { Equivalent, Tighter, Looser, Incomparable, Unknown };
const char* verdict_name(Verdict v);  // "equivalent", "tighter", ...
/// The verdict the two differences imply: nothing gained and nothing lost is equivalent, etc.
Verdict verdict_of(bool gained_empty, bool lost_empty);

enum class Expectation { Equivalent, Tighter, Looser, TighterOrEqual };
std::optional<Expectation> parse_expectation(std::string_view text);
const char* expectation_name(Expectation e);  // "equivalent", "tighter", "looser", "tighter-or-equal"
/// True when the verdict satisfies the expectation. Unknown satisfies none; "tighter" and "looser"
/// mean strictly so.
bool meets(Verdict v, Expectation e);

enum class ResourceKind { Group, Acl, Interface };
const char* resource_kind_name(ResourceKind k);  // "security group", "network ACL", "network interface"

/// What one side allows in one direction: security-group rules (one group, or every group of an
/// interface together) or the entries of a network ACL (first match, sorted by rule number).
struct RuleList {
  bool is_nacl = false;
  std::vector<SgRule> rules;
  std::vector<NaclEntry> entries;
  /// What the rules' references stand for (model/references.h); null: open, of either family.
  std::shared_ptr<const References> refs;
  /// The interface view with both layers: the groups' rules allow a packet only when the subnet's
  /// network ACL lets it cross in that direction too, or its peer is inside the subnet (no ACL is
  /// crossed then).
  struct AclLayer {
    std::string acl_id;
    std::vector<NaclEntry> entries;  // the ACL's entries of the direction
    std::vector<Cidr> subnet;        // the subnet's blocks (none when describe-subnets is not loaded)
  };
  std::optional<AclLayer> acl;
  /// Values the input leaves open in this direction (model/rule.h).
  std::vector<Unresolved> unresolved{};
  /// Only some of the rules are known (SecurityGroup::partial): the rest is the same unknown
  /// rules on both sides.
  bool partial = false;
};
/// The reference evaluator's decision (model/packet.h).
bool list_allows(const RuleList& l, const Packet& p);
/// The native engine's allowed set.
PacketSet list_set(const RuleList& l, PeerTable& peers);

/// How a direction's claims are backed: not run (--no-prove), proved by Z3, identical (the two
/// lists are the same rules with references standing for the same, so equal by construction and
/// no solver is asked), or unknown (Z3 could not decide in time).
enum class ProofState { NotRun, Proved, Identical, Unknown };
const char* proof_state_name(ProofState s);  // "not run", "proved", "identical", "unknown"

/// One proof obligation as SMT-LIB2 text.
struct Smt2Obligation {
  std::string name;  // "equal", "new-within-old", "old-within-new", "gained-regions-exact", ...
  std::string text;
};

/// One direction of one compared pair.
struct DirectionDiff {
  Direction direction = Direction::Ingress;
  RuleList old_rules, new_rules;
  PacketSet gained, lost;  // new minus old (newly allowed), old minus new (no longer allowed)
  std::vector<Region> gained_regions, lost_regions;
  Verdict native = Verdict::Equivalent;  // the exact native engine's verdict
  bool identical = false;                // identical_lists: equal by construction, no sets built
  ProofState proof = ProofState::NotRun;
  std::string proof_note;  // why Z3 could not decide, when proof is Unknown
  /// Closed when either side's rules name a resolved reference: the verdict and regions then hold
  /// for the loaded members and rest on the snapshots being complete, and `open_world` is the
  /// same comparison for every membership.
  World world = World::Open;
  std::shared_ptr<DirectionDiff> open_world;
  /// With ProveOptions::smt2: each obligation behind the claims as SMT-LIB2 text, which a solver
  /// answers `unsat` exactly when the claim holds.
  std::vector<Smt2Obligation> smt2;
  /// Why the verdict is unknown whatever the engines say: values either side leaves open. The
  /// regions are then those of the known rules only.
  std::vector<std::string> unknown_because;
  std::vector<Location> unknown_at;  // where each of those values is, in order
  /// A side holds only some of its rules (RuleList::partial), or both sides leave the same value
  /// open (the same Unresolved::what, security groups only); the same unknown rules complete both
  /// sides, so the regions are what the change can gain or lose at most, and only "equivalent" and
  /// "tighter or equal" are certain of the whole (SG rules are a union).
  bool partial = false;

  /// The verdict to report: Unknown when Z3 was asked and could not confirm the native one, or
  /// when a value it depends on is unknown.
  Verdict verdict() const {
    return proof == ProofState::Unknown || !unknown_because.empty() ? Verdict::Unknown : native;
  }
};

/// True when the direction's verdict satisfies the expectation, counting what a partial
/// comparison can be certain of (DirectionDiff::partial).
bool meets(const DirectionDiff& d, Expectation e);

/// Compares what two rule lists allow, exactly, with the native engine (the lists are kept so
/// that the verdict can be proved and the witnesses checked). The world is closed when either
/// list's references resolve a reference its rules name.
DirectionDiff compare_rules(RuleList old_rules, RuleList new_rules, Direction d, PeerTable& peers);

/// True when the two lists are the same rules (SG: the same set of protocol, ports and peer;
/// ACL: the same entries in evaluation order) and every reference they name stands for the same
/// on both sides: what they allow is then equal by construction.
bool identical_lists(const RuleList& a, const RuleList& b);

/// Proves the claims behind each direction's verdict and regions with Z3, one direction per query
/// (measured fastest: one query for a whole account times out), on `threads` workers with a Z3
/// context and a copy of the peer table each (0: one per core): the verdict (equal, or one side
/// within the other) and that each region list is exactly its difference. A direction whose lists
/// are identical is marked Identical without a solver. Sets each proof state; a claim Z3
/// cannot decide within timeout_ms leaves that direction Unknown. Throws std::logic_error when Z3
/// refutes a claim (the two engines disagree, a bug to report).
void prove_directions(const std::vector<DirectionDiff*>& ds, const PeerTable& peers, unsigned timeout_ms,
                      unsigned threads = 0);
/// Each obligation of a direction as SMT-LIB2 text (Smt2Obligation).
std::vector<Smt2Obligation> smt2_obligations(const DirectionDiff& d, PeerTable& peers);
/// Checks with the reference evaluator that every region's witness is allowed on one side only
/// (the concrete proof of every "gained"/"lost" claim). Throws std::logic_error otherwise.
void check_witnesses(const DirectionDiff& d, const PeerTable& peers);

/// One compared pair (or one unmatched resource, compared with one that allows nothing).
struct ResourceDiff {
  ResourceKind kind = ResourceKind::Group;
  std::string old_id, new_id;  // empty on the side that lacks it
  std::string name;            // group name or Name tag, when there is one
  Location where;              // the resource in the new side's input (the old side's when removed)
  /// Counts for the exit status. False for a group carried by interfaces that are compared:
  /// traffic sees the union of an interface's groups, so that is what is judged.
  bool judged = true;
  /// Interface view: the ACL each side places the interface behind, when both layers are judged
  /// (the union of its groups and its subnet's ACL together); empty when only the groups are.
  std::string old_acl, new_acl;
  std::vector<DirectionDiff> directions;  // ingress, egress

  bool added() const { return old_id.empty(); }
  bool removed() const { return new_id.empty(); }
  /// "sg-1", or "sg-1 -> sg-2" when the two sides' ids differ.
  std::string label() const;
};

enum class MatchBy { Id, Name };

struct DiffOptions {
  MatchBy match = MatchBy::Id;
  std::string left, right;       // both set: compare only these two resources
  bool interfaces = true;        // add the interface view when both sides carry network interfaces
  bool only_interfaces = false;  // compare the interfaces alone, not the groups and ACLs on their own
  /// In the interface view, judge both layers (the subnet's ACL with the groups) when both sides
  /// place the interface behind a loaded ACL.
  bool both_layers = true;
};

struct DiffReport {
  std::vector<ResourceDiff> resources;  // groups, then ACLs, then interfaces, each in input order
  std::vector<std::string> notes;       // what could not be compared, and why
  PeerTable peers;                      // the symbolic peers the regions name
};

/// Pairs the resources of two snapshots and compares each pair with the native engine. Throws
/// std::invalid_argument for an unknown --left/--right id, kinds that differ, or a name that
/// matches several resources on one side.
DiffReport diff_snapshots(const Snapshot& old_s, const Snapshot& new_s, const DiffOptions& opts);

/// How `diff_and_prove` backs the native verdicts.
struct ProveOptions {
  bool prove = true;            // Z3 proves every universal claim
  unsigned timeout_ms = 10000;  // per Z3 query
  bool smt2 = false;            // keep every obligation as SMT-LIB2 text (DirectionDiff::smt2)
  unsigned threads = 0;         // proof workers (0: one per core)
};

/// The driver of `sgopt diff`: pairs and compares (diff_snapshots), proves the claims with Z3
/// (prove_directions) unless told not to, checks every witness with the reference evaluator, and
/// keeps the SMT-LIB2 obligations when asked.
DiffReport diff_and_prove(const Snapshot& old_s, const Snapshot& new_s, const DiffOptions& opts,
                          const ProveOptions& prove);

}  // namespace sgopt
