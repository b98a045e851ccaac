// Rules, groups and ACLs as exact packet sets.
#include "solver/rule_sets.h"

#include "model/match.h"

namespace sgopt {

Box rule_box(const SgRule& rule, PeerTable& peers) {
  MatchBox m = sg_rule_match(rule);
  PeerKind k = peers.kind_of(rule.peer);
  Box b{k, 0, 0, m.proto_lo, m.proto_hi, m.port_lo, m.port_hi};
  if (rule.peer.is_cidr()) {
    b.addr_lo = rule.peer.cidr.first();
    b.addr_hi = rule.peer.cidr.last();
  }
  return b;
}

Box entry_box(const NaclEntry& e) {
  MatchBox m = nacl_entry_match(e);
  PeerKind k = e.cidr.family == Family::V4 ? kPeerIpv4 : kPeerIpv6;
  return Box{k, e.cidr.first(), e.cidr.last(), m.proto_lo, m.proto_hi, m.port_lo, m.port_hi};
}

PacketSet rule_set(const SgRule& rule, PeerTable& peers) { return PacketSet::from_box(rule_box(rule, peers)); }

PacketSet sg_set(const std::vector<SgRule>& rules, PeerTable& peers) {
  std::vector<Box> boxes;
  boxes.reserve(rules.size());
  for (const auto& r : rules) boxes.push_back(rule_box(r, peers));
  return PacketSet::from_boxes(boxes);
}

PacketSet nacl_allowed_set(const std::vector<NaclEntry>& entries) {
  // First match: walk in rule-number order, keeping what earlier entries already decided.
  PacketSet decided, allowed;
  for (const auto& e : entries) {
    PacketSet here = PacketSet::from_box(entry_box(e)).subtract(decided);
    if (here.empty()) continue;
    if (e.allow) allowed = allowed.unite(here);
    decided = decided.unite(here);
  }
  return allowed;
}

}  // namespace sgopt
