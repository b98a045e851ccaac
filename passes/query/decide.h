// `query`: the decision of groups (their union, as on an interface that carries them all) or of a
// network ACL (first match) on one packet, and the rules that make it. Decided through the Z3
// encoding and checked against the reference evaluator before it is returned; changes nothing.
//
// References are judged as the snapshot's References say (model/references.h). In the open world
// a packet from an address that no CIDR rule allows may still be allowed if the address is a
// member of a referenced group (or an entry of a prefix list) a rule names: the decision is then
// Depends, with the references that would allow it.
#pragma once

#include "model/packet.h"
#include "model/snapshot.h"
#include "model/topology.h"

#include <optional>
#include <string>
#include <vector>

namespace sgopt {

/// What to ask: the groups (their union) or one ACL, a direction and a packet (with the
/// membership the user says its address has, if any).
struct PacketQuery {
  std::vector<std::string> groups;  // security group ids; empty when asking an ACL
  std::string acl;                  // network ACL id; empty when asking groups
  Direction direction = Direction::Ingress;
  Packet packet;
};

/// One rule that matches the packet.
struct MatchedRule {
  std::string group_id;
  const SgRule* rule = nullptr;  // points into the snapshot
};

enum class Decision { Allow, Deny, Depends };
const char* decision_name(Decision d);  // "allow", "deny", "depends"

/// Depends: the packet is allowed when its address is one of the reference's members.
struct Conditional {
  Membership member;
  std::vector<MatchedRule> matched;  // the rules that then match
};

struct PacketDecision {
  Decision decision = Decision::Deny;
  std::vector<MatchedRule> matched;     // groups: every matching rule, in group then rule order
  const NaclEntry* decider = nullptr;   // ACL: the entry that decides (null: the implicit deny)
  std::vector<Conditional> conditions;  // Depends: each open reference whose membership allows it
  /// Closed when the decision rests on resolved references' loaded members (an allow only
  /// through resolved references, or a deny or depends where rules name resolved ones).
  World world = World::Open;
  bool allowed() const { return decision == Decision::Allow; }
};

/// Decides the packet. Throws std::invalid_argument for an id the snapshot lacks, a membership
/// asked of an ACL, or a packet outside the protocol or port-key range; throws std::logic_error
/// when the Z3 encoding and the reference evaluator disagree (a bug to report).
PacketDecision decide_packet(const Snapshot& snapshot, const PacketQuery& query);

/// Client ports [lo, hi] whose reply one ACL entry (or the implicit deny) decides the same way.
struct ReplyPorts {
  int lo = 0;
  int hi = 0;
  NaclDecision acl;
};

/// The fate of one request at an interface, layer by layer, and of its reply.
struct InterfaceDecision {
  enum class Verdict {
    Answered,              // both layers accept it and every reply passes
    RepliesPartlyDropped,  // accepted, but the ACL drops the replies to some client ports
    RepliesDropped,        // accepted, but the ACL drops every reply
    Denied,                // a layer denies the request
    Unknown,               // a layer's answer depends on what is not loaded (ACL, group, membership)
  };
  Placement place;
  Direction direction = Direction::Ingress;
  Packet packet;
  EphemeralPorts ephemeral;  // the client ports judged (one port when client_port is given)
  std::optional<int> client_port;
  bool same_subnet = false;         // the peer is in the interface's subnet: no ACL is crossed
  std::optional<NaclDecision> acl;  // the request at the ACL; nullopt when same_subnet or no ACL known
  PacketDecision groups;            // the union of the interface's loaded groups
  bool reply_checked = false;       // the ACL judges a reply (not ICMP, not same subnet, ACL known)
  std::vector<ReplyPorts> replies;  // by client port, in order; one entry at port 0 for protocols without ports
  Verdict verdict = Verdict::Unknown;

  bool acl_known() const { return same_subnet || acl.has_value(); }
  bool acl_allows() const { return same_subnet || (acl && acl->allow); }
};
const char* verdict_name(InterfaceDecision::Verdict v);  // "answered", "replies-partly-dropped", ...

/// Decides a request at an interface: the ACL of its subnet, its groups (as decide_packet), and
/// the reply through the ACL's other direction to each client port of `ephemeral` (or to
/// `client_port`). Checked against the exact effective sets of solver/effective.h before it is
/// returned. Throws std::invalid_argument for an interface the snapshot lacks.
InterfaceDecision decide_on_interface(const Snapshot& snapshot, const std::string& interface_id, Direction direction,
                                      const Packet& packet, EphemeralPorts ephemeral,
                                      std::optional<int> client_port = std::nullopt);

}  // namespace sgopt
