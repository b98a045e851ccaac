// Builders for the pass tests.
#include "tests/passes/builders.h"

#include <algorithm>
#include <stdexcept>

namespace sgopt::test_support {

SgRule sg_rule(int protocol, std::optional<int> from, std::optional<int> to, const std::string& peer,
               int permission_index) {
  SgRule r;
  r.protocol = protocol;
  r.from_port = from;
  r.to_port = to;
  if (peer.rfind("sg-", 0) == 0) {
    r.peer.type = PeerType::Group;
    r.peer.ref = peer;
  } else if (peer.rfind("pl-", 0) == 0) {
    r.peer.type = PeerType::PrefixList;
    r.peer.ref = peer;
  } else {
    Family f = peer.find(':') == std::string::npos ? Family::V4 : Family::V6;
    std::string why;
    auto c = parse_cidr(peer, f, &why);
    if (!c) throw std::invalid_argument("bad test CIDR " + peer + ": " + why);
    r.peer.type = f == Family::V4 ? PeerType::Ipv4 : PeerType::Ipv6;
    r.peer.cidr = c->cidr;
  }
  r.source.permission_index = permission_index;
  r.source.peer_text = peer;
  r.source.where = Location{"test.json", "/rule", 0};
  return r;
}

SgRule tcp(int from, int to, const std::string& peer, int permission_index) {
  return sg_rule(6, from, to, peer, permission_index);
}

NaclEntry nacl_entry(int number, bool allow, int protocol, int from, int to, const std::string& cidr, Direction d) {
  NaclEntry e;
  e.rule_number = number;
  e.allow = allow;
  e.direction = d;
  e.protocol = protocol;
  Family f = cidr.find(':') == std::string::npos ? Family::V4 : Family::V6;
  std::string why;
  auto c = parse_cidr(cidr, f, &why);
  if (!c) throw std::invalid_argument("bad test CIDR " + cidr + ": " + why);
  e.cidr = c->cidr;
  if ((protocol == 6 || protocol == 17) && from >= 0) e.port_range = PortRange{from, to};
  if (protocol == 1 || protocol == 58) e.icmp = IcmpTypeCode{from, to};
  e.source.where = Location{"test.json", "/entry/" + std::to_string(number), 0};
  return e;
}

SecurityGroup group(const std::string& id, std::vector<SgRule> ingress, std::vector<SgRule> egress,
                    const std::string& name) {
  SecurityGroup g;
  g.id = id;
  g.name = name;
  for (std::size_t i = 0; i < ingress.size(); ++i) ingress[i].source.permission_index = static_cast<int>(i);
  for (std::size_t i = 0; i < egress.size(); ++i) egress[i].source.permission_index = static_cast<int>(i);
  for (auto& r : ingress) r.source.resource_id = id;
  for (auto& r : egress) r.source.resource_id = id;
  g.ingress = std::move(ingress);
  g.egress = std::move(egress);
  return g;
}

std::vector<SgRule> without(const std::vector<SgRule>& rules, const std::vector<std::size_t>& drop) {
  std::vector<SgRule> out;
  for (std::size_t i = 0; i < rules.size(); ++i)
    if (std::find(drop.begin(), drop.end(), i) == drop.end()) out.push_back(rules[i]);
  return out;
}

NetworkAcl acl(const std::string& id, std::vector<NaclEntry> entries) {
  NetworkAcl a;
  a.id = id;
  for (auto& e : entries) a.entries(e.direction).push_back(e);
  for (Direction d : {Direction::Ingress, Direction::Egress})
    std::stable_sort(a.entries(d).begin(), a.entries(d).end(),
                     [](const NaclEntry& x, const NaclEntry& y) { return x.rule_number < y.rule_number; });
  return a;
}

}  // namespace sgopt::test_support
