// Change plans: the steps that turn deployed rules into minimized ones without a moment where the
// rules decide differently. Security groups: authorize every new rule before revoking any old one
// (old + new allows exactly what old allows, since new is equivalent). NACLs: entry by entry, each
// step checked to keep every first-match decision. Plans only; nothing is changed here.
#pragma once

#include "model/change.h"
#include "model/network_acl.h"
#include "model/security_group.h"

#include <optional>
#include <string>
#include <vector>

namespace sgopt {

/// The rules in `after` that `before` lacks and back, compared as AWS identifies a rule (protocol,
/// ports and peer). Empty lists when nothing changes.
SgChange sg_change(const std::string& group_id, Direction d, const std::vector<SgRule>& before,
                   const std::vector<SgRule>& after);

/// Steps from one direction's entries to another's (both sorted by rule number): entries put at
/// their new numbers (create, or replace in place) and old numbers deleted, in an order where each
/// intermediate list decides every packet as `before` does, when one exists.
NaclPlan nacl_plan(const std::vector<NaclEntry>& before, const std::vector<NaclEntry>& after);

}  // namespace sgopt
