// Short ways to write one rule, entry or packet in a test: sg_rule("tcp", 22, 22, "10.0.0.0/8").
#pragma once

#include <optional>
#include <string_view>

#include "model/network_acl.h"
#include "model/packet.h"
#include "model/rule.h"

namespace sgopt::test_support {

/// An SG rule as AWS states it: protocol by name or number ("tcp", "6", "-1", "50"), FromPort and
/// ToPort (std::nullopt when absent), and one peer: an IPv4 or IPv6 CIDR, "sg-..." or "pl-...".
/// Throws std::invalid_argument on text the model's parsers reject.
SgRule sg_rule(std::string_view protocol, std::optional<int> from, std::optional<int> to, std::string_view peer);

/// A NACL entry (ingress): rule number, allow or deny, protocol, an IPv4 or IPv6 CIDR, and the
/// optional PortRange and IcmpTypeCode.
NaclEntry nacl_entry(int number, bool allow, std::string_view protocol, std::string_view cidr,
                     std::optional<PortRange> ports = std::nullopt, std::optional<IcmpTypeCode> icmp = std::nullopt);

/// A packet: protocol, peer (an address of either family, "sg-..." or "pl-...") and port key
/// (tcp/udp: destination port; icmp/icmpv6: type * 256 + code, see icmp_key).
Packet packet(std::string_view protocol, std::string_view peer, int port_key = 0);
constexpr int icmp_key(int type, int code) { return type * 256 + code; }

}  // namespace sgopt::test_support
