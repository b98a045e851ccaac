// Referenced groups and prefix lists as the address sets they are (AWS-SEMANTICS.md 2.3): a rule
// naming sg-B matches traffic from the private IPv4 and IPv6 addresses (and delegated prefixes) of
// the interfaces that carry sg-B, not sg-B's rules; a prefix-list rule matches the list's entries.
// Those packets are ordinary address packets, so a CIDR rule matches them too.
//
// Open world (nothing about the members is loaded). A packet has a family, an address and possibly
// membership in referenced groups or prefix lists, and a claim (equivalent, tighter, looser,
// redundant, optimal, covered, exposed) is made only when it holds for every possible membership.
// Packets with no membership and with exactly one are enough to decide each claim: a security
// group direction allows a packet when its address matches a CIDR rule or one of its memberships
// matches a reference rule, so the allowed set for memberships M is the union, over m in M, of the
// sets for {m} (and for none). "A within B for every membership" therefore holds exactly when it
// holds for no membership and for each single one: a packet of A with memberships M is in A for
// none or for some single m in M, hence in B for it, hence in B for M. Equality is two inclusions,
// and every other claim reduces to inclusions and emptiness the same way (a set is empty for
// every membership when it is empty for the single ones). Network ACLs match addresses only.
//
// Closed world (--references resolve, the default when the input holds the members): a group is
// its members' addresses from describe-network-interfaces, a prefix list its loaded entries, and
// every claim that depends on that says it rests on the snapshot being complete. A reference to a
// group no loaded input defines, one describe-stale-security-groups lists, or one behind a peering
// that is not active is stale: it is reported, and stays open in every claim.
#pragma once

#include "model/ip.h"
#include "model/rule.h"

#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace sgopt {

struct Snapshot;

enum class ReferenceMode { Open, Resolve };
const char* reference_mode_name(ReferenceMode m);  // "open", "resolve"

/// Whether a claim holds for every membership or rests on the loaded members.
enum class World { Open, Closed };
const char* world_name(World w);  // "open", "closed"

/// What one referenced group or prefix list stands for.
struct ReferenceInfo {
  PeerType type = PeerType::Group;  // Group or PrefixList
  std::string id;
  bool resolved = false;         // closed world: `addresses` are all its members
  std::vector<Cidr> addresses;   // resolved: member addresses (/32, /128), delegated prefixes, or entries
  std::optional<Family> family;  // a prefix list's AddressFamily, when known
  std::size_t interfaces = 0;    // resolved group: how many interfaces carry it
  bool stale = false;
  std::string stale_why;  // "no loaded input defines it", "describe-stale-security-groups lists it", ...
  bool severe = false;    // stale for certain (listed stale, or its peering is not active)
  std::string open_why;   // why an unresolved reference stays open

  /// "sg-2: 3 addresses on 3 interfaces", "pl-1: not resolved, no entries loaded".
  std::string note() const;
};

/// The references of a snapshot's rules and what each stands for.
class References {
 public:
  /// Every group and prefix list the snapshot's rules name, in first-reference order; in Resolve
  /// mode a group with describe-network-interfaces loaded resolves to its members, a prefix list
  /// with its entries loaded to them.
  static References of(const Snapshot& snapshot, ReferenceMode mode);

  /// The reference, or null when no rule names it (then it is open, of either family).
  const ReferenceInfo* find(PeerType type, const std::string& id) const;
  /// The reference a rule's peer names, when it is resolved (closed world); else null.
  const ReferenceInfo* resolved(const Peer& peer) const;
  const std::vector<ReferenceInfo>& all() const { return infos_; }
  bool any_resolved() const;
  ReferenceMode mode() const { return mode_; }
  /// The same references with nothing resolved (the open world), keeping what is known of each
  /// (prefix-list families, staleness).
  References open() const;
  /// The same references, only those the peers name.
  References only(const std::vector<Peer>& peers) const;

 private:
  std::vector<ReferenceInfo> infos_;
  std::unordered_map<std::string, std::size_t> index_;  // "type:id"
  ReferenceMode mode_ = ReferenceMode::Open;
};

}  // namespace sgopt
