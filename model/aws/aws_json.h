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
    {PeerType::Ipv4, peer_list_key(PeerType::Ipv4), "CidrIp"},
    {PeerType::Ipv6, peer_list_key(PeerType::Ipv6), "CidrIpv6"},
    {PeerType::PrefixList, peer_list_key(PeerType::PrefixList), "PrefixListId"},
    {PeerType::Group, peer_list_key(PeerType::Group), "GroupId"},
};

using sgopt::permissions_key;

}  // namespace sgopt::aws
