// What the tests of infrastructure-code inputs share: looking up what a snapshot loaded, and the
// verdicts diff gives between two snapshots.
#pragma once

#include "model/snapshot.h"

#include <map>
#include <string>

namespace sgopt::test_support {

/// The group or ACL with this id; throws std::runtime_error when there is none.
const SecurityGroup& group(const Snapshot& s, const std::string& id);
const NetworkAcl& acl(const Snapshot& s, const std::string& id);
/// Per "LABEL DIRECTION", the verdict diff gives between the snapshots (native engine), with
/// " partial" after it for a partial group.
std::map<std::string, std::string> verdicts(const Snapshot& before, const Snapshot& after);

}  // namespace sgopt::test_support
