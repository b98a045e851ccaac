// Interfaces in their subnets, and the reference evaluator of both layers (model/topology.h).
#include "model/topology.h"

#include "model/protocol.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace sgopt {

std::string EphemeralPorts::str() const { return fmt::format("{}-{}", lo, hi); }

std::optional<EphemeralPorts> parse_ephemeral_ports(const std::string& text, std::string* why) {
  auto number = [](std::string_view s, int* out) {
    if (s.empty() || s.size() > 5) return false;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
    return ec == std::errc() && end == s.data() + s.size() && *out >= 0 && *out <= 65535;
  };
  std::string_view s(text);
  auto dash = s.find('-');
  EphemeralPorts p;
  if (dash == std::string_view::npos || !number(s.substr(0, dash), &p.lo) || !number(s.substr(dash + 1), &p.hi)) {
    *why = "expected LO-HI, two port numbers 0-65535 like 1024-65535";
    return std::nullopt;
  }
  if (p.lo > p.hi) {
    *why = fmt::format("the range starts at {} and ends at {}; LO must not exceed HI", p.lo, p.hi);
    return std::nullopt;
  }
  return p;
}

bool Placement::same_subnet(Family f, u128 addr) const {
  if (!subnet) return false;
  return std::any_of(subnet->cidrs.begin(), subnet->cidrs.end(), [&](const Cidr& c) { return c.contains(f, addr); });
}

const NetworkAcl* subnet_acl(const Snapshot& snapshot, const std::string& subnet_id, const std::string& vpc_id,
                             std::string* why) {
  if (subnet_id.empty()) {
    *why = "the interface names no subnet";
    return nullptr;
  }
  if (const NetworkAcl* a = snapshot.acl_associated_with(subnet_id)) {
    *why = fmt::format("{} is associated with {}", subnet_id, a->id);
    return a;
  }
  if (const NetworkAcl* a = snapshot.default_acl(vpc_id)) {
    *why = fmt::format("{} is in no loaded ACL's Associations, so it uses {}, the default ACL of {}", subnet_id, a->id,
                       vpc_id);
    return a;
  }
  *why = snapshot.acls.empty() ? "no describe-network-acls input is loaded"
                               : fmt::format("no loaded ACL is associated with {} and no default ACL of {} is loaded",
                                             subnet_id, vpc_id.empty() ? "its VPC" : vpc_id);
  return nullptr;
}

Placement place_interface(const Snapshot& snapshot, const NetworkInterface& eni) {
  Placement p;
  p.eni = &eni;
  p.subnet = eni.subnet_id.empty() ? nullptr : snapshot.find_subnet(eni.subnet_id);
  std::string vpc = !eni.vpc_id.empty() ? eni.vpc_id : p.subnet ? p.subnet->vpc_id : std::string();
  p.acl = subnet_acl(snapshot, eni.subnet_id, vpc, &p.acl_why);
  if (!p.subnet)
    p.subnet_assumption = snapshot.subnets.empty()
                              ? "describe-subnets is not loaded: every peer is taken to be outside the subnet, so "
                                "same-subnet traffic is judged as if it crossed the ACL"
                              : fmt::format(
                                    "describe-subnets does not describe {}: every peer is taken to be outside "
                                    "it, so same-subnet traffic is judged as if it crossed the ACL",
                                    eni.subnet_id.empty() ? "the interface's subnet" : eni.subnet_id);
  for (const std::string& gid : eni.group_ids) {
    if (const SecurityGroup* g = snapshot.find_group(gid))
      p.groups.push_back(g);
    else
      p.missing_groups.push_back(gid);
  }
  return p;
}

std::vector<const NetworkInterface*> interfaces_behind(const Snapshot& snapshot, const NetworkAcl& acl) {
  return snapshot.interfaces_behind(acl);
}

std::optional<Packet> reply_packet(const Packet& request, int client_port) {
  if (is_icmp_protocol(request.protocol)) return std::nullopt;
  Packet r = request;
  r.port_key = is_port_protocol(request.protocol) ? client_port : 0;
  return r;
}

FlowVerdict evaluate_flow(const Placement& place, Direction direction, const Packet& request, int client_port,
                          const References* refs) {
  FlowVerdict v;
  const NetworkAcl& acl = *place.acl;
  Direction back = direction == Direction::Ingress ? Direction::Egress : Direction::Ingress;
  v.same_subnet = place.same_subnet(request.family, request.addr);
  if (!v.same_subnet) v.acl_request = nacl_decide(acl.entries(direction), request);
  for (const SecurityGroup* g : place.groups) {
    for (const SgRule& r : g->rules(direction))
      if (rule_matches(r, request, refs)) {
        v.group = g;
        v.rule = &r;
        break;
      }
    if (v.rule) break;
  }
  if (auto reply = reply_packet(request, client_port)) {
    v.reply_checked = true;
    if (!v.same_subnet) v.acl_reply = nacl_decide(acl.entries(back), *reply);
  }
  return v;
}

}  // namespace sgopt
