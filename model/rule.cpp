// Rules and peers.
#include "model/rule.h"

#include <fmt/format.h>

namespace sgopt {

const char* direction_name(Direction d) { return d == Direction::Ingress ? "ingress" : "egress"; }

std::optional<PeerType> reference_type(std::string_view id) {
  if (id.rfind("sg-", 0) == 0 || id.find("/sg-") != std::string_view::npos) return PeerType::Group;
  if (id.rfind("pl-", 0) == 0) return PeerType::PrefixList;
  return std::nullopt;
}

Location SgRule::where() const {
  if (source.item_index < 0 || !source.where.json_pointer.empty()) return source.where;
  Location at = source.where;
  at.json_pointer = fmt::format("/SecurityGroups/{}/{}/{}/{}/{}", source.item_index, permissions_key(source.direction),
                                source.permission_index, peer_list_key(peer.type), source.peer_index);
  return at;
}

std::string Peer::str() const { return is_cidr() ? cidr.str() : ref.str(); }

}  // namespace sgopt
