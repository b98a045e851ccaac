// Rule and entry renderings.
#include "model/rule_text.h"

#include "model/protocol.h"

#include <fmt/format.h>

namespace sgopt {

std::string ports_text(int protocol, std::optional<int> from, std::optional<int> to) {
  if (is_port_protocol(protocol)) {
    if (!from || !to || *from < 0 || *to < 0) return "all";  // -1 at either end: every port
    int lo = *from, hi = *to;
    if (lo == 0 && hi == 65535) return "all";
    return lo == hi ? std::to_string(lo) : fmt::format("{}-{}", lo, hi);
  }
  if (is_icmp_protocol(protocol)) {
    int type = from.value_or(-1), code = to.value_or(-1);
    if (type < 0) return "all types";
    if (code < 0) return fmt::format("type {}", type);
    return fmt::format("type {} code {}", type, code);
  }
  return "all";
}

std::string sg_rule_text(const SgRule& r) {
  return fmt::format("{} {} {}", protocol_name(r.protocol), ports_text(r.protocol, r.from_port, r.to_port),
                     r.peer.str());
}

std::string nacl_ports_text(const NaclEntry& e) {
  if (is_port_protocol(e.protocol) && e.port_range) return ports_text(e.protocol, e.port_range->from, e.port_range->to);
  if (e.protocol == kIcmpv6 && e.cidr.family == Family::V4) return "all types";
  if (is_icmp_protocol(e.protocol) && e.icmp) return ports_text(e.protocol, e.icmp->type, e.icmp->code);
  return ports_text(e.protocol, std::nullopt, std::nullopt);
}

std::string nacl_entry_text(const NaclEntry& e) {
  std::string number = e.is_default_deny() ? "*" : std::to_string(e.rule_number);
  return fmt::format("{} {} {} {} {}", number, e.allow ? "allow" : "deny", protocol_name(e.protocol),
                     nacl_ports_text(e), e.cidr.str());
}

}  // namespace sgopt
