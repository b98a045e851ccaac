// Changes to rules as steps AWS can apply: rules to authorize and revoke on a security group, and
// network ACL entries to create, replace and delete. Computed by passes/transforms/change_plan.h,
// written as AWS CLI commands by model/aws/cli_plan.h.
#pragma once

#include "model/network_acl.h"
#include "model/security_group.h"
#include "model/snapshot.h"

#include <string>
#include <vector>

namespace sgopt {

/// Rules of one group and direction to authorize and to revoke.
struct SgChange {
  std::string group_id;
  Direction direction = Direction::Ingress;
  std::vector<SgRule> authorize;
  std::vector<SgRule> revoke;
};

struct NaclStep {
  enum class Action { Create, Replace, Delete };
  Action action = Action::Create;
  int rule_number = 0;
  NaclEntry entry;  // for Create / Replace: the entry written
};

struct NaclPlan {
  std::vector<NaclStep> steps;
  /// True when every state between the steps allows exactly what the entries allowed before.
  bool every_step_equivalent = true;
};

/// The steps for one direction of one ACL.
struct AclChange {
  std::string acl_id;
  Direction direction = Direction::Ingress;
  NaclPlan plan;
};

/// One step of an account clean-up (sgopt cleanup), as AWS applies it.
struct CleanupStep {
  enum class Action { AuthorizeRule, RevokeRule, SetInterfaceGroups, DeleteGroup, DeleteAcl };
  Action action = Action::DeleteGroup;
  std::string resource_id;  // the group (rule steps, DeleteGroup), interface or ACL
  Direction direction = Direction::Ingress;
  SgRule rule;                             // AuthorizeRule / RevokeRule
  std::vector<std::string> groups;         // SetInterfaceGroups: the interface's whole new list
  std::vector<std::string> before_groups;  // and its list before
  std::string why;                         // "sg-2 is unused", "sg-3 duplicates sg-1"
};
const char* cleanup_action_name(CleanupStep::Action a);  // "authorize-rule", "revoke-rule", ...

/// True when the step can change what a reference of the snapshot stands for: an interface that
/// changes groups changes their members, and an authorized rule may name a group or list nothing
/// named before. Revoking a rule or deleting a group or ACL (which nothing may carry or name) leaves
/// every resolution as it was.
bool changes_references(const Snapshot& s, const CleanupStep& step);

/// Applies the step to the snapshot as AWS would, then works out its references again (in the
/// snapshot's mode) when changes_references says they can change (after a deletion it rebuilds only
/// the id indexes). Throws std::invalid_argument where AWS refuses: authorizing a rule the group
/// has, revoking one it lacks, an interface left with no group or given one not loaded, deleting a
/// default group, one an interface carries or another group's rule names (DependencyViolation), a
/// default ACL or one still associated with a subnet.
void apply_cleanup_step(Snapshot& snapshot, const CleanupStep& step);

}  // namespace sgopt
