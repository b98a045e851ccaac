// Reader of `aws ec2 describe-network-acls`: entries per direction in rule-number order, and subnet associations.
#include "model/aws/aws_json.h"
#include "model/aws/doc_loader.h"
#include "model/match.h"
#include "model/protocol.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace sgopt::aws {

void DocLoader::load_acls(const Json& list, const std::string& ptr) {
  for (std::size_t i = 0; i < list.size(); ++i) load_acl(list[i], child(ptr, i));
}

void DocLoader::load_acl(const Json& value, const std::string& ap) {
  {
    const Json& o = object_at(value, ap, "a network ACL object");
    NetworkAcl a;
    a.id = req_string(o, ap, "NetworkAclId", kLikeAclId);
    a.vpc_id = opt_text(o, ap, "VpcId");
    a.owner_id = opt_text(o, ap, "OwnerId");
    a.is_default = opt_bool(o, ap, "IsDefault").value_or(false);
    a.tags = tags(o, ap);
    a.where = Location{file(), ap, 0};
    a.raw_json = o.dump();
    if (const Json* assocs = opt_array(o, ap, "Associations")) {
      for (std::size_t j = 0; j < assocs->size(); ++j) {
        std::string sp = child(child(ap, "Associations"), j);
        const Json& as = object_at((*assocs)[j], sp, "an association object");
        if (auto subnet = opt_string(as, sp, "SubnetId", R"(a string like "subnet-0123456789abcdef0")"))
          a.subnet_ids.push_back(*subnet);
      }
    }
    if (const Json* entries = opt_array(o, ap, "Entries")) {
      std::map<std::pair<Direction, int>, std::string> numbers;
      for (std::size_t j = 0; j < entries->size(); ++j) {
        std::string ep = child(child(ap, "Entries"), j);
        NaclEntry e = load_entry((*entries)[j], ep, a.id);
        auto [it, added] = numbers.emplace(std::pair{e.direction, e.rule_number}, ep);
        if (!added)
          fail(child(ep, "RuleNumber"),
               fmt::format("{} rule number {} is used twice in {}; the first is at {}", direction_name(e.direction),
                           e.rule_number, a.id, place(Location{file(), it->second, 0})));
        a.entries(e.direction).push_back(std::move(e));
      }
    }
    for (Direction d : {Direction::Ingress, Direction::Egress}) sort_by_rule_number(a.entries(d));
    add_unique(snap_.acls, acl_index_, std::move(a), "network ACL");
  }
}

// AWS-SEMANTICS.md section 3: Protocol is a number (names are accepted too), PortRange applies to
// 6 and 17, IcmpTypeCode to 1 and to 58 with an IPv6 block.
NaclEntry DocLoader::load_entry(const Json& value, const std::string& ep, const std::string& acl_id) {
  const Json& o = object_at(value, ep, "a network ACL entry object");
  NaclEntry e;
  e.rule_number = req_int(o, ep, "RuleNumber");
  if ((e.rule_number < 1 || e.rule_number > 32766) && !e.is_default_deny())
    fail(child(ep, "RuleNumber"), fmt::format("rule number {} is outside 1-32766 (32767 and 32768 are AWS's "
                                              "default denies)",
                                              e.rule_number));
  e.protocol = protocol(o, ep, "Protocol");
  const std::string written = req_string(o, ep, "RuleAction", R"("allow" or "deny")");
  std::string action = lower(written);
  if (action != "allow" && action != "deny")
    fail(child(ep, "RuleAction"), fmt::format("expected \"allow\" or \"deny\", found \"{}\"", echo(written)));
  e.allow = action == "allow";
  e.direction = req_bool(o, ep, "Egress") ? Direction::Egress : Direction::Ingress;
  bool v4 = find(o, "CidrBlock") != nullptr, v6 = find(o, "Ipv6CidrBlock") != nullptr;
  if (v4 == v6)
    fail(ep, v4 ? "an entry has CidrBlock or Ipv6CidrBlock, not both"
                : "missing \"CidrBlock\" or \"Ipv6CidrBlock\" (expected a string like \"10.0.0.0/16\")");
  e.cidr = v4 ? cidr(o, ep, "CidrBlock", Family::V4, &e.source.peer_text)
              : cidr(o, ep, "Ipv6CidrBlock", Family::V6, &e.source.peer_text);
  if (const Json* pr = opt_object(o, ep, "PortRange")) {
    std::string pp = child(ep, "PortRange");
    PortRange r{req_int(*pr, pp, "From"), req_int(*pr, pp, "To")};
    for (auto [v, key] : {std::pair{r.from, "From"}, std::pair{r.to, "To"}})
      if (v < 0 || v > 65535) fail(child(pp, key), fmt::format("port {} is outside 0-65535", v));
    if (r.from > r.to) fail(child(pp, "From"), fmt::format("From {} is greater than To {}", r.from, r.to));
    e.port_range = r;
  }
  if (const Json* ic = opt_object(o, ep, "IcmpTypeCode")) {
    std::string ip = child(ep, "IcmpTypeCode");
    IcmpTypeCode t{req_int(*ic, ip, "Type"), req_int(*ic, ip, "Code")};
    icmp_type_code(t.type, t.code, child(ip, "Type"), child(ip, "Code"));
    e.icmp = t;
  }
  std::string name = e.protocol == kAllProtocols ? "-1 (all)" : std::to_string(e.protocol);
  bool icmp_applies = e.protocol == kIcmp || (e.protocol == kIcmpv6 && e.cidr.family == Family::V6);
  if (is_port_protocol(e.protocol) && !e.port_range)
    fail(ep, fmt::format("a protocol {} entry needs PortRange {{\"From\", \"To\"}}", name));
  if (icmp_applies && !e.icmp)
    fail(ep, fmt::format("a protocol {} entry{} needs IcmpTypeCode {{\"Type\", \"Code\"}} (-1 means all)", name,
                         e.protocol == kIcmpv6 ? " with an IPv6 block" : ""));
  if (e.port_range && !is_port_protocol(e.protocol))
    warn(child(ep, "PortRange"), fmt::format("PortRange is ignored: protocol {} has no ports", name));
  if (e.icmp && !icmp_applies)
    warn(child(ep, "IcmpTypeCode"),
         e.protocol == kIcmpv6 ? "IcmpTypeCode is ignored: protocol 58 with an IPv4 block matches every type and code"
                               : fmt::format("IcmpTypeCode is ignored: protocol {} is not ICMP", name));
  e.source.where = Location{file(), ep, 0};
  e.source.resource_id = acl_id;
  e.source.raw_json = o.dump();
  return e;
}

}  // namespace sgopt::aws
