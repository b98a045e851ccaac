// The effective policy of an interface as exact packet sets: what its subnet's network ACL and
// its groups accept together, and which replies of accepted requests the stateless ACL drops
// (model/topology.h has the same reading for one flow, written the obvious way).
//
// Packets are the requests as the interface sees them (model/packet.h): for Ingress the peer is
// the source and the port key the interface's service port; for Egress the peer is the
// destination and the port key the peer's port. A reply goes to the same peer and protocol, to
// the client's ephemeral port for tcp/udp (the peer's for Ingress, the interface's own for
// Egress) and with no port for protocols without one; replies of ICMP are not judged.
#pragma once

#include "model/topology.h"
#include "solver/packet_set.h"

namespace sgopt {

struct EffectiveDirection {
  Direction direction = Direction::Ingress;
  PacketSet groups;           // what the union of the interface's groups allows
  PacketSet acl;              // what may cross the subnet's boundary: the ACL's entries, or the same subnet
  PacketSet accepted;         // groups and acl: requests that reach the interface (or leave it)
  PacketSet replies;          // the replies of accepted requests (not ICMP)
  PacketSet acl_back;         // what the other ACL direction lets through, or the same subnet
  PacketSet dropped_replies;  // replies the other ACL direction drops
};

/// Every packet whose peer is inside the interface's subnet (none when the subnet is not loaded).
PacketSet same_subnet_set(const Placement& place);
/// The replies of the requests: for each (peer, protocol) with a request, the protocol's replies
/// to that peer: tcp/udp at every port of `ephemeral`, protocols without ports at no port, ICMP none.
PacketSet replies_of(const PacketSet& requests, EphemeralPorts ephemeral);
/// The requests whose (peer, protocol) has a reply in `replies`.
PacketSet requests_answered_by(const PacketSet& requests, const PacketSet& replies);
/// Both layers of one direction (needs place.acl). The groups' references are judged with `refs`
/// and interned in `peers`, like every other set of the run.
EffectiveDirection effective_direction(const Placement& place, Direction direction, EphemeralPorts ephemeral,
                                       PeerTable& peers, const References* refs = nullptr);

}  // namespace sgopt
