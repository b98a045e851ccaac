// Everything loaded from the user's files: groups, ACLs, interfaces, prefix lists and warnings.
#pragma once

#include "model/network_acl.h"
#include "model/network_interface.h"
#include "model/security_group.h"

#include <string>
#include <vector>

namespace sgopt {

struct Snapshot {
  std::vector<SecurityGroup> groups;  // input order
  std::vector<NetworkAcl> acls;
  std::vector<NetworkInterface> interfaces;
  std::vector<PrefixList> prefix_lists;
  std::vector<Diagnostic> warnings;  // odd but legal input
  std::vector<std::string> files;    // files read, in order

  const SecurityGroup* find_group(const std::string& id) const;
  const NetworkAcl* find_acl(const std::string& id) const;
  const PrefixList* find_prefix_list(const std::string& id) const;
  /// Interfaces carrying the group, in input order.
  std::vector<const NetworkInterface*> interfaces_with_group(const std::string& group_id) const;
};

}  // namespace sgopt
