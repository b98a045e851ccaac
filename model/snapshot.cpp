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

const Subnet* Snapshot::find_subnet(const std::string& id) const {
  return find_by_id(subnets, index_.subnets, index_.subnet, id);
}

const NetworkAcl* Snapshot::acl_associated_with(const std::string& subnet_id) const {
  if (index_.acls == acls.size()) {
    auto it = index_.acl_of_subnet.find(subnet_id);
    if (it == index_.acl_of_subnet.end() || it->second >= acls.size()) return nullptr;
    const NetworkAcl& a = acls[it->second];
    if (std::find(a.subnet_ids.begin(), a.subnet_ids.end(), subnet_id) != a.subnet_ids.end()) return &a;
  }
  for (const NetworkAcl& a : acls)
    if (std::find(a.subnet_ids.begin(), a.subnet_ids.end(), subnet_id) != a.subnet_ids.end()) return &a;
  return nullptr;
}

const NetworkAcl* Snapshot::default_acl(const std::string& vpc_id) const {
  if (vpc_id.empty()) return nullptr;
  if (index_.acls == acls.size()) {
    auto it = index_.default_acl_of_vpc.find(vpc_id);
    if (it == index_.default_acl_of_vpc.end() || it->second >= acls.size()) return nullptr;
    const NetworkAcl& a = acls[it->second];
    if (a.is_default && a.vpc_id == vpc_id) return &a;
  }
  for (const NetworkAcl& a : acls)
    if (a.is_default && a.vpc_id == vpc_id) return &a;
  return nullptr;
}

const NetworkAcl* Snapshot::subnet_acl(const std::string& subnet_id, const std::string& vpc_id) const {
  if (subnet_id.empty()) return nullptr;
  if (const NetworkAcl* a = acl_associated_with(subnet_id)) return a;
  return default_acl(vpc_id);
}

std::string Snapshot::subnet_vpc(const NetworkInterface& first) const {
  if (!first.vpc_id.empty()) return first.vpc_id;
  const Subnet* s = find_subnet(first.subnet_id);
  return s ? s->vpc_id : std::string();
}

std::vector<const NetworkInterface*> Snapshot::interfaces_behind(const NetworkAcl& acl) const {
  std::vector<const NetworkInterface*> out;
  if (index_.interfaces == interfaces.size() && index_.acls == acls.size() && &acl >= acls.data() &&
      &acl < acls.data() + acls.size()) {
    for (std::uint32_t i : index_.interfaces_behind_acl[static_cast<std::size_t>(&acl - acls.data())])
      out.push_back(&interfaces[i]);
    return out;
  }
  for (const std::string& subnet : interface_subnets()) {
    auto enis = interfaces_in_subnet(subnet);
    if (subnet_acl(subnet, subnet_vpc(*enis.front())) == &acl) out.insert(out.end(), enis.begin(), enis.end());
  }
  return out;
}

void Snapshot::index() {
  index_ids(groups, index_.group);
  index_ids(acls, index_.acl);
  index_ids(prefix_lists, index_.prefix_list);
  index_ids(subnets, index_.subnet);
  index_.acl_of_subnet.clear();
  index_.default_acl_of_vpc.clear();
  for (std::size_t i = 0; i < acls.size(); ++i) {
    for (const std::string& s : acls[i].subnet_ids) index_.acl_of_subnet.emplace(s, static_cast<std::uint32_t>(i));
    if (acls[i].is_default && !acls[i].vpc_id.empty())
      index_.default_acl_of_vpc.emplace(acls[i].vpc_id, static_cast<std::uint32_t>(i));
  }
  index_.interfaces_of_group.clear();
  index_.interfaces_of_subnet.clear();
  index_.interface_subnets.clear();
  for (std::size_t i = 0; i < interfaces.size(); ++i) {
    auto& in_subnet = index_.interfaces_of_subnet[interfaces[i].subnet_id];
    if (in_subnet.empty()) index_.interface_subnets.push_back(interfaces[i].subnet_id);
    in_subnet.push_back(static_cast<std::uint32_t>(i));
  }
  for (std::size_t i = 0; i < interfaces.size(); ++i)
    for (const std::string& gid : interfaces[i].group_ids) {
      auto& list = index_.interfaces_of_group[gid];
      if (list.empty() || list.back() != i) list.push_back(static_cast<std::uint32_t>(i));
    }
  index_.groups = groups.size();
  index_.acls = acls.size();
  index_.prefix_lists = prefix_lists.size();
  index_.subnets = subnets.size();
  index_.interfaces = interfaces.size();
  // With the look-ups above indexed: the interfaces behind each ACL, subnet by subnet.
  index_.interfaces_behind_acl.assign(acls.size(), {});
  for (const std::string& subnet : index_.interface_subnets) {
    const auto& enis = index_.interfaces_of_subnet[subnet];
    if (const NetworkAcl* a = subnet_acl(subnet, subnet_vpc(interfaces[enis.front()]))) {
      auto& behind = index_.interfaces_behind_acl[static_cast<std::size_t>(a - acls.data())];
      behind.insert(behind.end(), enis.begin(), enis.end());
    }
  }
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

std::vector<const NetworkInterface*> Snapshot::interfaces_in_subnet(const std::string& subnet_id) const {
  std::vector<const NetworkInterface*> out;
  if (index_.interfaces == interfaces.size()) {
    auto it = index_.interfaces_of_subnet.find(subnet_id);
    if (it != index_.interfaces_of_subnet.end())
      for (std::uint32_t i : it->second) out.push_back(&interfaces[i]);
    return out;
  }
  for (const auto& eni : interfaces)
    if (eni.subnet_id == subnet_id) out.push_back(&eni);
  return out;
}

std::vector<std::string> Snapshot::interface_subnets() const {
  if (index_.interfaces == interfaces.size()) return index_.interface_subnets;
  std::vector<std::string> out;
  for (const auto& eni : interfaces)
    if (std::find(out.begin(), out.end(), eni.subnet_id) == out.end()) out.push_back(eni.subnet_id);
  return out;
}

namespace {
template <class T>
std::size_t open_in(const std::vector<T>& items) {
  std::size_t n = 0;
  for (const T& x : items)
    for (Direction d : {Direction::Ingress, Direction::Egress})
      n += std::any_of(x.unresolved.begin(), x.unresolved.end(), [&](const Unresolved& u) { return u.direction == d; });
  return n;
}
}  // namespace

std::size_t open_directions(const Snapshot& s) { return open_in(s.groups) + open_in(s.acls); }

}  // namespace sgopt
