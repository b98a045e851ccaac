// Short ways to write rules, entries, packets, groups and ACLs in tests and benchmarks, through
// the model's own parsers: sg_rule("tcp", 22, 22, "10.0.0.0/8"), tcp(22, 22, "sg-1"),
// rule(kTcp, 22, 22, v4("10.0.0.0/8")), nacl_entry(100, true, "tcp", "0.0.0.0/0", PortRange{22, 22}).
// Text a parser rejects throws std::invalid_argument.
#pragma once

#include "model/network_acl.h"
#include "model/packet.h"
#include "model/rule.h"
#include "model/security_group.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sgopt::test_support {

/// A CIDR block of either family ("10.0.0.0/8", "2001:db8::/32"), canonicalised as AWS does.
Cidr cidr(std::string_view text);
inline Cidr v4(const char* text) { return cidr(text); }
inline Cidr v6(const char* text) { return cidr(text); }
/// A peer: an IPv4 or IPv6 CIDR, "sg-..." (a referenced group) or "pl-..." (a prefix list).
Peer peer(std::string_view text);

/// An SG rule as AWS states it: protocol by name or number ("tcp", "6", "-1", "50"), FromPort and
/// ToPort (std::nullopt when absent) and one peer (see peer()).
SgRule sg_rule(std::string_view protocol, std::optional<int> from, std::optional<int> to, std::string_view peer);
/// The same with the protocol as a number (-1 all); the rule also gets a permission index and a
/// location in "test.json".
SgRule sg_rule(int protocol, std::optional<int> from, std::optional<int> to, const std::string& peer,
               int permission_index = 0);
/// tcp from-to from the peer.
SgRule tcp(int from, int to, const std::string& peer, int permission_index = 0);
/// A rule with a CIDR peer.
SgRule rule(int protocol, std::optional<int> from, std::optional<int> to, Cidr c);

/// A NACL entry (ingress): rule number, allow or deny, protocol, an IPv4 or IPv6 CIDR, and the
/// optional PortRange and IcmpTypeCode.
NaclEntry nacl_entry(int number, bool allow, std::string_view protocol, std::string_view cidr,
                     std::optional<PortRange> ports = std::nullopt, std::optional<IcmpTypeCode> icmp = std::nullopt);
/// A NACL entry with a numeric protocol: ports for tcp/udp (from < 0: no PortRange), ICMP type and
/// code for icmp/icmpv6; it gets a location in "test.json".
NaclEntry nacl_entry(int number, bool allow, int protocol, int from, int to, const std::string& cidr,
                     Direction d = Direction::Ingress);
/// An ingress entry with a CIDR and an optional PortRange.
NaclEntry entry(int number, bool allow, int protocol, Cidr c, std::optional<PortRange> ports = std::nullopt);

/// A packet: protocol, peer (an address of either family; "sg-..." or "pl-..." for a member of the
/// reference at 0.0.0.0, "sg-1@10.0.0.5" for one at an address) and port key (tcp/udp:
/// destination port; icmp/icmpv6: type * 256 + code, see icmp_key).
Packet packet(std::string_view protocol, std::string_view peer, int port_key = 0);
constexpr int icmp_key(int type, int code) { return type * 256 + code; }

/// A group with the given rules; permission indexes are renumbered in order.
SecurityGroup group(const std::string& id, std::vector<SgRule> ingress, std::vector<SgRule> egress = {},
                    const std::string& name = "");
/// The rules minus those at the given indexes.
std::vector<SgRule> without(const std::vector<SgRule>& rules, const std::vector<std::size_t>& drop);
/// An ACL; entries go to their direction, in rule-number order.
NetworkAcl acl(const std::string& id, std::vector<NaclEntry> entries);

}  // namespace sgopt::test_support
