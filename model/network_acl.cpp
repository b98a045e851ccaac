// Network ACL entries in evaluation order.
#include "model/network_acl.h"

#include <algorithm>

namespace sgopt {

void sort_by_rule_number(std::vector<NaclEntry>& entries) {
  std::stable_sort(entries.begin(), entries.end(),
                   [](const NaclEntry& a, const NaclEntry& b) { return a.rule_number < b.rule_number; });
}

}  // namespace sgopt
