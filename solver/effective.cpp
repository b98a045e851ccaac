// The effective policy of an interface (solver/effective.h).
#include "solver/effective.h"

#include "model/protocol.h"
#include "solver/rule_sets.h"

#include <vector>

namespace sgopt {

namespace {

/// Calls f(lo, hi) for the parts of [lo, hi] split so that tcp, udp, icmp and icmpv6 stand alone.
template <class F>
void split_protocols(int lo, int hi, F f) {
  int start = lo;
  for (int p : {kIcmp, kTcp, kUdp, kIcmpv6}) {
    if (p < start || p > hi) continue;
    if (start < p) f(start, p - 1);
    f(p, p);
    start = p + 1;
  }
  if (start <= hi) f(start, hi);
}

}  // namespace

PacketSet same_subnet_set(const Placement& place) {
  std::vector<Box> boxes;
  if (place.subnet)
    for (const Cidr& c : place.subnet->cidrs) boxes.push_back(address_box(c.family, c.first(), c.last()));
  return PacketSet::from_boxes(boxes);
}

PacketSet replies_of(const PacketSet& requests, EphemeralPorts ephemeral) {
  std::vector<Box> out;
  for (const Box& b : requests.boxes())
    split_protocols(b.proto_lo, b.proto_hi, [&](int lo, int hi) {
      if (is_icmp_protocol(lo)) return;
      Box r = b;
      r.proto_lo = lo;
      r.proto_hi = hi;
      // tcp/udp: the client's ports; any other protocol has only port key 0 in the domain.
      r.port_lo = is_port_protocol(lo) ? ephemeral.lo : 0;
      r.port_hi = is_port_protocol(lo) ? ephemeral.hi : 65535;
      out.push_back(r);
    });
  return PacketSet::from_boxes(out);
}

PacketSet requests_answered_by(const PacketSet& requests, const PacketSet& replies) {
  std::vector<Box> peers_and_protocols;
  for (Box b : replies.boxes()) {
    b.port_lo = 0;
    b.port_hi = 65535;
    peers_and_protocols.push_back(b);
  }
  return requests.intersect(PacketSet::from_boxes(peers_and_protocols));
}

EffectiveDirection effective_direction(const Placement& place, Direction direction, EphemeralPorts ephemeral,
                                       PeerTable& peers, const References* refs) {
  EffectiveDirection e;
  e.direction = direction;
  Direction back = direction == Direction::Ingress ? Direction::Egress : Direction::Ingress;
  std::vector<PacketSet> groups;
  for (const SecurityGroup* g : place.groups) groups.push_back(sg_set(g->rules(direction), peers, refs));
  e.groups = PacketSet::unite_all(std::move(groups));
  PacketSet inside = same_subnet_set(place);
  e.acl = nacl_allowed_set(place.acl->entries(direction)).unite(inside);
  e.accepted = e.groups.intersect(e.acl);
  e.replies = replies_of(e.accepted, ephemeral);
  e.acl_back = nacl_allowed_set(place.acl->entries(back)).unite(inside);
  e.dropped_replies = e.replies.subtract(e.acl_back);
  return e;
}

}  // namespace sgopt
