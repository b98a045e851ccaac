// Rules and peers.
#include "model/rule.h"

#include <fmt/format.h>

#include <array>
#include <charconv>

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

std::optional<ImpliedPlace> implied_place(std::string_view pointer) {
  constexpr std::string_view kHead = "/SecurityGroups/";
  if (pointer.substr(0, kHead.size()) != kHead) return std::nullopt;
  std::array<std::string_view, 5> part;  // item, permission list, permission, peer list, peer
  std::string_view rest = pointer.substr(kHead.size());
  for (std::size_t n = 0; n < part.size(); ++n) {
    std::size_t slash = rest.find('/');
    if ((slash == std::string_view::npos) != (n + 1 == part.size())) return std::nullopt;
    part[n] = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
  }
  auto number = [](std::string_view t, int& v) {
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    return ec == std::errc() && end == t.data() + t.size() && v >= 0;
  };
  ImpliedPlace at;
  if (!number(part[0], at.item) || !number(part[2], at.permission) || !number(part[4], at.peer)) return std::nullopt;
  if (part[1] == permissions_key(Direction::Egress))
    at.direction = Direction::Egress;
  else if (part[1] != permissions_key(Direction::Ingress))
    return std::nullopt;
  for (PeerType t : {PeerType::Ipv4, PeerType::Ipv6, PeerType::Group, PeerType::PrefixList})
    if (part[3] == peer_list_key(t)) {
      at.type = t;
      return at;
    }
  return std::nullopt;
}

std::string Peer::str() const { return is_cidr() ? cidr.str() : ref.str(); }

}  // namespace sgopt
