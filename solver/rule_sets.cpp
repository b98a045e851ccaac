// Rules, groups and ACLs as exact packet sets.
#include "solver/rule_sets.h"

#include "model/match.h"
#include "solver/coverage.h"

#include <map>
#include <string>
#include <utility>

namespace sgopt {

std::vector<Box> rule_boxes(const SgRule& rule, PeerTable& peers, const References* refs) {
  MatchBox m = sg_rule_match(rule);
  std::vector<Box> out;
  if (rule.peer.is_cidr()) {
    const Cidr& c = rule.peer.cidr;
    out.push_back(address_box(c.family, c.first(), c.last(), m.proto_lo, m.proto_hi, m.port_lo, m.port_hi));
    return out;
  }
  const ReferenceInfo* info = refs ? refs->find(rule.peer.type, rule.peer.ref) : nullptr;
  if (info && info->resolved) {
    for (const Cidr& c : info->addresses)
      out.push_back(address_box(c.family, c.first(), c.last(), m.proto_lo, m.proto_hi, m.port_lo, m.port_hi));
    return out;
  }
  PeerKind member = peers.member(rule.peer.type, rule.peer.ref);
  for (Family f : {Family::V4, Family::V6}) {
    if (info && info->family && *info->family != f) continue;
    out.push_back(kind_box(kind_of(f, member), 0, max_address(f), m.proto_lo, m.proto_hi, m.port_lo, m.port_hi));
  }
  return out;
}

PeerKind box_member(const Box& b) { return b.kind_lo == b.kind_hi ? member_of(b.kind_lo) : kNoMember; }

Box as_address_box(Box b) {
  b.kind_lo = b.kind_hi = kind_of(b.family());
  return b;
}

Box entry_box(const NaclEntry& e) {
  MatchBox m = nacl_entry_match(e);
  return address_box(e.cidr.family, e.cidr.first(), e.cidr.last(), m.proto_lo, m.proto_hi, m.port_lo, m.port_hi);
}

PacketSet rule_set(const SgRule& rule, PeerTable& peers, const References* refs) {
  return PacketSet::from_boxes(rule_boxes(rule, peers, refs));
}

PacketSet sg_set(const std::vector<SgRule>& rules, PeerTable& peers, const References* refs) {
  std::vector<Box> boxes;
  boxes.reserve(rules.size());
  for (const auto& r : rules) {
    auto rb = rule_boxes(r, peers, refs);
    boxes.insert(boxes.end(), rb.begin(), rb.end());
  }
  return PacketSet::from_boxes(boxes);
}

namespace {
// The no-membership boxes of a rule: open references add member kinds only, which are dropped.
void append_address_boxes(const SgRule& rule, const References* refs, std::vector<Box>& out) {
  PeerTable unused;
  for (const Box& b : rule_boxes(rule, unused, refs))
    if (box_member(b) == kNoMember) out.push_back(as_address_box(b));
}
}  // namespace

PacketSet rule_address_set(const SgRule& rule, const References* refs) {
  std::vector<Box> boxes;
  append_address_boxes(rule, refs, boxes);
  return PacketSet::from_boxes(boxes);
}

PacketSet sg_address_set(const std::vector<SgRule>& rules, const References* refs) {
  std::vector<Box> boxes;
  boxes.reserve(rules.size());
  for (const auto& r : rules) append_address_boxes(r, refs, boxes);
  return PacketSet::from_boxes(boxes);
}

namespace {
// A rule list split by membership: what every address gets, and each open reference's own packets
// as no-membership boxes (its services at every address of its families).
struct MembershipSlices {
  PacketSet addresses;
  std::map<std::pair<PeerType, std::string>, std::vector<Box>> open;
};

MembershipSlices membership_slices(const std::vector<SgRule>& rules, const References* refs) {
  MembershipSlices out;
  std::vector<Box> addresses;
  PeerTable unused;
  for (const auto& r : rules)
    for (const Box& b : rule_boxes(r, unused, refs))
      (box_member(b) != kNoMember ? out.open[{r.peer.type, r.peer.ref}] : addresses).push_back(as_address_box(b));
  out.addresses = PacketSet::from_boxes(addresses);
  return out;
}
}  // namespace

bool sg_equivalent(const std::vector<SgRule>& a, const std::vector<SgRule>& b, const References* refs) {
  // Equal sets have equal slices of every membership: no membership (address rules only), and each
  // open reference's members (address rules plus the rules naming it); other memberships equal the
  // no-membership slice. So the sets with every membership are never built.
  const MembershipSlices sa = membership_slices(a, refs), sb = membership_slices(b, refs);
  if (!(sa.addresses == sb.addresses)) return false;
  auto members_of = [](const MembershipSlices& s, const std::pair<PeerType, std::string>& key) {
    auto it = s.open.find(key);
    return it == s.open.end() ? PacketSet{} : PacketSet::from_boxes(it->second);
  };
  for (const auto* s : {&sa, &sb})
    for (const auto& [key, boxes] : s->open) {
      const PacketSet ma = members_of(sa, key), mb = members_of(sb, key);
      if (!ma.subtract(mb).subset_of(sa.addresses) || !mb.subtract(ma).subset_of(sa.addresses)) return false;
    }
  return true;
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
