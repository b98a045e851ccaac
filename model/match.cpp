// Rule fields to (protocol, port key) boxes.
#include "model/match.h"

#include "model/protocol.h"

namespace sgopt {

MatchBox icmp_box(int protocol, int type, int code) {
  MatchBox b{protocol, protocol, 0, kMaxPortKey};
  if (type < 0) return b;
  // Types and codes are bytes: past 255 no packet has them, and type*256+code would alias the
  // keys of another type (type 3 code 300 is not type 4 code 44).
  if (type > 255 || code > 255) return MatchBox{protocol, protocol, 1, 0};
  if (code < 0) {
    b.port_lo = type * 256;
    b.port_hi = type * 256 + 255;
  } else {
    b.port_lo = b.port_hi = type * 256 + code;
  }
  return b;
}

MatchBox sg_rule_match(const SgRule& r) {
  if (r.protocol == kAllProtocols) return MatchBox{};
  MatchBox b{r.protocol, r.protocol, 0, kMaxPortKey};
  if (is_port_protocol(r.protocol)) {
    // -1 at either end (accepted only with --lenient) is every port: the widest reading.
    int from = r.from_port.value_or(-1);
    int to = r.to_port.value_or(-1);
    if (from >= 0 && to >= 0) {
      b.port_lo = from;
      b.port_hi = to;
    }
    return b;
  }
  if (is_icmp_protocol(r.protocol)) return icmp_box(r.protocol, r.from_port.value_or(-1), r.to_port.value_or(-1));
  return b;
}

MatchBox nacl_entry_match(const NaclEntry& e) {
  if (e.protocol == kAllProtocols) return MatchBox{};
  MatchBox b{e.protocol, e.protocol, 0, kMaxPortKey};
  if (is_port_protocol(e.protocol)) {
    if (e.port_range) {
      b.port_lo = e.port_range->from;
      b.port_hi = e.port_range->to;
    }
    return b;
  }
  if (e.protocol == kIcmpv6 && e.cidr.family == Family::V4) return b;
  if (is_icmp_protocol(e.protocol) && e.icmp) return icmp_box(e.protocol, e.icmp->type, e.icmp->code);
  return b;
}

}  // namespace sgopt
