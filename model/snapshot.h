// Everything loaded from the user's files: groups, ACLs, interfaces, prefix lists and warnings.
#pragma once

#include "model/network_acl.h"
#include "model/network_interface.h"
#include "model/references.h"
#include "model/security_group.h"

#include <cstdint>
#include <string>
#include <unordered_map>
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
  std::vector<Subnet> subnets;        // from describe-subnets
  std::vector<StaleReference> stale;  // from describe-stale-security-groups
  /// Launch template versions and launch configurations (what attaches groups later).
  std::vector<GroupConsumer> consumers;
  /// What each referenced group and prefix list stands for (References::of after loading).
  References references;
  std::vector<Diagnostic> warnings;  // odd but legal input
  std::vector<std::string> files;    // files read, in order
  /// The input holds a before and an after of the same resources (a Terraform plan, AWS Config
  /// history), so that `diff` can compare them from one input (LoadOptions::side).
  bool two_sided = false;

  /// Look-ups by id. They use the index that index() builds (load_inputs and
  /// resolve_references build it) while the lists keep the sizes it was built for, and scan the
  /// lists otherwise, so a snapshot changed after indexing still answers right.
  const SecurityGroup* find_group(const std::string& id) const;
  const NetworkAcl* find_acl(const std::string& id) const;
  const PrefixList* find_prefix_list(const std::string& id) const;
  const Subnet* find_subnet(const std::string& id) const;
  /// The ACL whose Associations name the subnet, if a loaded one does.
  const NetworkAcl* acl_associated_with(const std::string& subnet_id) const;
  /// The first loaded default ACL (IsDefault) of the VPC, if any.
  const NetworkAcl* default_acl(const std::string& vpc_id) const;
  /// The ACL that filters the subnet's boundary: the one associated with it, else its VPC's
  /// default ACL (a subnet not explicitly associated uses it), else null.
  const NetworkAcl* subnet_acl(const std::string& subnet_id, const std::string& vpc_id) const;
  /// The interfaces whose subnet's ACL (subnet_acl, the VPC taken from the subnet's first
  /// interface, else from describe-subnets) is `acl`: by subnet in order of first appearance, then
  /// in input order.
  std::vector<const NetworkInterface*> interfaces_behind(const NetworkAcl& acl) const;
  /// Recomputes `references` in the given mode and the index (load_inputs does this; tests that
  /// build a snapshot by hand call it when they want references resolved).
  void resolve_references(ReferenceMode mode);
  /// Interfaces carrying the group, in input order.
  std::vector<const NetworkInterface*> interfaces_with_group(const std::string& group_id) const;
  /// Interfaces in the subnet, in input order.
  std::vector<const NetworkInterface*> interfaces_in_subnet(const std::string& subnet_id) const;
  /// The subnets the interfaces name, each once, in order of first appearance.
  std::vector<std::string> interface_subnets() const;
  /// Builds the id index of groups, ACLs, prefix lists and interfaces' groups.
  void index();

 private:
  struct Index {
    std::size_t groups = 0, acls = 0, prefix_lists = 0, interfaces = 0;  // sizes indexed
    std::size_t subnets = 0;
    std::unordered_map<std::string, std::uint32_t> group, acl, prefix_list, subnet, acl_of_subnet;
    std::unordered_map<std::string, std::vector<std::uint32_t>> interfaces_of_group, interfaces_of_subnet;
    std::vector<std::string> interface_subnets;
    std::unordered_map<std::string, std::uint32_t> default_acl_of_vpc;
    std::vector<std::vector<std::uint32_t>> interfaces_behind_acl;  // by ACL index
  };
  /// The VPC of the subnet an interface names: the interface's own, else describe-subnets'.
  std::string subnet_vpc(const NetworkInterface& first) const;
  Index index_;
};

/// How many directions of the snapshot's groups and ACLs rest on values the input leaves open
/// (SecurityGroup::unresolved, NetworkAcl::unresolved).
std::size_t open_directions(const Snapshot& s);

}  // namespace sgopt
