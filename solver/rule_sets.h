// Rules, groups and ACLs as exact packet sets (the native engine's view of the model). A CIDR rule
// is one box over every membership of its family; a reference the References resolve is the boxes
// of its members' addresses (closed world); an open one the kinds of its members (open world,
// model/references.h), of both families unless it is a prefix list of known family.
#pragma once

#include "model/network_acl.h"
#include "model/references.h"
#include "model/security_group.h"
#include "solver/packet_set.h"

#include <vector>

namespace sgopt {

/// The boxes one SG rule matches (open references get member ids from the table).
std::vector<Box> rule_boxes(const SgRule& rule, PeerTable& peers, const References* refs = nullptr);
/// The box one NACL entry matches.
Box entry_box(const NaclEntry& entry);
/// Everything one rule allows.
PacketSet rule_set(const SgRule& rule, PeerTable& peers, const References* refs = nullptr);
/// The membership a box of rule_boxes is limited to: an open reference's member id, or kNoMember
/// for a box of addresses (which holds every membership alike).
PeerKind box_member(const Box& b);
/// The box at its family's no-membership kind: an address box's no-membership slice, or an open
/// reference's packets in the shape of address packets.
Box as_address_box(Box b);
/// Everything a list of SG rules allows together (their union).
PacketSet sg_set(const std::vector<SgRule>& rules, PeerTable& peers, const References* refs = nullptr);
/// What a list of SG rules allows packets with no membership (the no-membership slice of sg_set):
/// the traffic it allows whoever the members of its open references are. Cheaper than sg_set when
/// rules name open references, as no member's packets are built.
PacketSet sg_address_set(const std::vector<SgRule>& rules, const References* refs = nullptr);
/// Whether two rule lists allow exactly the same packets, for every membership (sg_set(a) ==
/// sg_set(b)), judged slice by slice without building the sets of every membership.
bool sg_equivalent(const std::vector<SgRule>& a, const std::vector<SgRule>& b, const References* refs = nullptr);
/// The no-membership slice of rule_set.
PacketSet rule_address_set(const SgRule& rule, const References* refs = nullptr);
/// What each entry of a NACL direction decides under first match (entries sorted by rule number):
/// the packets it matches that no earlier entry matches.
std::vector<PacketSet> nacl_decided_sets(const std::vector<NaclEntry>& entries);
/// Everything a NACL direction allows under first-match order (entries sorted by rule number).
PacketSet nacl_allowed_set(const std::vector<NaclEntry>& entries);

}  // namespace sgopt
