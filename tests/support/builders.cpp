// Rules, entries, packets, groups and ACLs from short text, through the model's own parsers.
#include "tests/support/builders.h"

#include "model/protocol.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace sgopt::test_support {
namespace {

int protocol_of(std::string_view text) {
  std::string why;
  auto p = parse_protocol(text, &why);
  if (!p) throw std::invalid_argument(why);
  return *p;
}

}  // namespace

Cidr cidr(std::string_view text) {
  std::string why;
  auto c = parse_cidr(text, written_family(text), &why);
  if (!c) throw std::invalid_argument("bad test CIDR " + std::string(text) + ": " + why);
  return c->cidr;
}

Peer peer(std::string_view text) {
  if (auto ref = reference_type(text)) {
    Peer p;
    p.type = *ref;
    p.ref = std::string(text);
    return p;
  }
  return cidr_peer(cidr(text));
}

SgRule sg_rule(std::string_view protocol, std::optional<int> from, std::optional<int> to, std::string_view peer_text) {
  SgRule r;
  r.protocol = protocol_of(protocol);
  r.from_port = from;
  r.to_port = to;
  r.peer = peer(peer_text);
  r.source.peer_text = std::string(peer_text);
  return r;
}

SgRule sg_rule(int protocol, std::optional<int> from, std::optional<int> to, const std::string& peer_text,
               int permission_index) {
  SgRule r;
  r.protocol = protocol;
  r.from_port = from;
  r.to_port = to;
  r.peer = peer(peer_text);
  r.source.permission_index = permission_index;
  r.source.peer_text = peer_text;
  r.source.where = Location{"test.json", "/rule", 0};
  return r;
}

SgRule tcp(int from, int to, const std::string& peer_text, int permission_index) {
  return sg_rule(kTcp, from, to, peer_text, permission_index);
}

SgRule rule(int protocol, std::optional<int> from, std::optional<int> to, Cidr c) {
  SgRule r;
  r.protocol = protocol;
  r.from_port = from;
  r.to_port = to;
  r.peer = cidr_peer(c);
  return r;
}

NaclEntry nacl_entry(int number, bool allow, std::string_view protocol, std::string_view cidr_text,
                     std::optional<PortRange> ports, std::optional<IcmpTypeCode> icmp) {
  NaclEntry e;
  e.rule_number = number;
  e.allow = allow;
  e.protocol = protocol_of(protocol);
  e.cidr = cidr(cidr_text);
  e.port_range = ports;
  e.icmp = icmp;
  e.source.peer_text = std::string(cidr_text);
  return e;
}

NaclEntry nacl_entry(int number, bool allow, int protocol, int from, int to, const std::string& cidr_text,
                     Direction d) {
  NaclEntry e;
  e.rule_number = number;
  e.allow = allow;
  e.direction = d;
  e.protocol = protocol;
  e.cidr = cidr(cidr_text);
  if (is_port_protocol(protocol) && from >= 0) e.port_range = PortRange{from, to};
  if (is_icmp_protocol(protocol)) e.icmp = IcmpTypeCode{from, to};
  e.source.where = Location{"test.json", "/entry/" + std::to_string(number), 0};
  return e;
}

NaclEntry entry(int number, bool allow, int protocol, Cidr c, std::optional<PortRange> ports) {
  NaclEntry e;
  e.rule_number = number;
  e.allow = allow;
  e.protocol = protocol;
  e.cidr = c;
  e.port_range = ports;
  return e;
}

Packet packet(std::string_view protocol, std::string_view peer_text, int port_key) {
  Packet p;
  p.protocol = protocol_of(protocol);
  p.port_key = port_key;
  std::string_view address = peer_text;
  if (auto ref = reference_type(peer_text.substr(0, peer_text.find('@')))) {
    // "sg-1" (a member at 0.0.0.0) or "sg-1@10.0.0.5": a member of the reference at an address.
    std::string_view id = peer_text.substr(0, peer_text.find('@'));
    p.member = Membership{*ref, std::string(id)};
    address = peer_text.find('@') == std::string_view::npos ? "0.0.0.0" : peer_text.substr(peer_text.find('@') + 1);
  }
  auto a = parse_address(address, &p.family);
  if (!a) throw std::invalid_argument("bad address " + std::string(peer_text));
  p.addr = *a;
  return p;
}

SecurityGroup group(const std::string& id, std::vector<SgRule> ingress, std::vector<SgRule> egress,
                    const std::string& name) {
  SecurityGroup g;
  g.id = id;
  g.name = name;
  for (auto* rules : {&ingress, &egress})
    for (std::size_t i = 0; i < rules->size(); ++i) {
      (*rules)[i].source.permission_index = static_cast<int>(i);
      (*rules)[i].source.resource_id = id;
    }
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
  for (Direction d : {Direction::Ingress, Direction::Egress}) sort_by_rule_number(a.entries(d));
  return a;
}

}  // namespace sgopt::test_support
