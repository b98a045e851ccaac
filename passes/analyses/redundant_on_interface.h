// Redundancy of a security-group rule across the groups that share its network interfaces.
#pragma once

#include "model/packet.h"
#include "model/references.h"
#include "model/snapshot.h"

#include <optional>
#include <string>
#include <vector>

namespace sgopt {

/// A rule that other groups allow on at least one interface carrying its group.
struct InterfaceCoverage {
  std::size_t rule = 0;                   // index in the group's rules of the direction
  std::vector<std::string> covered_on;    // interfaces where the other groups allow all it allows
  std::vector<std::string> uncovered_on;  // interfaces carrying the group where they do not
  std::vector<std::string> alone_on;      // of those, interfaces that carry the group alone
  struct Cover {
    std::string group_id;
    std::size_t rule = 0;  // index in that group's rules of the direction
  };
  std::vector<Cover> cover;       // rules of other groups that cover it (per covered interface, merged)
  std::optional<Packet> witness;  // a packet of the rule that the other groups allow on every covered interface
};

/// For one group and direction: the rules (not redundant within the group itself) that the other
/// groups on some interface carrying the group already allow. Groups an interface names but the
/// snapshot lacks contribute nothing. Result in rule order.
std::vector<InterfaceCoverage> interface_coverage(const Snapshot& snapshot, const SecurityGroup& group, Direction d,
                                                  const References* refs = nullptr);

}  // namespace sgopt
