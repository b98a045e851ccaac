// JSON renderings of regions and packets.
#include "tool/region_json.h"

namespace sgopt::cli {

nlohmann::json packet_json(const Packet& p) {
  std::string peer;
  switch (p.peer_type) {
    case PeerType::Ipv4: peer = format_address(Family::V4, p.addr); break;
    case PeerType::Ipv6: peer = format_address(Family::V6, p.addr); break;
    default: peer = p.ref; break;
  }
  return {{"text", p.str()}, {"peer", peer}, {"protocol", p.protocol}, {"port_key", p.port_key}};
}

nlohmann::json region_json(const Region& r, const PeerTable& peers) {
  nlohmann::json protocols = nlohmann::json::array();
  for (const auto& p : r.protocols) protocols.push_back({p.lo, p.hi});
  return {{"traffic", region_traffic_text(r)},
          {"protocols", protocols},
          {"port_keys", {r.port_lo, r.port_hi}},
          {"peers", region_peer_texts(r, peers)},
          {"count", region_set(r).count().str()},
          {"witness", packet_json(region_witness(r, peers))}};
}

nlohmann::json regions_json(const PacketSet& set, const std::vector<Region>& regions, const PeerTable& peers) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& r : regions) list.push_back(region_json(r, peers));
  return {{"count", set.count().str()}, {"regions", std::move(list)}};
}

}  // namespace sgopt::cli
