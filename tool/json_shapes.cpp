// The shared JSON shapes.
#include "tool/json_shapes.h"

#include "model/protocol.h"

namespace sgopt::cli {

nlohmann::json location_json(const Location& l) {
  nlohmann::json j{{"file", l.file}, {"json_pointer", l.json_pointer}};
  if (l.line > 0) j["line"] = l.line;
  return j;
}

nlohmann::json count_json(const BigCount& n) { return n.str(); }

nlohmann::json rule_json(const RuleRef& r) {
  bool entry = r.rule_number > 0;
  nlohmann::json j{{"type", entry ? "nacl-entry" : "sg-rule"},
                   {"resource", r.resource_id},
                   {"direction", direction_name(r.direction)},
                   {"protocol", r.protocol},
                   {"ports", r.ports},
                   {"peer", r.peer},
                   {"text", r.text},
                   {"location", location_json(r.where)}};
  if (entry) {
    j["rule_number"] = r.rule_number;
    j["action"] = r.allow ? "allow" : "deny";
  } else {
    j["permission_index"] = r.permission_index;
    j["description"] = r.description;
    if (!r.rule_id.empty()) j["rule_id"] = r.rule_id;
  }
  return j;
}

static const char* peer_type_name(PeerType t) {
  switch (t) {
    case PeerType::Ipv4: return "ipv4";
    case PeerType::Ipv6: return "ipv6";
    case PeerType::Group: return "group";
    case PeerType::PrefixList: return "prefix-list";
  }
  return "ipv4";
}

nlohmann::json packet_json(const Packet& p) {
  std::string peer;
  switch (p.peer_type) {
    case PeerType::Ipv4: peer = format_address(Family::V4, p.addr); break;
    case PeerType::Ipv6: peer = format_address(Family::V6, p.addr); break;
    default: peer = p.ref; break;
  }
  nlohmann::json j{{"text", p.str()},        {"peer_type", peer_type_name(p.peer_type)},   {"peer", peer},
                   {"protocol", p.protocol}, {"protocol_name", protocol_name(p.protocol)}, {"port_key", p.port_key}};
  if (is_port_protocol(p.protocol)) j["port"] = p.port_key;
  if (is_icmp_protocol(p.protocol)) {
    j["icmp_type"] = p.port_key / 256;
    j["icmp_code"] = p.port_key % 256;
  }
  return j;
}

nlohmann::json region_json(const Region& r, const PeerTable& peers) {
  nlohmann::json protocols = nlohmann::json::array();
  for (const auto& p : r.protocols) protocols.push_back({p.lo, p.hi});
  return {{"traffic", region_traffic_text(r)},          {"protocols", protocols},
          {"port_keys", {r.port_lo, r.port_hi}},        {"peers", region_peer_texts(r, peers)},
          {"count", count_json(region_set(r).count())}, {"witness", packet_json(region_witness(r, peers))}};
}

nlohmann::json regions_json(const PacketSet& set, const std::vector<Region>& regions, const PeerTable& peers) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& r : regions) list.push_back(region_json(r, peers));
  return {{"count", count_json(set.count())}, {"regions", std::move(list)}};
}

}  // namespace sgopt::cli
