// Change steps written as what AWS runs: `aws ec2` CLI commands in a shell script, and the same
// steps as JSON for review tools. Security-group authorizations come before any revocation, so the
// rules in force at every moment allow what they allowed before; ACL steps keep the order given.
#pragma once

#include "model/change.h"
#include "model/json/json.h"

#include <cstddef>
#include <string>
#include <vector>

namespace sgopt {

struct CliPlan {
  std::string script;  // "#!/bin/sh ... set -e" and one command a line
  std::string json;    // {"every_step_equivalent", "notes", "steps": [...]}
  std::size_t steps = 0;
  bool every_step_equivalent = true;
  std::vector<std::string> notes;  // e.g. ACL directions with no step-by-step order
};

/// Every authorization of `groups`, then every revocation, then the ACL steps in order.
CliPlan aws_cli_plan(const std::vector<SgChange>& groups, const std::vector<AclChange>& acls);

/// The clean-up steps (model/change.h) as `aws ec2` commands, one a line in order, each after a
/// comment saying why (CliPlan::json: the same steps as a JSON array, each with its action,
/// resource, reason and command); `steps_json`, when given, receives that array as a value.
CliPlan aws_cleanup_plan(const std::vector<CleanupStep>& steps, const std::vector<std::string>& header,
                         json::Json* steps_json = nullptr);

}  // namespace sgopt
