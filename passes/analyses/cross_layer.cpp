// Shared pieces of the cross-layer passes (passes/analyses/cross_layer.h).
#include "passes/analyses/cross_layer.h"

#include "model/protocol.h"
#include "solver/regions.h"

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

std::vector<std::string> region_texts(const PacketSet& set, const PeerTable& peers, std::size_t max) {
  std::vector<std::string> out;
  auto regions = regions_of(set);
  for (std::size_t i = 0; i < regions.size() && i < max; ++i) out.push_back(region_text(regions[i], peers));
  if (regions.size() > max) out.push_back(fmt::format("... and {} more regions", regions.size() - max));
  return out;
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

std::vector<std::string> placement_assumptions(const Placement& place) {
  std::vector<std::string> out;
  if (!place.subnet_assumption.empty()) out.push_back(place.subnet_assumption);
  out.push_back("which ACL: " + place.acl_why);
  return out;
}

}  // namespace sgopt
