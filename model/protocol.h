// IP protocols as AWS spells them: names and IANA numbers, "-1" for all.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sgopt {

constexpr int kAllProtocols = -1;
constexpr int kIcmp = 1;
constexpr int kTcp = 6;
constexpr int kUdp = 17;
constexpr int kIcmpv6 = 58;

/// Accepts "-1", "all", "tcp", "udp", "icmp", "icmpv6" (and other IANA names) and "0".."255".
/// Returns -1 for all protocols, else the number. nullopt (with *why) for anything else.
std::optional<int> parse_protocol(std::string_view text, std::string* why);
/// "tcp", "udp", "icmp", "icmpv6", "all" or the decimal number.
std::string protocol_name(int protocol);
/// True when FromPort/ToPort carry a port range (tcp, udp).
constexpr bool is_port_protocol(int p) { return p == kTcp || p == kUdp; }
/// True when FromPort/ToPort carry ICMP type and code.
constexpr bool is_icmp_protocol(int p) { return p == kIcmp || p == kIcmpv6; }
/// True when packets of this protocol number have a meaningful port key (tcp, udp, icmp, icmpv6).
constexpr bool has_port_key(int p) { return is_port_protocol(p) || is_icmp_protocol(p); }

}  // namespace sgopt
