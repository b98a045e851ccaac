// The shared JSON shapes.
#include "tool/json_shapes.h"

#include "model/protocol.h"

namespace sgopt::cli {

nlohmann::json location_json(const Location& l) {
  nlohmann::json j{{"file", l.file}, {"json_pointer", l.json_pointer}};
  if (l.line > 0) j["line"] = l.line;
  return j;
}

nlohmann::json unresolved_json(const std::vector<Unresolved>& open) {
  nlohmann::json out = nlohmann::json::array();
  for (const Unresolved& u : open)
    out.push_back({{"direction", direction_name(u.direction)}, {"what", u.what}, {"location", location_json(u.where)}});
  return out;
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

static const char* reference_type_name(PeerType t) { return t == PeerType::Group ? "group" : "prefix-list"; }

nlohmann::json packet_json(const Packet& p) {
  nlohmann::json j{{"text", p.str()},
                   {"peer_type", p.family == Family::V4 ? "ipv4" : "ipv6"},
                   {"peer", format_address(p.family, p.addr)},
                   {"protocol", p.protocol},
                   {"protocol_name", protocol_name(p.protocol)},
                   {"port_key", p.port_key}};
  if (is_port_protocol(p.protocol)) j["port"] = p.port_key;
  if (is_icmp_protocol(p.protocol)) {
    j["icmp_type"] = p.port_key / 256;
    j["icmp_code"] = p.port_key % 256;
  }
  if (p.member) j["member_of"] = {{"type", reference_type_name(p.member->type)}, {"id", p.member->id}};
  return j;
}

nlohmann::json members_json(const PacketSet& set, const PeerTable& peers) {
  nlohmann::json out = nlohmann::json::array();
  for (PeerKind m : set.extra_members(peers)) out.push_back(peers.member_info(m).id);
  return out;
}

nlohmann::json peer_groups_json(const Region& r, const PeerTable& peers) {
  nlohmann::json out = nlohmann::json::array();
  for (const PeerGroup& g : region_peer_groups(r, peers)) {
    nlohmann::json families = nlohmann::json::array(), cidrs = nlohmann::json::array();
    for (Family f : g.families) families.push_back(family_name(f));
    for (const Cidr& c : g.cidrs) cidrs.push_back(c.str());
    out.push_back({{"text", peer_group_text(g)},
                   {"families", families},
                   {"addresses", cidrs},
                   {"every_address", g.every_address},
                   {"members", members_name(g.members)},
                   {"references", g.refs}});
  }
  return out;
}

nlohmann::json region_json(const Region& r, const PeerTable& peers) {
  nlohmann::json protocols = nlohmann::json::array();
  for (const auto& p : r.protocols) protocols.push_back({p.lo, p.hi});
  PacketSet set = region_set(r);
  return {{"traffic", region_traffic_text(r)},           {"protocols", protocols},
          {"port_keys", {r.port_lo, r.port_hi}},         {"peers", region_peer_texts(r, peers)},
          {"peer_groups", peer_groups_json(r, peers)},   {"count", count_json(set.count())},
          {"plus_members_of", members_json(set, peers)}, {"witness", packet_json(region_witness(r, peers))}};
}

nlohmann::json regions_json(const PacketSet& set, const std::vector<Region>& regions, const PeerTable& peers) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& r : regions) list.push_back(region_json(r, peers));
  return {
      {"count", count_json(set.count())}, {"plus_members_of", members_json(set, peers)}, {"regions", std::move(list)}};
}

nlohmann::json references_json(const References& refs) {
  nlohmann::json out = nlohmann::json::array();
  for (const ReferenceInfo& r : refs.all()) {
    nlohmann::json addresses = nlohmann::json::array();
    for (const Cidr& c : r.addresses) addresses.push_back(c.str());
    nlohmann::json j{{"type", reference_type_name(r.type)},
                     {"id", r.id},
                     {"world", r.resolved ? "closed" : "open"},
                     {"resolved", r.resolved},
                     {"stale", r.stale},
                     {"addresses", addresses},
                     {"note", r.note()}};
    if (r.type == PeerType::Group && r.resolved) j["interfaces"] = r.interfaces;
    if (r.family) j["family"] = family_name(*r.family);
    out.push_back(std::move(j));
  }
  return out;
}

}  // namespace sgopt::cli
