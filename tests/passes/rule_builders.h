// Short builders for hand-written rules and entries in the pass tests.
#pragma once

#include <optional>

#include "model/network_acl.h"
#include "model/rule.h"

namespace sgopt::test_support {

inline Cidr v4(const char* text) { return parse_cidr(text, Family::V4, nullptr)->cidr; }
inline Cidr v6(const char* text) { return parse_cidr(text, Family::V6, nullptr)->cidr; }

/// A security-group rule with a CIDR peer of the block's family.
inline SgRule rule(int proto, std::optional<int> from, std::optional<int> to, Cidr c) {
  SgRule r;
  r.protocol = proto;
  r.from_port = from;
  r.to_port = to;
  r.peer.type = c.family == Family::V4 ? PeerType::Ipv4 : PeerType::Ipv6;
  r.peer.cidr = c;
  return r;
}

/// A NACL entry of the ingress direction.
inline NaclEntry entry(int number, bool allow, int proto, Cidr c, std::optional<PortRange> ports = std::nullopt) {
  NaclEntry e;
  e.rule_number = number;
  e.allow = allow;
  e.protocol = proto;
  e.cidr = c;
  e.port_range = ports;
  return e;
}

}  // namespace sgopt::test_support
