// Changes to rules as steps AWS can apply: rules to authorize and revoke on a security group, and
// network ACL entries to create, replace and delete. Computed by passes/transforms/change_plan.h,
// written as AWS CLI commands by model/aws/cli_plan.h.
#pragma once

#include "model/network_acl.h"
#include "model/security_group.h"

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

}  // namespace sgopt
