// The reference evaluator: each clause is a sentence of AWS's documentation (AWS-SEMANTICS.md).
#include "model/packet.h"

#include "model/protocol.h"

#include <fmt/format.h>

namespace sgopt {

std::string Packet::str() const {
  std::string peer = format_address(family, addr);
  // Unnamed protocol numbers read as "protocol 50", not a bare number next to an address.
  std::string proto = has_port_key(protocol) ? protocol_name(protocol) : fmt::format("protocol {}", protocol);
  std::string s = fmt::format("{} {}", proto, peer);
  if (is_port_protocol(protocol)) s += fmt::format(" port {}", port_key);
  if (is_icmp_protocol(protocol)) s += fmt::format(" type {} code {}", port_key / 256, port_key % 256);
  if (member) s += fmt::format(", {} {}", member->type == PeerType::Group ? "a member of" : "an entry of", member->id);
  return s;
}

// "the rule affects all instances that are associated with the security groups ... using the
// private IP addresses of the instances"; a prefix list stands for its entries. Resolved, the
// reference is its members' addresses; open, it matches the packets that say they are members
// (and a prefix list of one family only has members of that family).
static bool peer_matches(const Peer& peer, const Packet& p, const References* refs) {
  if (peer.is_cidr()) return peer.cidr.contains(p.family, p.addr);
  const ReferenceInfo* info = refs ? refs->find(peer.type, peer.ref) : nullptr;
  if (info && info->resolved) {
    for (const Cidr& c : info->addresses)
      if (c.contains(p.family, p.addr)) return true;
    return false;
  }
  if (!p.member || p.member->type != peer.type || p.member->id != peer.ref) return false;
  return !(info && info->family && *info->family != p.family);
}

// "If the protocol is ICMP or ICMPv6, FromPort is the ICMP type or -1 (all ICMP types); ToPort is
// the ICMP code or -1 (all ICMP codes)."
static bool icmp_matches(int type, int code, int port_key) {
  if (type < 0) return true;
  if (port_key / 256 != type) return false;
  return code < 0 || port_key % 256 == code;
}

bool rule_matches(const SgRule& r, const Packet& p, const References* refs) {
  if (!peer_matches(r.peer, p, refs)) return false;
  // "-1 or a protocol number other than tcp, udp, icmp, or icmpv6 allows traffic on all ports."
  if (r.protocol == kAllProtocols) return true;
  if (p.protocol != r.protocol) return false;
  if (r.protocol == kTcp || r.protocol == kUdp) {
    // Both ends or none: a -1 at either end (accepted only with --lenient) reads as every port.
    const bool range = r.from_port && r.to_port && *r.from_port >= 0 && *r.to_port >= 0;
    return !range || (*r.from_port <= p.port_key && p.port_key <= *r.to_port);
  }
  if (r.protocol == kIcmp || r.protocol == kIcmpv6)
    return icmp_matches(r.from_port.value_or(-1), r.to_port.value_or(-1), p.port_key);
  return true;
}

bool sg_allows(const std::vector<SgRule>& rules, const Packet& p, const References* refs) {
  for (const auto& r : rules)
    if (rule_matches(r, p, refs)) return true;
  return false;
}

bool entry_matches(const NaclEntry& e, const Packet& p) {
  // "none of the rules for the IPv4 traffic apply to the IPv6 traffic"; entries match addresses only.
  Family f = e.cidr.family;
  if (!e.cidr.contains(p.family, p.addr)) return false;
  if (e.protocol == kAllProtocols) return true;
  if (p.protocol != e.protocol) return false;
  if (e.protocol == kTcp || e.protocol == kUdp)
    return !e.port_range || (e.port_range->from <= p.port_key && p.port_key <= e.port_range->to);
  // "If you specify protocol 58 (ICMPv6) and an IPv4 CIDR block, traffic for all ICMP types and
  // codes is allowed, regardless of any that you specify."
  if (e.protocol == kIcmpv6 && f == Family::V4) return true;
  if (e.protocol == kIcmp || e.protocol == kIcmpv6)
    return !e.icmp || icmp_matches(e.icmp->type, e.icmp->code, p.port_key);
  return true;
}

NaclDecision nacl_decide(const std::vector<NaclEntry>& entries, const Packet& p) {
  const NaclEntry* best = nullptr;
  for (const auto& e : entries)
    if (entry_matches(e, p) && (!best || e.rule_number < best->rule_number)) best = &e;
  return NaclDecision{best && best->allow, best};
}

}  // namespace sgopt
