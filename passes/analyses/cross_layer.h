// What the cross-layer passes share (return-path-blocked, dead-group-rule, effective-exposure,
// acl-allows-what-no-group-uses): the interfaces behind an ACL grouped by what they carry, and
// the texts of their claims.
#pragma once

#include "model/topology.h"
#include "solver/packet_set.h"

#include <string>
#include <vector>

namespace sgopt {

/// Interfaces of one subnet that carry the same groups in the same order: their two layers are
/// the same, so one computation and one finding speak for all of them.
struct InterfaceProfile {
  Placement place;  // of the first interface
  std::vector<std::string> interfaces;
  std::vector<const NetworkInterface*> enis;  // the same interfaces
};
/// The profiles of the interfaces behind the ACL, in order of first appearance.
std::vector<InterfaceProfile> profiles_behind(const Snapshot& snapshot, const NetworkAcl& acl);

/// The packets of the set with no membership, of both families: what it holds whoever the members
/// of open references are.
PacketSet address_packets(const PacketSet& set);
/// "eni-1" or "3 interfaces (eni-1, eni-2, eni-3)" (at most 5 named).
std::string interfaces_text(const std::vector<std::string>& ids);
/// The exact regions of a set of address packets (address_packets) as text, at most `max` of them
/// (a last line counts the rest). They read as addresses, whoever their members are: "tcp port 22
/// from IPv4 addresses outside 10.0.2.0/24", never "... that are not members of sg-1"; peers are
/// "from" for ingress and "to" for egress.
std::vector<std::string> region_texts(const PacketSet& set, Direction d, std::size_t max = 12);
/// The same, each region followed by its exact size: "tcp port 443 from ... (3702258688 packets
/// from 3702258688 addresses)".
std::vector<std::string> counted_region_texts(const PacketSet& set, Direction d, std::size_t max = 12);
/// The port ranges of a set of tcp/udp packets ("1024-32767, 40000"); "no port" for other
/// protocols.
std::string port_ranges_text(const PacketSet& set);
/// What the ACL lets cross in direction d (address packets, not ICMP) that no interface of the
/// profiles uses: no rule of its groups allows it for any membership (an open reference's members
/// may be at any address), and it is no reply, to a port of `ephemeral`, of a request the
/// interface's ACL and groups accept in the other direction.
PacketSet acl_unused(const NetworkAcl& acl, const std::vector<InterfaceProfile>& profiles, Direction d,
                     EphemeralPorts ephemeral, PeerTable& peers, const References* refs);
/// What a cross-layer claim assumes about the interfaces' placement.
std::vector<std::string> placement_assumptions(const Placement& place);
/// Adds what the claim assumes about the placement to `out`, each assumption once.
void add_placement_assumptions(const Placement& place, std::vector<std::string>& out);

}  // namespace sgopt
