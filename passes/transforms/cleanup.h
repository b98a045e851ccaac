// The account clean-up plan (`sgopt cleanup`): the steps that delete unused and referenced-only
// groups, fold duplicate groups into the one kept, drop groups that are tighter than another on
// the same interfaces, and delete ACLs associated with no subnet, in an order AWS accepts (no group
// deleted while an interface carries it or another group's rule names it) and in which no step
// changes what any interface allows.
//
// Every step is checked when it is planned: the policy of every interface it can change (those
// carrying a group whose rules change, and, when an interface's groups change, those carrying a
// group whose rules name one of them) is compared, exactly, with what that interface allowed before
// the clean-up, the references standing for their members as they are after the step (the closed
// world: the loaded interfaces are all there are). A consolidation with a step that would change
// an interface is left out whole, with the interface and a witness packet. Nothing default, nothing
// an interface or launch data uses, is deleted.
#pragma once

#include "model/change.h"
#include "model/packet.h"
#include "model/snapshot.h"

#include <optional>
#include <string>
#include <vector>

namespace sgopt {

struct CleanupOptions {
  bool unused = true;      // delete unused groups
  bool referenced = true;  // revoke the rules naming referenced-only groups, then delete them
  bool duplicates = true;  // fold duplicate groups into the one kept
  bool tighter = true;     // drop groups tighter than another on every interface carrying them
  bool acls = true;        // delete ACLs associated with no subnet
  int groups_per_interface = 5;
  unsigned threads = 0;  // workers for the account's packet sets (0: one per core); never changes the plan
};

/// A clean-up sgopt found but does not plan, and why.
struct CleanupSkip {
  std::string resource_id;
  std::string why;
  std::string interface_id;  // the interface a step would change, when that is why
  std::optional<Direction> direction;
  std::optional<Packet> witness;  // a packet that interface would start or stop allowing
};

struct CleanupPlan {
  std::vector<CleanupStep> steps;
  std::vector<CleanupSkip> skipped;
  std::vector<std::string> deleted_groups, deleted_acls;
  std::size_t repointed_interfaces = 0;  // interfaces whose groups change
  std::size_t checks = 0;                // interface policies compared while planning
  std::vector<std::string> assumptions;  // what the plan takes for given
};

/// Plans the clean-up. Throws std::invalid_argument when no describe-network-interfaces input is
/// loaded (usage cannot be known then).
CleanupPlan plan_cleanup(const Snapshot& snapshot, const CleanupOptions& options);

/// The snapshot after every step (model/change.h apply_cleanup_step).
Snapshot replay_cleanup(const Snapshot& snapshot, const std::vector<CleanupStep>& steps);

}  // namespace sgopt
