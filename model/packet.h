// A concrete packet and the reference evaluator: the slow, obvious reading of AWS semantics
// that every faster engine is tested against.
#pragma once

#include "model/network_acl.h"
#include "model/rule.h"

#include <string>
#include <vector>

namespace sgopt {

/// One packet as a rule sees it. For ingress the peer is the source, for egress the destination.
struct Packet {
  PeerType peer_type = PeerType::Ipv4;
  u128 addr = 0;     // Ipv4/Ipv6 only
  std::string ref;   // Group/PrefixList only: the symbolic peer
  int protocol = 6;  // 0..255
  int port_key = 0;  // tcp/udp: destination port; icmp/icmpv6: type*256+code; else 0

  /// "tcp 203.0.113.9 port 22", "icmp 10.0.0.1 type 3 code 4", "protocol 50 sg-1".
  std::string str() const;
  bool operator==(const Packet&) const = default;
};

/// True when the rule matches the packet (written from AWS's text, not from match.h).
bool rule_matches(const SgRule& rule, const Packet& p);
/// Security-group decision for one direction: any rule matches.
bool sg_allows(const std::vector<SgRule>& rules, const Packet& p);

bool entry_matches(const NaclEntry& entry, const Packet& p);
struct NaclDecision {
  bool allow = false;
  const NaclEntry* entry = nullptr;  // null: no entry matched (implicit deny)
};
/// First match over entries in ascending rule number (entries need not be sorted).
NaclDecision nacl_decide(const std::vector<NaclEntry>& entries, const Packet& p);

}  // namespace sgopt
