// What the describe-* readers and writers share: the JSON type and the names of the peer lists.
#pragma once

#include "model/json/json.h"
#include "model/rule.h"

namespace sgopt::aws {

using json::Json;

/// One peer list of an IpPermission and the key that names the peer in each of its elements.
struct PeerList {
  PeerType type;
  const char* list;
  const char* key;
};
/// In the order AWS prints them; rules of one permission are read and written in this order.
inline constexpr PeerList kPeerLists[] = {
    {PeerType::Ipv4, "IpRanges", "CidrIp"},
    {PeerType::Ipv6, "Ipv6Ranges", "CidrIpv6"},
    {PeerType::PrefixList, "PrefixListIds", "PrefixListId"},
    {PeerType::Group, "UserIdGroupPairs", "GroupId"},
};

inline const char* permissions_key(Direction d) {
  return d == Direction::Ingress ? "IpPermissions" : "IpPermissionsEgress";
}

}  // namespace sgopt::aws
