// Protocol names and numbers.
#include "model/protocol.h"

#include "model/diagnostic.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace sgopt {

namespace {
struct NamedProtocol {
  const char* name;
  int number;
};
// Names AWS, Terraform's IANA table and the CLI use. Numbers are the canonical form.
constexpr NamedProtocol kNames[] = {
    {"all", -1},       {"icmp", 1},       {"igmp", 2},        {"ipv4", 4},       {"tcp", 6},
    {"egp", 8},        {"igp", 9},        {"udp", 17},        {"ipv6", 41},      {"ipv6-route", 43},
    {"ipv6-frag", 44}, {"rsvp", 46},      {"gre", 47},        {"esp", 50},       {"ah", 51},
    {"icmpv6", 58},    {"ipv6-icmp", 58}, {"ipv6-nonxt", 59}, {"ipv6-opts", 60}, {"eigrp", 88},
    {"ospf", 89},      {"pim", 103},      {"vrrp", 112},      {"l2tp", 115},     {"sctp", 132},
};
}  // namespace

std::optional<int> parse_protocol(std::string_view text, std::string* why) {
  std::string t(text);
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::tolower(c); });
  if (t == "-1") return kAllProtocols;
  if (!t.empty() && std::all_of(t.begin(), t.end(), [](unsigned char c) { return std::isdigit(c); })) {
    int n = 0;
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), n);
    if (ec == std::errc() && p == t.data() + t.size() && n >= 0 && n <= 255) return n;
    if (why) *why = fmt::format("protocol number '{}' is outside 0-255", echo(text));
    return std::nullopt;
  }
  for (const auto& np : kNames)
    if (t == np.name) return np.number;
  if (why)
    *why = fmt::format("unknown protocol '{}' (expected tcp, udp, icmp, icmpv6, -1 or a number 0-255)", echo(text));
  return std::nullopt;
}

std::string protocol_name(int p) {
  switch (p) {
    case kAllProtocols: return "all";
    case kTcp: return "tcp";
    case kUdp: return "udp";
    case kIcmp: return "icmp";
    case kIcmpv6: return "icmpv6";
    default: return std::to_string(p);
  }
}

}  // namespace sgopt
