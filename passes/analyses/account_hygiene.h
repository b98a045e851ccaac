// Account-wide hygiene facts that the hygiene pass reports and `sgopt cleanup` plans from: which
// groups are in use, referenced only or unused; which groups of a VPC allow exactly the same
// traffic (duplicates) or strictly less than another group on the same interfaces (tighter
// duplicates); and how close each interface is to its quotas.
//
// Duplicates are judged in the open world (model/references.h): equal for every membership of the
// groups and prefix lists they name, a group's references to itself read as "the group itself", so
// two groups that each allow their own members compare equal. Usage rests on the loaded interfaces
// and launch data being all there are.
#pragma once

#include "model/packet.h"
#include "model/snapshot.h"
#include "solver/packet_set.h"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace sgopt {

struct AnalysisOptions;

enum class GroupUse { InUse, ReferencedOnly, Unused };
const char* group_use_name(GroupUse u);  // "in use", "referenced only", "unused"

/// One rule of a group.
struct RuleAt {
  const SecurityGroup* group = nullptr;
  Direction direction = Direction::Ingress;
  std::size_t index = 0;
  const SgRule& rule() const { return group->rules(direction)[index]; }
};

struct GroupUsage {
  GroupUse use = GroupUse::Unused;
  std::vector<const NetworkInterface*> interfaces;  // that carry it, in input order
  std::vector<const GroupConsumer*> consumers;      // launch templates and configurations naming it
  std::vector<RuleAt> referrers;                    // rules of other groups that name it
};

/// Groups of one VPC that allow exactly the same traffic in both directions.
struct DuplicateClass {
  /// The one to keep first (the default group, else most interfaces and launch data, else the
  /// smallest id), then the others by id.
  std::vector<const SecurityGroup*> members;
};

/// A group that allows strictly less than another one that every interface carrying it carries too.
struct TighterGroup {
  const SecurityGroup* tighter = nullptr;
  const SecurityGroup* looser = nullptr;
  Direction direction = Direction::Ingress;  // where the looser group allows more
  Packet witness;                            // a packet the looser group allows and the tighter does not
};

/// An interface within 10 % of a quota: groups per interface, or the rules x groups product cap.
struct InterfaceLoad {
  const NetworkInterface* eni = nullptr;
  int groups = 0;                 // groups it carries
  int groups_limit = 5;           // the groups-per-interface quota assumed
  int largest_bucket = 0;         // most rules any of its groups has in one bucket (quota weight)
  std::string largest_bucket_of;  // "sg-1 ingress/IPv4"
  bool near_groups = false;       // groups >= 90 % of groups_limit
  bool near_product = false;      // groups x largest_bucket >= 900 of the 1,000 cap
};

/// Quota facts of the interface quotas (AWS-SEMANTICS.md 1).
inline constexpr int kDefaultGroupsPerInterface = 5;
inline constexpr int kMaxGroupsPerInterface = 16;
inline constexpr int kRulesTimesGroupsCap = 1000;

/// The group with its references to itself read as "the group itself" (a token no real id has),
/// so that two groups compare as templates.
std::vector<SgRule> rules_as_template(const SecurityGroup& g, Direction d);
/// The token that stands for "the group itself" in rules_as_template.
extern const char* const kSelfToken;

class AccountHygiene {
 public:
  /// `threads` workers build the groups' packet sets (0: one per core); the result never depends on it.
  AccountHygiene(const Snapshot& snapshot, const AnalysisOptions& options, unsigned threads = 0);

  const Snapshot& snapshot() const { return snapshot_; }
  /// Usage is known only when describe-network-interfaces was loaded.
  bool usage_known() const { return !snapshot_.interfaces.empty(); }
  const GroupUsage& usage(const SecurityGroup& g) const;
  /// The duplicate class of the group, if it has one.
  const DuplicateClass* duplicates(const SecurityGroup& g) const;
  const std::vector<DuplicateClass>& duplicate_classes() const { return classes_; }
  /// The groups strictly looser than `g` on every interface carrying it (g the tighter).
  std::vector<const TighterGroup*> tighter(const SecurityGroup& g) const;
  const std::vector<TighterGroup>& tighter_groups() const { return tighter_; }
  /// Interfaces near a quota whose first loaded group is `g` (each interface reported once).
  std::vector<const InterfaceLoad*> loads_reported_with(const SecurityGroup& g) const;
  const std::vector<InterfaceLoad>& loads() const { return loads_; }
  /// Interfaces and launch data carrying or naming the group.
  std::size_t attachments(const SecurityGroup& g) const;

 private:
  struct GroupSets {
    PacketSet in, out;
    const PacketSet& of(Direction d) const { return d == Direction::Ingress ? in : out; }
  };
  std::size_t index_of(const SecurityGroup& g) const;
  void find_usage();
  void find_tighter_candidates();
  void build_sets(unsigned threads);
  GroupSets sets_of(std::size_t group, PeerTable& peers) const;
  void find_duplicates();
  void find_tighter(unsigned threads);
  void find_loads(int groups_limit);

  const Snapshot& snapshot_;
  std::vector<GroupUsage> usage_;        // by group index
  std::vector<DuplicateClass> classes_;  // in order of their first member in the input
  std::vector<int> class_of_;            // by group index, -1 when none
  std::vector<TighterGroup> tighter_;
  std::vector<std::vector<std::size_t>> tighter_of_;  // by group index
  std::vector<InterfaceLoad> loads_;
  std::vector<std::vector<std::size_t>> loads_of_;  // by group index
  // While the facts are found: every reference of every group interned up front, so that workers
  // with copies of the table give equal sets equal kinds; each group's fingerprint; and the pairs
  // the tighter search compares (tighter candidate, looser candidate), by candidate.
  PeerTable peers_;
  std::vector<std::size_t> hash_;
  std::vector<std::pair<std::size_t, std::size_t>> candidates_;
};

}  // namespace sgopt
