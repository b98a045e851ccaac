// `query`: the decision of groups (their union, as on an interface that carries them all) or of a
// network ACL (first match) on one packet, and the rules that make it. Decided through the Z3
// encoding and checked against the reference evaluator before it is returned; changes nothing.
#pragma once

#include "model/packet.h"
#include "model/snapshot.h"

#include <string>
#include <vector>

namespace sgopt {

/// What to ask: the groups (their union) or one ACL, a direction and a packet.
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

struct PacketDecision {
  bool allowed = false;
  std::vector<MatchedRule> matched;    // groups: every matching rule, in group then rule order
  const NaclEntry* decider = nullptr;  // ACL: the entry that decides (null: the implicit deny)
};

/// Decides the packet. Throws std::invalid_argument for an id the snapshot lacks, a group or
/// prefix-list peer asked of an ACL, or a packet outside the protocol or port-key range; throws
/// std::logic_error when the Z3 encoding and the reference evaluator disagree (a bug to report).
PacketDecision decide_packet(const Snapshot& snapshot, const PacketQuery& query);

}  // namespace sgopt
