// Look-ups over a loaded snapshot.
#include "model/snapshot.h"

#include <algorithm>

namespace sgopt {

namespace {

/// The first item with the id: through the index when it was built for a list of this size (and
/// the item found still has the id), else by a scan.
template <class T>
const T* find_by_id(const std::vector<T>& v, std::size_t indexed_size,
                    const std::unordered_map<std::string, std::uint32_t>& index, const std::string& id) {
  if (indexed_size == v.size()) {
    auto it = index.find(id);
    if (it == index.end()) return nullptr;
    if (it->second < v.size() && v[it->second].id == id) return &v[it->second];
  }
  auto it = std::find_if(v.begin(), v.end(), [&](const T& x) { return x.id == id; });
  return it == v.end() ? nullptr : &*it;
}

template <class T>
void index_ids(const std::vector<T>& v, std::unordered_map<std::string, std::uint32_t>& index) {
  index.clear();
  index.reserve(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) index.emplace(v[i].id, static_cast<std::uint32_t>(i));
}

}  // namespace

const SecurityGroup* Snapshot::find_group(const std::string& id) const {
  return find_by_id(groups, index_.groups, index_.group, id);
}
const NetworkAcl* Snapshot::find_acl(const std::string& id) const {
  return find_by_id(acls, index_.acls, index_.acl, id);
}
const PrefixList* Snapshot::find_prefix_list(const std::string& id) const {
  return find_by_id(prefix_lists, index_.prefix_lists, index_.prefix_list, id);
}

void Snapshot::index() {
  index_ids(groups, index_.group);
  index_ids(acls, index_.acl);
  index_ids(prefix_lists, index_.prefix_list);
  index_.interfaces_of_group.clear();
  for (std::size_t i = 0; i < interfaces.size(); ++i)
    for (const std::string& gid : interfaces[i].group_ids) {
      auto& list = index_.interfaces_of_group[gid];
      if (list.empty() || list.back() != i) list.push_back(static_cast<std::uint32_t>(i));
    }
  index_.groups = groups.size();
  index_.acls = acls.size();
  index_.prefix_lists = prefix_lists.size();
  index_.interfaces = interfaces.size();
}

void Snapshot::resolve_references(ReferenceMode mode) {
  index();
  references = References::of(*this, mode);
}

std::vector<const NetworkInterface*> Snapshot::interfaces_with_group(const std::string& group_id) const {
  std::vector<const NetworkInterface*> out;
  if (index_.interfaces == interfaces.size()) {
    auto it = index_.interfaces_of_group.find(group_id);
    if (it != index_.interfaces_of_group.end())
      for (std::uint32_t i : it->second) out.push_back(&interfaces[i]);
    return out;
  }
  for (const auto& eni : interfaces)
    if (std::find(eni.group_ids.begin(), eni.group_ids.end(), group_id) != eni.group_ids.end()) out.push_back(&eni);
  return out;
}

}  // namespace sgopt
