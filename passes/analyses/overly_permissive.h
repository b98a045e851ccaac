// Exposure of rule sets to the internet, judged on what all rules allow together (union for
// security groups, first match for network ACLs), exactly. Exposure is a claim that traffic is
// allowed, so it is judged on address packets with no membership: what is allowed whoever the
// members of referenced groups are (a group reference never opens anything to the internet in the
// open world; a resolved prefix list holding 0.0.0.0/0 does).
#pragma once

#include "model/ip.h"
#include "model/match.h"
#include "solver/packet_set.h"

#include <vector>

namespace sgopt {

/// A service: (protocol, port key) boxes, for every address.
using Service = std::vector<MatchBox>;
/// tcp and udp on each of the ports.
Service tcp_udp_ports(const std::vector<int>& ports);

/// Every address packet (no membership) of the family inside the service.
PacketSet family_region(Family f, const Service& service);
/// The public address space of a family, for every protocol and port: IPv4 without the
/// special-purpose blocks of RFC 6890 (private, loopback, link-local, shared, documentation,
/// multicast, reserved); IPv6 global unicast 2000::/3.
PacketSet public_region(Family f);
/// The part of `allowed` open to every address of the family inside the service: the union of the
/// (protocol, port key) lines that `allowed` contains for every address.
PacketSet open_to_everyone(const PacketSet& allowed, Family f, const Service& service);
/// Number of distinct peer addresses in the set.
BigCount address_count(const PacketSet& s);
/// The tcp/udp parts of `allowed` whose port ranges are wider than `max_ports` (all ports
/// excepted), as disjoint boxes.
std::vector<Box> wide_port_ranges(const PacketSet& allowed, Family f, int max_ports);

/// Security Hub EC2.19's high-risk ports (AWS-SEMANTICS.md 6.2).
const std::vector<int>& ec2_19_ports();

}  // namespace sgopt
