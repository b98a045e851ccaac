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

}  // namespace sgopt
