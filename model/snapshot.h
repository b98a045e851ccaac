// Everything loaded from the user's files: groups, ACLs, interfaces, prefix lists and warnings.
#pragma once

#include "model/network_acl.h"
#include "model/network_interface.h"
#include "model/references.h"
#include "model/security_group.h"

#include <string>
#include <vector>

namespace sgopt {

/// A rule that describe-stale-security-groups reports as referring to a stale group.
struct StaleReference {
  std::string group_id;       // the group whose rule refers to it
  std::string referenced_id;  // the stale group
  Location where;
};

struct Snapshot {
  std::vector<SecurityGroup> groups;  // input order
  std::vector<NetworkAcl> acls;
  std::vector<NetworkInterface> interfaces;
  std::vector<PrefixList> prefix_lists;
  std::vector<StaleReference> stale;  // from describe-stale-security-groups
  /// What each referenced group and prefix list stands for (References::of after loading).
  References references;
  std::vector<Diagnostic> warnings;  // odd but legal input
  std::vector<std::string> files;    // files read, in order

  const SecurityGroup* find_group(const std::string& id) const;
  const NetworkAcl* find_acl(const std::string& id) const;
  const PrefixList* find_prefix_list(const std::string& id) const;
  /// Recomputes `references` in the given mode (load_inputs does this; tests that build a
  /// snapshot by hand call it when they want references resolved).
  void resolve_references(ReferenceMode mode);
  /// Interfaces carrying the group, in input order.
  std::vector<const NetworkInterface*> interfaces_with_group(const std::string& group_id) const;
};

}  // namespace sgopt
