// Set-cover helpers.
#include "solver/coverage.h"

#include <algorithm>
#include <numeric>

namespace sgopt {

bool boxes_overlap(const Box& a, const Box& b) {
  return a.kind_lo <= b.kind_hi && b.kind_lo <= a.kind_hi && a.addr_lo <= b.addr_hi && b.addr_lo <= a.addr_hi &&
         a.proto_lo <= b.proto_hi && b.proto_lo <= a.proto_hi && a.port_lo <= b.port_hi && b.port_lo <= a.port_hi;
}

std::vector<std::size_t> small_cover(const PacketSet& target, const std::vector<PacketSet>& pieces) {
  if (target.empty()) return {};
  // One piece alone, when one suffices (the usual case: a wider rule).
  for (std::size_t i = 0; i < pieces.size(); ++i)
    if (target.subset_of(pieces[i])) return {i};
  // Largest pieces first, until the target is covered.
  std::vector<BigCount> sizes;
  sizes.reserve(pieces.size());
  for (const auto& p : pieces) sizes.push_back(p.count());
  std::vector<std::size_t> order(pieces.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return sizes[a] > sizes[b]; });
  std::vector<std::size_t> chosen;
  PacketSet rest = target;
  for (std::size_t i : order) {
    if (rest.empty()) break;
    if (!rest.intersects(pieces[i])) continue;
    rest = rest.subtract(pieces[i]);
    chosen.push_back(i);
  }
  if (!rest.empty()) return {};
  // Prune: drop any piece the others already cover (smallest first).
  for (std::size_t k = chosen.size(); k-- > 0;) {
    std::vector<PacketSet> others;
    for (std::size_t m = 0; m < chosen.size(); ++m)
      if (m != k) others.push_back(pieces[chosen[m]]);
    if (target.subset_of(PacketSet::unite_all(std::move(others)))) chosen.erase(chosen.begin() + static_cast<long>(k));
  }
  std::sort(chosen.begin(), chosen.end());
  return chosen;
}

std::optional<Packet> typical_witness(const PacketSet& s, const PeerTable& peers) {
  for (int proto : {6, 17, 1, 58}) {
    std::vector<Box> boxes;
    for (Family f : s.families()) boxes.push_back(address_box(f, 0, max_address(f), proto, proto, 0, 65535));
    PacketSet part = s.intersect(PacketSet::from_boxes(boxes));
    if (!part.empty()) return part.witness(peers);
  }
  return s.witness(peers);
}

}  // namespace sgopt
