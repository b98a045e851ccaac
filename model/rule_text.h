// One-line human renderings of rules and entries ("tcp 22 203.0.113.0/24"), shared by every output.
#pragma once

#include "model/network_acl.h"
#include "model/rule.h"

#include <optional>
#include <string>

namespace sgopt {

/// "22", "1024-65535", "all" for tcp/udp; "type 3 code 4", "type 8", "all types" for ICMP;
/// "all" for every other protocol.
std::string ports_text(int protocol, std::optional<int> from, std::optional<int> to);
/// "tcp 22 203.0.113.0/24"
std::string sg_rule_text(const SgRule& rule);
/// "100 allow tcp 22 0.0.0.0/0"
std::string nacl_entry_text(const NaclEntry& entry);
/// Ports of a NACL entry in the same words as ports_text.
std::string nacl_ports_text(const NaclEntry& entry);

}  // namespace sgopt
