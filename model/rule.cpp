// Rules and peers.
#include "model/rule.h"

namespace sgopt {

const char* direction_name(Direction d) { return d == Direction::Ingress ? "ingress" : "egress"; }

std::optional<PeerType> reference_type(std::string_view id) {
  if (id.rfind("sg-", 0) == 0 || id.find("/sg-") != std::string_view::npos) return PeerType::Group;
  if (id.rfind("pl-", 0) == 0) return PeerType::PrefixList;
  return std::nullopt;
}

std::string Peer::str() const { return is_cidr() ? cidr.str() : ref; }

}  // namespace sgopt
