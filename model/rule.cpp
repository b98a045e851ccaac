// Rules and peers.
#include "model/rule.h"

namespace sgopt {

const char* direction_name(Direction d) { return d == Direction::Ingress ? "ingress" : "egress"; }

std::string Peer::str() const { return is_cidr() ? cidr.str() : ref; }

}  // namespace sgopt
