// Rules, groups and ACLs as exact packet sets.
#include "solver/rule_sets.h"

#include "model/match.h"
#include "solver/coverage.h"

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
  PeerKind k = peer_kind_of(e.cidr.family);
  return Box{k, e.cidr.first(), e.cidr.last(), m.proto_lo, m.proto_hi, m.port_lo, m.port_hi};
}

PacketSet rule_set(const SgRule& rule, PeerTable& peers) { return PacketSet::from_box(rule_box(rule, peers)); }

PacketSet sg_set(const std::vector<SgRule>& rules, PeerTable& peers) {
  std::vector<Box> boxes;
  boxes.reserve(rules.size());
  for (const auto& r : rules) boxes.push_back(rule_box(r, peers));
  return PacketSet::from_boxes(boxes);
}

std::vector<PacketSet> nacl_decided_sets(const std::vector<NaclEntry>& entries) {
  // First match: walk in rule-number order, keeping what earlier entries already decided.
  std::vector<PacketSet> out;
  out.reserve(entries.size());
  PacketSet decided;
  for (const auto& e : entries) {
    PacketSet set = PacketSet::from_box(entry_box(e));
    out.push_back(set.subtract(decided));
    decided = decided.unite(set);
  }
  return out;
}

PacketSet nacl_allowed_set(const std::vector<NaclEntry>& entries) {
  std::vector<PacketSet> allowed;
  std::vector<PacketSet> decided = nacl_decided_sets(entries);
  for (std::size_t i = 0; i < entries.size(); ++i)
    if (entries[i].allow && !decided[i].empty()) allowed.push_back(std::move(decided[i]));
  return PacketSet::unite_all(std::move(allowed));
}

}  // namespace sgopt
