// Reader of `aws ec2 describe-stale-security-groups`: the rules of each group that refer to a
// group AWS reports stale (deleted in a peered VPC, or behind a deleted peering).
#include "model/aws/aws_json.h"
#include "model/aws/doc_loader.h"

namespace sgopt::aws {

void DocLoader::load_stale_groups(const Json& list, const std::string& ptr) {
  for (std::size_t i = 0; i < list.size(); ++i) {
    std::string gp = child(ptr, i);
    const Json& o = object_at(list[i], gp, "a stale security group object");
    std::string group_id = req_string(o, gp, "GroupId", kLikeGroupId);
    for (const char* key : {"StaleIpPermissions", "StaleIpPermissionsEgress"}) {
      const Json* perms = opt_array(o, gp, key);
      if (!perms) continue;
      for (std::size_t j = 0; j < perms->size(); ++j) {
        std::string pp = child(child(gp, key), j);
        const Json& perm = object_at((*perms)[j], pp, "a stale permission object");
        const Json* pairs = opt_array(perm, pp, "UserIdGroupPairs");
        if (!pairs) continue;
        for (std::size_t k = 0; k < pairs->size(); ++k) {
          std::string ep = child(child(pp, "UserIdGroupPairs"), k);
          const Json& pair = object_at((*pairs)[k], ep, "a group pair object");
          snap_.stale.push_back(
              StaleReference{group_id, req_string(pair, ep, "GroupId", kLikeGroupId), Location{file(), ep, 0}});
        }
      }
    }
  }
}

}  // namespace sgopt::aws
