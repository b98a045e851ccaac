// Reader of `aws ec2 describe-security-groups`: groups and their IpPermissions, one rule per peer element.
#include "model/aws/aws_json.h"
#include "model/aws/doc_loader.h"
#include "model/match.h"
#include "model/protocol.h"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <optional>
#include <string_view>
#include <utility>

namespace sgopt::aws {

namespace {

// The group object without its peer elements, which every rule keeps (or the writer rebuilds):
// what the writer needs of it is the group's own fields and each permission's.
Json group_skeleton(const Json& group) {
  Json out = group;
  for (Direction d : {Direction::Ingress, Direction::Egress}) {
    auto perms = out.find(aws::permissions_key(d));
    if (perms == out.end() || !perms->is_array()) continue;
    for (Json& perm : *perms) {
      if (!perm.is_object()) continue;
      for (const aws::PeerList& pl : aws::kPeerLists)
        if (auto list = perm.find(pl.list); list != perm.end() && list->is_array()) *list = Json::array();
    }
  }
  return out;
}

// True when the writer rebuilds this peer element exactly from the rule (peer_element with no
// original): then its text need not be kept. Any other field, or a value written otherwise than
// the model writes it, keeps the element as it was.
bool rebuilt_exactly(const Json& e, const aws::PeerList& pl, const SgRule& r) {
  // The writer's fields, in the order it writes them (documents keep their key order).
  struct Field {
    const char* key;
    std::optional<std::string_view> model;  // the model's text for it; none for the peer itself
  };
  const Field fields[] = {{pl.key, std::nullopt},
                          {"UserId", std::string_view(r.peer.user_id.str())},
                          {"Description", r.source.description.view()}};
  std::size_t next = 0;
  for (const auto& [key, value] : e.items()) {
    while (next < std::size(fields) && key != fields[next].key) ++next;
    if (next == std::size(fields) || !value.is_string()) return false;
    const std::string& text = value.get_ref<const std::string&>();
    const auto& model = fields[next].model;
    if (model ? text.empty() || text != *model : text != r.peer.str()) return false;
    if (next == 1 && r.peer.type != PeerType::Group) return false;  // a UserId on a CIDR or list
    ++next;
  }
  return next > 0 && std::string_view(e.begin().key()) == pl.key;
}

}  // namespace

void DocLoader::load_groups(const Json& list, const std::string& ptr) {
  for (std::size_t i = 0; i < list.size(); ++i) load_group(list[i], child(ptr, i), static_cast<int>(i));
}

void DocLoader::load_group(const Json& value, const std::string& gp, int item) {
  const Json& o = object_at(value, gp, "a security group object");
  SecurityGroup g;
  g.id = req_string(o, gp, "GroupId", kLikeGroupId);
  g.name = opt_text(o, gp, "GroupName");
  g.description = opt_text(o, gp, "Description");
  g.vpc_id = opt_text(o, gp, "VpcId");
  g.owner_id = opt_text(o, gp, "OwnerId");
  g.tags = tags(o, gp);
  g.where = Location{file(), gp, 0};
  g.raw_json = group_skeleton(o).dump();
  for (Direction d : {Direction::Ingress, Direction::Egress}) {
    const char* key = aws::permissions_key(d);
    const Json* perms = opt_array(o, gp, key);
    if (!perms) continue;
    for (std::size_t j = 0; j < perms->size(); ++j)
      load_permission(g, d, (*perms)[j], child(child(gp, key), j), static_cast<int>(j), item);
    g.rules(d).shrink_to_fit();  // rules are the bulk of a large account: no spare capacity
  }
  add_group(std::move(g));
}

void DocLoader::load_permission(SecurityGroup& g, Direction d, const Json& perm_value, const std::string& pp, int index,
                                int item) {
  const Json& perm = object_at(perm_value, pp, "an IpPermission object");
  int proto = protocol(perm, pp, "IpProtocol");
  PortFields ports = sg_ports(proto, perm, pp);
  std::size_t before = g.rules(d).size();
  const Interned group_id = g.id;
  for (const aws::PeerList& pl : aws::kPeerLists) {
    const Json* peers = opt_array(perm, pp, pl.list);
    if (!peers) continue;
    for (std::size_t k = 0; k < peers->size(); ++k) {
      std::string ep = child(child(pp, pl.list), k);
      const Json& e = object_at((*peers)[k], ep, "a peer object");
      SgRule r;
      r.protocol = proto;
      r.from_port = ports.from;
      r.to_port = ports.to;
      r.peer.type = pl.type;
      if (pl.type == PeerType::Ipv4 || pl.type == PeerType::Ipv6) {
        Family f = family_of(pl.type);
        r.peer.cidr = cidr(e, ep, pl.key, f, &r.source.peer_text);
      } else {
        r.peer.ref = req_string(e, ep, pl.key, pl.type == PeerType::Group ? kLikeGroupId : kLikePrefixListId);
        if (pl.type == PeerType::Group) {
          r.peer.user_id = opt_text(e, ep, "UserId");
          r.peer.peering_connection = opt_text(e, ep, "VpcPeeringConnectionId");
          r.peer.peering_status = opt_text(e, ep, "PeeringStatus");
        }
      }
      // The pointer is implied by the indexes (SgRule::where); the line is found in resolve().
      r.source.where = Location{file(), "", 0};
      r.source.resource_id = group_id;
      r.source.permission_index = index;
      r.source.peer_index = static_cast<int>(k);
      r.source.item_index = item;
      r.source.direction = d;
      r.source.description = opt_text(e, ep, "Description");
      if (!rebuilt_exactly(e, pl, r)) r.source.raw_json = e.dump();
      g.rules(d).push_back(std::move(r));
    }
  }
  if (g.rules(d).size() == before)
    warn(pp, "this permission names no CIDR, prefix list or group, so it allows nothing");
}

void DocLoader::add_group(SecurityGroup g) {
  auto it = group_index_.find(g.id);
  if (it != group_index_.end() && snap_.groups[it->second].rules_only) {
    // Rows came first: the describe-security-groups object replaces them, and each row must match.
    SecurityGroup& rows = snap_.groups[it->second];
    for (Direction d : {Direction::Ingress, Direction::Egress})
      for (const SgRule& row : rows.rules(d)) attach_row(g, d, row);
    rows = std::move(g);
    touched_groups_.push_back(it->second);
    return;
  }
  if (add_unique(snap_.groups, group_index_, std::move(g), "security group"))
    touched_groups_.push_back(snap_.groups.size() - 1);
}

}  // namespace sgopt::aws
