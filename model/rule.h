// Security-group rules at AWS quota granularity: one rule per CIDR, group reference or prefix list.
#pragma once

#include "model/diagnostic.h"
#include "model/ip.h"
#include "model/text.h"

#include <optional>
#include <string>
#include <string_view>
#include <tuple>

namespace sgopt {

enum class Direction : std::uint8_t { Ingress = 0, Egress = 1 };
const char* direction_name(Direction d);  // "ingress" / "egress"

enum class PeerType : std::uint8_t { Ipv4, Ipv6, Group, PrefixList };
/// The peer type of a CIDR of the family.
constexpr PeerType peer_type_of(Family f) { return f == Family::V4 ? PeerType::Ipv4 : PeerType::Ipv6; }
/// The family of a CIDR peer type (Ipv6 for Ipv6, else IPv4).
constexpr Family family_of(PeerType t) { return t == PeerType::Ipv6 ? Family::V6 : Family::V4; }
/// Group for "sg-..." (also "123456789012/sg-..."), PrefixList for "pl-...", nullopt otherwise.
std::optional<PeerType> reference_type(std::string_view id);

/// The other end of a rule: a CIDR, a referenced security group, or a prefix list.
struct Peer {
  Cidr cidr;                    // Ipv4 / Ipv6
  Interned ref;                 // group id ("sg-...") or prefix-list id ("pl-..."): few, each held by many rules
  Interned user_id;             // owner account of a referenced group, when given
  Interned peering_connection;  // a referenced group across a VPC peering: pcx-...
  Interned peering_status;      // and the peering's status ("active", "deleted", ...), when given
  PeerType type = PeerType::Ipv4;

  /// The peer as the user wrote it in the canonical form: "10.0.0.0/8", "sg-1", "pl-2".
  std::string str() const;
  bool is_cidr() const { return type == PeerType::Ipv4 || type == PeerType::Ipv6; }
  bool operator==(const Peer& o) const { return type == o.type && cidr == o.cidr && ref == o.ref; }
};

/// The peer that is this CIDR.
inline Peer cidr_peer(const Cidr& c) {
  Peer p;
  p.type = peer_type_of(c.family);
  p.cidr = c;
  return p;
}

/// Where a rule came from, so that every finding can point at what the user wrote.
struct RuleSource {
  /// File, line and JSON pointer of the peer element (or the rule row, or the NACL entry). A rule of
  /// a describe-security-groups group leaves the pointer empty and says where it is with
  /// item_index, direction and the two indexes: SgRule::where() makes the pointer when asked (an
  /// account's rules are the bulk of its model, and the pointer would be the longest text of each).
  Location where;
  Interned resource_id;                      // group or ACL id
  int permission_index = -1;                 // index in IpPermissions / IpPermissionsEgress
  int peer_index = -1;                       // index of the peer inside the permission's peer list
  int item_index = -1;                       // index of the group in its document's SecurityGroups array; -1: not so
  Direction direction = Direction::Ingress;  // with item_index: the permission list
  Text peer_text;                            // the peer as written, when that is not Peer::str() (else empty)
  Text rule_id;                              // sgr-... when the input had one
  Text description;
  Text address;  // the Terraform address or CloudFormation logical id that declares the rule, if any
  /// The original peer element (IpRanges/Ipv6Ranges/PrefixListIds/UserIdGroupPairs item) or NACL
  /// entry as compact JSON, so that writers keep fields sgopt does not model. Empty for new rules
  /// and for rules read from describe-security-group-rules rows.
  Text raw_json;
};

/// "IpPermissions" / "IpPermissionsEgress": the describe-security-groups list of a direction.
constexpr const char* permissions_key(Direction d) {
  return d == Direction::Ingress ? "IpPermissions" : "IpPermissionsEgress";
}
/// The IpPermission list that holds peers of the type: "IpRanges", "Ipv6Ranges", "PrefixListIds",
/// "UserIdGroupPairs".
constexpr const char* peer_list_key(PeerType t) {
  switch (t) {
    case PeerType::Ipv4: return "IpRanges";
    case PeerType::Ipv6: return "Ipv6Ranges";
    case PeerType::PrefixList: return "PrefixListIds";
    case PeerType::Group: return "UserIdGroupPairs";
  }
  return "";
}

/// One security-group rule: protocol, ports (or ICMP type/code) and one peer.
/// Fields are kept as AWS states them; model/match.h turns them into a match box.
struct SgRule {
  Peer peer;
  RuleSource source;
  int protocol = -1;             // -1 all, else IANA number
  std::optional<int> from_port;  // absent when the input had none
  std::optional<int> to_port;

  /// Where the rule is in its input (RuleSource::where, with the pointer made when it is implied).
  Location where() const;
};

/// A value the input leaves open (a Terraform value known only after apply, a CloudFormation
/// intrinsic that cannot be evaluated without the account): the rules or entries it feeds are not
/// in the model, so every claim about the direction they belong to is unknown.
struct Unresolved {
  Direction direction = Direction::Ingress;
  Location where;
  std::string what;  // "cidr_blocks is known only after apply", with the resource it belongs to
};

/// How AWS tells two rules of one group and direction apart: protocol, ports as stored, and peer.
inline auto aws_rule_key(const SgRule& r) {
  return std::make_tuple(r.protocol, r.from_port.value_or(-2), r.to_port.value_or(-2), static_cast<int>(r.peer.type),
                         r.peer.cidr.addr, r.peer.cidr.len, r.peer.ref);
}

/// What an implied pointer (SgRule::where) says, read back from it:
/// "/SecurityGroups/{item}/{permissions_key(direction)}/{permission}/{peer_list_key(type)}/{peer}".
struct ImpliedPlace {
  int item = 0, permission = 0, peer = 0;
  Direction direction = Direction::Ingress;
  PeerType type = PeerType::Ipv4;
};
/// The place `pointer` names, or nullopt when it does not have that shape.
std::optional<ImpliedPlace> implied_place(std::string_view pointer);

}  // namespace sgopt
