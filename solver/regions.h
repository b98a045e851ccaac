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

/// An address interval of a range of peer kinds (memberships) of one family.
struct PeerRange {
  PeerKind kind_lo = kPeerIpv4, kind_hi = kPeerIpv4;
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

/// Who a region's packets come from, as people read it: addresses of one family (a minimal CIDR
/// list) whatever their membership, or except the members of some references, or only the
/// members of some references (open world, model/references.h).
struct PeerGroup {
  enum class Members { Any, NoneOf, Of };
  std::vector<Family> families;  // one family; both for members of a reference at every address
  std::vector<Cidr> cidrs;       // the addresses (both families' blocks when families has two)
  bool every_address = false;    // cidrs are the whole address space of the families
  Members members = Members::Any;
  std::vector<std::string> refs;  // NoneOf: not members of these; Of: members of these
};
const char* members_name(PeerGroup::Members m);  // "any", "none-of", "of"
/// The region's peers grouped by family, addresses and membership, in a stable order.
std::vector<PeerGroup> region_peer_groups(const Region& r, const PeerTable& peers);
/// One group as text: "10.0.0.0/8, 192.0.2.0/24", "IPv4 addresses outside 10.0.0.0/8 that are not
/// members of sg-2", "members of sg-2 reaching over IPv6", "members of sg-2".
std::string peer_group_text(const PeerGroup& g);
/// The region's peers as text, one string a group (see peer_group_text).
std::vector<std::string> region_peer_texts(const Region& r, const PeerTable& peers);
/// "tcp port 22", "tcp, udp ports 1024-65535", "icmp type 3 code 4", "all protocols", "protocol 50",
/// "all protocols except icmp, tcp, udp".
std::string region_traffic_text(const Region& r);
/// "tcp port 22 from 10.0.0.0/8, 2001:db8::/32, sg-1"
std::string region_text(const Region& r, const PeerTable& peers);

}  // namespace sgopt
