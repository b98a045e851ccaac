// Look-ups over a loaded snapshot.
#include "model/snapshot.h"

#include <algorithm>

namespace sgopt {

template <class T>
static const T* find_by_id(const std::vector<T>& v, const std::string& id) {
  auto it = std::find_if(v.begin(), v.end(), [&](const T& x) { return x.id == id; });
  return it == v.end() ? nullptr : &*it;
}

const SecurityGroup* Snapshot::find_group(const std::string& id) const { return find_by_id(groups, id); }
const NetworkAcl* Snapshot::find_acl(const std::string& id) const { return find_by_id(acls, id); }
const PrefixList* Snapshot::find_prefix_list(const std::string& id) const { return find_by_id(prefix_lists, id); }

void Snapshot::resolve_references(ReferenceMode mode) { references = References::of(*this, mode); }

std::vector<const NetworkInterface*> Snapshot::interfaces_with_group(const std::string& group_id) const {
  std::vector<const NetworkInterface*> out;
  for (const auto& eni : interfaces)
    if (std::find(eni.group_ids.begin(), eni.group_ids.end(), group_id) != eni.group_ids.end()) out.push_back(&eni);
  return out;
}

}  // namespace sgopt
