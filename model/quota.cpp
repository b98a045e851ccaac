// Quota counting.
#include "model/quota.h"

#include <fmt/format.h>

namespace sgopt {

std::string bucket_name(Direction d, Family f) { return fmt::format("{}/{}", direction_name(d), family_name(f)); }

Family rule_family(const SgRule& r, const Snapshot* snapshot) {
  switch (r.peer.type) {
    case PeerType::Ipv4: return Family::V4;
    case PeerType::Ipv6: return Family::V6;
    case PeerType::PrefixList:
      if (snapshot) {
        const PrefixList* pl = snapshot->find_prefix_list(r.peer.ref);
        if (pl && pl->family) return *pl->family;
        if (pl && !pl->entries.empty() && pl->entries.front().family == Family::V6) return Family::V6;
      }
      return Family::V4;
    case PeerType::Group: return Family::V4;
  }
  return Family::V4;
}

int rule_weight(const SgRule& r, const Snapshot* snapshot) {
  if (r.peer.type == PeerType::PrefixList && snapshot) {
    const PrefixList* pl = snapshot->find_prefix_list(r.peer.ref);
    if (pl && pl->max_entries > 0) return pl->max_entries;
  }
  return 1;
}

SgQuota count_sg_quota(const SecurityGroup& g, const Snapshot* snapshot) {
  SgQuota q;
  for (Direction d : {Direction::Ingress, Direction::Egress})
    for (const auto& r : g.rules(d))
      q.used[static_cast<size_t>(bucket_index(d, rule_family(r, snapshot)))] += rule_weight(r, snapshot);
  return q;
}

NaclQuota count_nacl_quota(const NetworkAcl& acl) {
  NaclQuota q;
  for (Direction d : {Direction::Ingress, Direction::Egress})
    for (const auto& e : acl.entries(d)) ++q.used[static_cast<size_t>(bucket_index(d, e.cidr.family))];
  return q;
}

}  // namespace sgopt
