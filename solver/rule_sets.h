// Rules, groups and ACLs as exact packet sets (the native engine's view of the model).
#pragma once

#include "model/network_acl.h"
#include "model/security_group.h"
#include "solver/packet_set.h"

#include <vector>

namespace sgopt {

/// The box one SG rule matches (peer kind from the table).
Box rule_box(const SgRule& rule, PeerTable& peers);
/// The box one NACL entry matches.
Box entry_box(const NaclEntry& entry);
/// Everything one rule allows.
PacketSet rule_set(const SgRule& rule, PeerTable& peers);
/// Everything a list of SG rules allows together (their union).
PacketSet sg_set(const std::vector<SgRule>& rules, PeerTable& peers);
/// What each entry of a NACL direction decides under first match (entries sorted by rule number):
/// the packets it matches that no earlier entry matches.
std::vector<PacketSet> nacl_decided_sets(const std::vector<NaclEntry>& entries);
/// Everything a NACL direction allows under first-match order (entries sorted by rule number).
PacketSet nacl_allowed_set(const std::vector<NaclEntry>& entries);

}  // namespace sgopt
