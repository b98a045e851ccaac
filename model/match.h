// What one rule or entry matches inside its peer: a box over (protocol, port key).
// The port key is the destination port for tcp/udp and type*256+code for icmp/icmpv6.
#pragma once

#include "model/network_acl.h"
#include "model/rule.h"

namespace sgopt {

constexpr int kMaxPortKey = 65535;

/// Inclusive box over protocol numbers and port keys.
struct MatchBox {
  int proto_lo = 0;
  int proto_hi = 255;
  int port_lo = 0;
  int port_hi = kMaxPortKey;
  bool operator==(const MatchBox&) const = default;
};

/// Port keys an ICMP (type, code) pair selects; -1 is a wildcard. Type -1 means every key; a type
/// or code above 255 selects nothing (an empty box: port_lo > port_hi).
MatchBox icmp_box(int protocol, int type, int code);
/// AWS semantics of IpProtocol/FromPort/ToPort (AWS-SEMANTICS.md 2.2).
MatchBox sg_rule_match(const SgRule& rule);
/// AWS semantics of Protocol/PortRange/IcmpTypeCode, including 58 with an IPv4 CIDR (section 3).
MatchBox nacl_entry_match(const NaclEntry& entry);

}  // namespace sgopt
