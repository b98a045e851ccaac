// Reader of `aws ec2 describe-network-interfaces`: each interface's groups, subnet and private addresses.
#include "model/aws/aws_json.h"
#include "model/aws/doc_loader.h"
#include "model/match.h"
#include "model/protocol.h"

#include <fmt/format.h>

#include <algorithm>

namespace sgopt::aws {

void DocLoader::load_interfaces(const Json& list, const std::string& ptr) {
  for (std::size_t i = 0; i < list.size(); ++i) {
    std::string np = child(ptr, i);
    const Json& o = object_at(list[i], np, "a network interface object");
    NetworkInterface n;
    n.id = req_string(o, np, "NetworkInterfaceId", kLikeEniId);
    n.subnet_id = opt_text(o, np, "SubnetId");
    n.vpc_id = opt_text(o, np, "VpcId");
    n.description = opt_text(o, np, "Description");
    n.interface_type = opt_text(o, np, "InterfaceType");
    if (const Json* groups = opt_array(o, np, "Groups"))
      for (std::size_t j = 0; j < groups->size(); ++j) {
        std::string gp = child(child(np, "Groups"), j);
        n.group_ids.push_back(req_string(object_at((*groups)[j], gp, "a group object"), gp, "GroupId", kLikeGroupId));
      }
    auto add_v4 = [&](u128 a) {
      if (std::find(n.private_ipv4.begin(), n.private_ipv4.end(), a) == n.private_ipv4.end())
        n.private_ipv4.push_back(a);
    };
    if (find(o, "PrivateIpAddress")) add_v4(address(o, np, "PrivateIpAddress", Family::V4));
    if (const Json* ips = opt_array(o, np, "PrivateIpAddresses"))
      for (std::size_t j = 0; j < ips->size(); ++j) {
        std::string ip = child(child(np, "PrivateIpAddresses"), j);
        add_v4(address(object_at((*ips)[j], ip, "an address object"), ip, "PrivateIpAddress", Family::V4));
      }
    if (const Json* ips = opt_array(o, np, "Ipv6Addresses"))
      for (std::size_t j = 0; j < ips->size(); ++j) {
        std::string ip = child(child(np, "Ipv6Addresses"), j);
        u128 a = address(object_at((*ips)[j], ip, "an address object"), ip, "Ipv6Address", Family::V6);
        if (std::find(n.ipv6.begin(), n.ipv6.end(), a) == n.ipv6.end()) n.ipv6.push_back(a);
      }
    // Prefix delegation: the interface owns every address of each prefix, and a group reference
    // matches them all.
    for (auto [prefix_list, key, family] :
         {std::tuple{"Ipv4Prefixes", "Ipv4Prefix", Family::V4}, std::tuple{"Ipv6Prefixes", "Ipv6Prefix", Family::V6}})
      if (const Json* prefixes = opt_array(o, np, prefix_list))
        for (std::size_t j = 0; j < prefixes->size(); ++j) {
          std::string pp = child(child(np, prefix_list), j);
          n.prefixes.push_back(cidr(object_at((*prefixes)[j], pp, "a prefix object"), pp, key, family, nullptr));
        }
    if (const Json* assoc = opt_object(o, np, "Association"))
      n.public_ip = opt_text(*assoc, child(np, "Association"), "PublicIp");
    n.where = Location{file(), np, 0};
    n.raw_json = o.dump();
    add_unique(snap_.interfaces, eni_index_, std::move(n), "network interface");
  }
}

}  // namespace sgopt::aws
