// A concrete packet and the reference evaluator: the slow, obvious reading of AWS semantics
// that every faster engine is tested against.
#pragma once

#include "model/network_acl.h"
#include "model/references.h"
#include "model/rule.h"

#include <optional>
#include <string>
#include <vector>

namespace sgopt {

/// The peer address is one of a referenced group's members or of an unresolved prefix list's
/// addresses (open world, model/references.h).
struct Membership {
  PeerType type = PeerType::Group;  // Group or PrefixList
  std::string id;
  bool operator==(const Membership&) const = default;
};

/// One packet as a rule sees it. For ingress the peer is the source, for egress the destination.
struct Packet {
  Family family = Family::V4;
  u128 addr = 0;                     // the peer address (IPv4 in the low 32 bits)
  std::optional<Membership> member;  // open world: the group or list the address belongs to, if any
  int protocol = 6;                  // 0..255
  int port_key = 0;                  // tcp/udp: destination port; icmp/icmpv6: type*256+code; else 0

  /// "tcp 203.0.113.9 port 22", "icmp 10.0.0.1 type 3 code 4", "tcp 10.1.2.3 port 443, a member
  /// of sg-2".
  std::string str() const;
  bool operator==(const Packet&) const = default;
};

/// True when the rule matches the packet (written from AWS's text, not from match.h). A reference
/// `refs` resolves matches the packet's address against its members; otherwise it matches packets
/// that are its members (of the list's family, when a prefix list's family is known).
bool rule_matches(const SgRule& rule, const Packet& p, const References* refs = nullptr);
/// Security-group decision for one direction: any rule matches.
bool sg_allows(const std::vector<SgRule>& rules, const Packet& p, const References* refs = nullptr);

bool entry_matches(const NaclEntry& entry, const Packet& p);
struct NaclDecision {
  bool allow = false;
  const NaclEntry* entry = nullptr;  // null: no entry matched (implicit deny)
};
/// First match over entries in ascending rule number (entries need not be sorted).
NaclDecision nacl_decide(const std::vector<NaclEntry>& entries, const Packet& p);

}  // namespace sgopt
