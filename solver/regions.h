// Readable regions of a packet set: a short list of (protocols, port keys, peers) blocks whose union
// is exactly the set, with exact counts and a witness packet each. Used by `diff` to describe what a
// change gains and loses, and by `minimize` to describe the traffic a widening plan adds.
#pragma once

#include "model/ip.h"
#include "model/packet.h"
#include "solver/packet_set.h"

#include <string>
#include <vector>

namespace sgopt {

/// One address interval of one peer kind (a single point 0..0 for a symbolic peer).
struct PeerRange {
  PeerKind kind = kPeerIpv4;
  u128 lo = 0, hi = 0;
  bool operator==(const PeerRange&) const = default;
};

/// An inclusive range of IANA protocol numbers.
struct ProtoRange {
  int lo = 0, hi = 255;
  bool operator==(const ProtoRange&) const = default;
};

/// Every packet whose protocol lies in one of `protocols`, port key in port_lo..port_hi (0..65535
/// means every key, and for protocols without ports their only key 0) and peer in one of `peers`.
/// A region with a narrower key range holds only tcp and udp, or a single icmp/icmpv6.
struct Region {
  std::vector<ProtoRange> protocols;  // sorted, disjoint, never adjacent
  int port_lo = 0, port_hi = 65535;
  std::vector<PeerRange> peers;  // sorted by kind and address, adjacent intervals merged
  bool operator==(const Region&) const = default;
};

/// A short list of regions whose union is exactly `set` (regions may overlap). Deterministic: the
/// same set always gives the same list, ordered by protocol, port key and peers.
std::vector<Region> regions_of(const PacketSet& set);
/// One box per peer range; their union (within the packet domain) is the region.
std::vector<Box> region_boxes(const Region& r);
/// The packets of a region, exactly (intersected with the packet domain).
PacketSet region_set(const Region& r);
/// The union of the regions' packets.
PacketSet regions_set(const std::vector<Region>& regions);
/// One packet of the region: its first peer's first address, tcp (else udp, else the lowest
/// protocol) when the region allows it, and its lowest port key.
Packet region_witness(const Region& r, const PeerTable& peers);

/// The smallest list of CIDR blocks that covers exactly lo..hi.
std::vector<Cidr> range_cidrs(Family family, u128 lo, u128 hi);
/// The region's peers as text: minimal CIDR lists for address ranges, the id for references.
std::vector<std::string> region_peer_texts(const Region& r, const PeerTable& peers);
/// "tcp port 22", "tcp, udp ports 1024-65535", "icmp type 3 code 4", "all protocols", "protocol 50",
/// "all protocols except icmp, tcp, udp".
std::string region_traffic_text(const Region& r);
/// "tcp port 22 from 10.0.0.0/8, 2001:db8::/32, sg-1"
std::string region_text(const Region& r, const PeerTable& peers);

}  // namespace sgopt
