// Shared pieces of the cross-layer passes (passes/analyses/cross_layer.h).
#include "passes/analyses/cross_layer.h"

#include "model/protocol.h"
#include "passes/analyses/overly_permissive.h"
#include "solver/effective.h"
#include "solver/regions.h"
#include "solver/rule_sets.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <utility>

namespace sgopt {

std::vector<InterfaceProfile> profiles_behind(const Snapshot& snapshot, const NetworkAcl& acl) {
  std::vector<InterfaceProfile> out;
  std::map<std::pair<std::string, std::vector<std::string>>, std::size_t> index;
  for (const NetworkInterface* eni : interfaces_behind(snapshot, acl)) {
    auto [it, added] = index.emplace(std::pair{eni->subnet_id, eni->group_ids}, out.size());
    if (added) out.push_back(InterfaceProfile{place_interface(snapshot, *eni), {}, {}});
    out[it->second].interfaces.push_back(eni->id);
    out[it->second].enis.push_back(eni);
  }
  return out;
}

PacketSet address_packets(const PacketSet& set) { return set.kind_slice(kPeerIpv4).unite(set.kind_slice(kPeerIpv6)); }

std::string interfaces_text(const std::vector<std::string>& ids) {
  if (ids.size() == 1) return ids.front();
  std::vector<std::string> shown(ids.begin(),
                                 ids.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(5, ids.size())));
  return fmt::format("{} interfaces ({}{})", ids.size(), fmt::join(shown, ", "), ids.size() > 5 ? ", ..." : "");
}

namespace {

std::vector<std::string> texts(const PacketSet& set, Direction d, std::size_t max, bool counted) {
  const PeerTable peers;  // no reference interned: address packets read as plain addresses
  std::vector<std::string> out;
  auto regions = regions_of(set);
  for (std::size_t i = 0; i < regions.size() && i < max; ++i) {
    std::string text = fmt::format("{} {} {}", region_traffic_text(regions[i]), d == Direction::Egress ? "to" : "from",
                                   fmt::join(region_peer_texts(regions[i], peers), ", "));
    if (counted) {
      PacketSet part = PacketSet::from_boxes(region_boxes(regions[i]));
      text += fmt::format(" ({} packets from {} addresses)", part.count().str(), address_count(part).str());
    }
    out.push_back(std::move(text));
  }
  if (regions.size() > max) out.push_back(fmt::format("... and {} more regions", regions.size() - max));
  return out;
}

}  // namespace

std::vector<std::string> region_texts(const PacketSet& set, Direction d, std::size_t max) {
  return texts(set, d, max, false);
}

std::vector<std::string> counted_region_texts(const PacketSet& set, Direction d, std::size_t max) {
  return texts(set, d, max, true);
}

std::string port_ranges_text(const PacketSet& set) {
  std::vector<std::pair<int, int>> ranges;
  for (const Box& b : set.boxes()) {
    if (b.proto_lo > kUdp || b.proto_hi < kTcp) continue;
    ranges.emplace_back(b.port_lo, b.port_hi);
  }
  if (ranges.empty()) return "no port";
  std::sort(ranges.begin(), ranges.end());
  std::vector<std::pair<int, int>> merged;
  for (auto r : ranges) {
    if (!merged.empty() && r.first <= merged.back().second + 1)
      merged.back().second = std::max(merged.back().second, r.second);
    else
      merged.push_back(r);
  }
  std::vector<std::string> parts;
  for (auto [lo, hi] : merged) parts.push_back(lo == hi ? fmt::format("{}", lo) : fmt::format("{}-{}", lo, hi));
  return fmt::format("{}", fmt::join(parts, ", "));
}

namespace {

// What the groups' rules allow some address, whoever the members of open references are.
PacketSet usable(const Placement& place, Direction d, PeerTable& peers, const References* refs) {
  std::vector<Box> boxes;
  for (const SecurityGroup* g : place.groups)
    for (const SgRule& r : g->rules(d))
      for (const Box& b : rule_boxes(r, peers, refs)) boxes.push_back(as_address_box(b));
  return PacketSet::from_boxes(boxes);
}

// Every ICMP and ICMPv6 packet.
PacketSet icmp_packets() {
  std::vector<Box> boxes;
  for (Family f : {Family::V4, Family::V6})
    for (int p : {kIcmp, kIcmpv6}) boxes.push_back(address_box(f, 0, max_address(f), p, p));
  return PacketSet::from_boxes(boxes);
}

}  // namespace

PacketSet acl_unused(const NetworkAcl& acl, const std::vector<InterfaceProfile>& profiles, Direction d,
                     EphemeralPorts ephemeral, PeerTable& peers, const References* refs) {
  PacketSet allowed = address_packets(nacl_allowed_set(acl.entries(d))).subtract(icmp_packets());
  if (allowed.empty()) return allowed;
  Direction back = d == Direction::Ingress ? Direction::Egress : Direction::Ingress;
  std::vector<PacketSet> used;
  for (const InterfaceProfile& prof : profiles) {
    const Placement& place = prof.place;
    PacketSet crossing_back = nacl_allowed_set(acl.entries(back)).unite(same_subnet_set(place));
    used.push_back(usable(place, d, peers, refs));
    used.push_back(replies_of(usable(place, back, peers, refs).intersect(crossing_back), ephemeral));
  }
  return allowed.subtract(PacketSet::unite_all(std::move(used)));
}

std::vector<std::string> placement_assumptions(const Placement& place) {
  std::vector<std::string> out;
  if (!place.subnet_assumption.empty()) out.push_back(place.subnet_assumption);
  out.push_back("which ACL: " + place.acl_why);
  return out;
}

void add_placement_assumptions(const Placement& place, std::vector<std::string>& out) {
  for (auto& a : placement_assumptions(place))
    if (std::find(out.begin(), out.end(), a) == out.end()) out.push_back(std::move(a));
}

}  // namespace sgopt
