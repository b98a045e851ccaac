// Reader of `aws ec2 describe-subnets`: each subnet's VPC and address blocks, which say what
// traffic stays inside the subnet (no network ACL filters it there).
#include "model/aws/aws_json.h"
#include "model/aws/doc_loader.h"

#include <fmt/format.h>

namespace sgopt::aws {

void DocLoader::load_subnets(const Json& list, const std::string& ptr) {
  for (std::size_t i = 0; i < list.size(); ++i) {
    std::string sp = child(ptr, i);
    const Json& o = object_at(list[i], sp, "a subnet object");
    Subnet s;
    s.id = req_string(o, sp, "SubnetId", kLikeSubnetId);
    s.vpc_id = opt_text(o, sp, "VpcId");
    s.availability_zone = opt_text(o, sp, "AvailabilityZone");
    if (find(o, "CidrBlock")) s.cidrs.push_back(cidr(o, sp, "CidrBlock", Family::V4, nullptr));
    if (const Json* blocks = opt_array(o, sp, "Ipv6CidrBlockAssociationSet"))
      for (std::size_t j = 0; j < blocks->size(); ++j) {
        std::string bp = child(child(sp, "Ipv6CidrBlockAssociationSet"), j);
        const Json& b = object_at((*blocks)[j], bp, "an IPv6 CIDR block association object");
        // A block being disassociated or gone no longer belongs to the subnet.
        std::string state;
        if (const Json* st = opt_object(b, bp, "Ipv6CidrBlockState"))
          state = lower(opt_text(*st, child(bp, "Ipv6CidrBlockState"), "State"));
        if (state == "disassociated" || state == "disassociating" || state == "failed") continue;
        s.cidrs.push_back(cidr(b, bp, "Ipv6CidrBlock", Family::V6, nullptr));
      }
    s.where = Location{file(), sp, 0};
    add_unique(snap_.subnets, subnet_index_, std::move(s), "subnet");
  }
}

}  // namespace sgopt::aws
