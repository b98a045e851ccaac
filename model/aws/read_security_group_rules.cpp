// Reader of `aws ec2 describe-security-group-rules`: one rule a row, matched to the groups of describe-security-groups
// when both are loaded.
#include "model/aws/aws_json.h"
#include "model/aws/doc_loader.h"
#include "model/match.h"
#include "model/protocol.h"

#include <fmt/format.h>

#include <algorithm>

namespace sgopt::aws {

void DocLoader::load_rule_rows(const Json& list, const std::string& ptr) {
  for (std::size_t i = 0; i < list.size(); ++i) {
    std::string rp = child(ptr, i);
    const Json& o = object_at(list[i], rp, "a security group rule object");
    std::string group_id = req_string(o, rp, "GroupId", kLikeGroupId);
    Direction d = req_bool(o, rp, "IsEgress") ? Direction::Egress : Direction::Ingress;
    SgRule r;
    r.protocol = protocol(o, rp, "IpProtocol");
    PortFields ports = sg_ports(r.protocol, o, rp);
    r.from_port = ports.from;
    r.to_port = ports.to;
    int peers = 0;
    for (const char* key : {"CidrIpv4", "CidrIpv6", "PrefixListId", "ReferencedGroupInfo"})
      peers += find(o, key) != nullptr;
    if (peers != 1)
      fail(rp, fmt::format("a rule row needs exactly one of CidrIpv4, CidrIpv6, PrefixListId and "
                           "ReferencedGroupInfo, found {}",
                           peers));
    if (find(o, "CidrIpv4")) {
      r.peer.type = PeerType::Ipv4;
      r.peer.cidr = cidr(o, rp, "CidrIpv4", Family::V4, &r.source.peer_text);
    } else if (find(o, "CidrIpv6")) {
      r.peer.type = PeerType::Ipv6;
      r.peer.cidr = cidr(o, rp, "CidrIpv6", Family::V6, &r.source.peer_text);
    } else if (find(o, "PrefixListId")) {
      r.peer.type = PeerType::PrefixList;
      r.peer.ref = req_string(o, rp, "PrefixListId", kLikePrefixListId);
    } else {
      std::string gp = child(rp, "ReferencedGroupInfo");
      const Json& ref = *opt_object(o, rp, "ReferencedGroupInfo");
      r.peer.type = PeerType::Group;
      r.peer.ref = req_string(ref, gp, "GroupId", kLikeGroupId);
      r.peer.user_id = opt_text(ref, gp, "UserId");
      r.peer.peering_connection = opt_text(ref, gp, "VpcPeeringConnectionId");
      r.peer.peering_status = opt_text(ref, gp, "PeeringStatus");
    }
    r.source.where = Location{file(), rp, 0};
    r.source.resource_id = group_id;
    r.source.rule_id =
        opt_string(o, rp, "SecurityGroupRuleId", R"(a string like "sgr-0123456789abcdef0")").value_or("");
    r.source.description = opt_text(o, rp, "Description");
    add_row(group_id, opt_text(o, rp, "GroupOwnerId"), d, std::move(r));
  }
}

void DocLoader::add_row(const std::string& group_id, const std::string& owner_id, Direction d, SgRule rule) {
  auto it = group_index_.find(group_id);
  if (it == group_index_.end()) {
    SecurityGroup g;
    g.id = group_id;
    g.owner_id = owner_id;
    g.where = rule.source.where;
    g.rules_only = true;
    it = group_index_.emplace(group_id, snap_.groups.size()).first;
    snap_.groups.push_back(std::move(g));
  }
  touched_groups_.push_back(it->second);
  SecurityGroup& g = snap_.groups[it->second];
  if (!g.rules_only) {
    attach_row(g, d, rule);
    return;
  }
  if (!rule.source.rule_id.empty())
    for (Direction dd : {Direction::Ingress, Direction::Egress})
      for (const SgRule& r : g.rules(dd))
        if (r.source.rule_id == rule.source.rule_id)
          fail_at(rule.where(), fmt::format("security group rule {} is listed twice; the first is at {}",
                                            rule.source.rule_id, place(r.where())));
  g.rules(d).push_back(std::move(rule));
}

void DocLoader::attach_row(SecurityGroup& g, Direction d, const SgRule& row) const {
  MatchBox box = sg_rule_match(row);
  for (SgRule& r : g.rules(d)) {
    if (!r.source.rule_id.empty() || !(r.peer == row.peer) || !(sg_rule_match(r) == box)) continue;
    r.source.rule_id = row.source.rule_id;
    return;
  }
  fail_at(row.source.where,
          fmt::format("describe-security-group-rules row{} ({} {} {}) matches no {} rule that "
                      "describe-security-groups gives for {} at {}; the two exports disagree (load exports "
                      "taken at the same time)",
                      row.source.rule_id.empty() ? "" : " " + row.source.rule_id, direction_name(d),
                      row.protocol == kAllProtocols ? "all" : protocol_name(row.protocol), row.peer.str(),
                      direction_name(d), g.id, place(g.where)));
}

}  // namespace sgopt::aws
