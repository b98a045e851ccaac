// Rules, entries and packets from short text, through the model's own parsers.
#include "tests/support/builders.h"

#include <stdexcept>
#include <string>

#include "model/protocol.h"

namespace sgopt::test_support {
namespace {

int protocol_of(std::string_view text) {
  std::string why;
  auto p = parse_protocol(text, &why);
  if (!p) throw std::invalid_argument(why);
  return *p;
}

Cidr cidr_of(std::string_view text) {
  std::string why;
  Family f = text.find(':') != std::string_view::npos ? Family::V6 : Family::V4;
  auto c = parse_cidr(text, f, &why);
  if (!c) throw std::invalid_argument(why);
  return c->cidr;
}

bool is_symbolic(std::string_view text) { return text.substr(0, 3) == "sg-" || text.substr(0, 3) == "pl-"; }

}  // namespace

SgRule sg_rule(std::string_view protocol, std::optional<int> from, std::optional<int> to, std::string_view peer) {
  SgRule r;
  r.protocol = protocol_of(protocol);
  r.from_port = from;
  r.to_port = to;
  if (is_symbolic(peer)) {
    r.peer.type = peer.substr(0, 3) == "sg-" ? PeerType::Group : PeerType::PrefixList;
    r.peer.ref = std::string(peer);
  } else {
    r.peer.cidr = cidr_of(peer);
    r.peer.type = r.peer.cidr.family == Family::V4 ? PeerType::Ipv4 : PeerType::Ipv6;
  }
  r.source.peer_text = std::string(peer);
  return r;
}

NaclEntry nacl_entry(int number, bool allow, std::string_view protocol, std::string_view cidr,
                     std::optional<PortRange> ports, std::optional<IcmpTypeCode> icmp) {
  NaclEntry e;
  e.rule_number = number;
  e.allow = allow;
  e.protocol = protocol_of(protocol);
  e.cidr = cidr_of(cidr);
  e.port_range = ports;
  e.icmp = icmp;
  e.source.peer_text = std::string(cidr);
  return e;
}

Packet packet(std::string_view protocol, std::string_view peer, int port_key) {
  Packet p;
  p.protocol = protocol_of(protocol);
  p.port_key = port_key;
  if (is_symbolic(peer)) {
    p.peer_type = peer.substr(0, 3) == "sg-" ? PeerType::Group : PeerType::PrefixList;
    p.ref = std::string(peer);
    return p;
  }
  Family f = Family::V4;
  auto a = parse_address(peer, &f);
  if (!a) throw std::invalid_argument("bad address " + std::string(peer));
  p.peer_type = f == Family::V4 ? PeerType::Ipv4 : PeerType::Ipv6;
  p.addr = *a;
  return p;
}

}  // namespace sgopt::test_support
