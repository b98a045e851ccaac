// Writers in describe shape: each original object with its rules rebuilt from the model. Whatever
// the model does not change is copied from the original JSON, unknown fields included.
#include "model/aws/writer.h"

#include "model/aws/aws_json.h"
#include "model/protocol.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <tuple>

namespace sgopt {
namespace {

using aws::Json;

/// The original object, or an empty one when there is none (new objects, rule rows).
Json parse_raw(std::string_view raw) {
  if (raw.empty()) return Json::object();
  Json j = Json::parse(raw, nullptr, false);
  return j.is_object() ? j : Json::object();
}

std::string dump(const Json& j) { return j.dump(4, ' ', false, Json::error_handler_t::replace) + "\n"; }

/// Sets a text field, or removes it when the model's value is empty and the original had one.
void set_text(Json& obj, const char* key, std::string_view value) {
  if (!value.empty()) {
    if (!obj.contains(key) || !obj[key].is_string() || obj[key].get_ref<const std::string&>() != value)
      obj[key] = value;
  } else if (obj.contains(key) && obj[key].is_string() && !obj[key].get_ref<const std::string&>().empty()) {
    obj.erase(key);
  }
}

/// True when `value` is text naming `cidr` (perhaps with host bits set, as the user wrote it).
bool names_cidr(const Json* value, const Cidr& cidr) {
  if (!value || !value->is_string()) return false;
  auto parsed = parse_cidr(value->get_ref<const std::string&>(), cidr.family, nullptr);
  return parsed && parsed->cidr == cidr;
}

const Json* member(const Json& obj, const char* key) {
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

std::optional<int> int_member(const Json& obj, const char* key) {
  const Json* v = member(obj, key);
  if (!v || !v->is_number_integer()) return std::nullopt;
  return v->get<int>();
}

void set_tags(Json& obj, const Tags& tags) {
  Tags old;
  if (const Json* list = member(obj, "Tags"); list && list->is_array())
    for (const Json& t : *list)
      if (t.is_object() && t.contains("Key") && t["Key"].is_string())
        old.emplace_back(t["Key"].get<std::string>(), t.value("Value", std::string()));
  if (old == tags || (tags.empty() && !obj.contains("Tags"))) return;
  Json list = Json::array();
  for (const auto& [k, v] : tags) list.push_back(Json{{"Key", k}, {"Value", v}});
  obj["Tags"] = std::move(list);
}

// ----- security groups -----

/// (protocol, FromPort, ToPort): the rules AWS puts in one IpPermission.
using PermKey = std::tuple<int, std::optional<int>, std::optional<int>>;

// "-1" allows every port whatever FromPort/ToPort say: all such rules share one permission.
PermKey perm_key(int protocol, std::optional<int> from, std::optional<int> to) {
  if (protocol == kAllProtocols) return {protocol, std::nullopt, std::nullopt};
  return {protocol, from, to};
}

PermKey key_of(const SgRule& r) { return perm_key(r.protocol, r.from_port, r.to_port); }

std::optional<PermKey> key_of(const Json& perm) {
  const Json* proto = perm.is_object() ? member(perm, "IpProtocol") : nullptr;
  if (!proto || !proto->is_string()) return std::nullopt;
  auto p = parse_protocol(proto->get_ref<const std::string&>(), nullptr);
  if (!p) return std::nullopt;
  return perm_key(*p, int_member(perm, "FromPort"), int_member(perm, "ToPort"));
}

std::string sg_protocol_text(int protocol) { return protocol == kAllProtocols ? "-1" : protocol_name(protocol); }

const aws::PeerList& peer_list(PeerType t) {
  for (const auto& pl : aws::kPeerLists)
    if (pl.type == t) return pl;
  return aws::kPeerLists[0];
}

/// The rule's peer element: its original one with the model's values, or a new one.
Json peer_element(const SgRule& r, bool keep_original = true, bool with_description = true) {
  const aws::PeerList& pl = peer_list(r.peer.type);
  Json e = keep_original ? parse_raw(r.source.raw_json) : Json::object();
  if (!e.contains(pl.key)) e = Json::object();  // the rule's peer changed kind: start afresh
  const Json* value = member(e, pl.key);
  bool same = r.peer.is_cidr() ? names_cidr(value, r.peer.cidr)
                               : value && value->is_string() && value->get_ref<const std::string&>() == r.peer.ref;
  if (!same) e[pl.key] = r.peer.str();
  if (r.peer.type == PeerType::Group) set_text(e, "UserId", r.peer.user_id.str());
  set_text(e, "Description", with_description ? r.source.description.view() : std::string_view());
  return e;
}

// describe-security-groups prints no FromPort/ToPort for "-1" permissions (describe-security-group-rules
// rows say -1/-1), so a permission written fresh leaves them out too.
bool prints_ports(int protocol, const std::optional<int>& port) { return port && protocol != kAllProtocols; }

Json fresh_permission(const PermKey& key) {
  const auto& [protocol, from, to] = key;
  Json perm = Json::object();
  if (prints_ports(protocol, from)) perm["FromPort"] = *from;
  perm["IpProtocol"] = sg_protocol_text(protocol);
  perm["IpRanges"] = Json::array();
  perm["Ipv6Ranges"] = Json::array();
  perm["PrefixListIds"] = Json::array();
  if (prints_ports(protocol, to)) perm["ToPort"] = *to;
  perm["UserIdGroupPairs"] = Json::array();
  return perm;
}

/// Rules grouped as AWS groups them into IpPermissions, in first-seen order.
std::vector<std::pair<PermKey, std::vector<const SgRule*>>> by_permission(const std::vector<SgRule>& rules) {
  std::vector<std::pair<PermKey, std::vector<const SgRule*>>> buckets;
  std::map<PermKey, std::size_t> bucket_of;
  for (const SgRule& r : rules) {
    auto [it, added] = bucket_of.emplace(key_of(r), buckets.size());
    if (added) buckets.push_back({key_of(r), {}});
    buckets[it->second].second.push_back(&r);
  }
  return buckets;
}

Json permissions(const SecurityGroup& g, Direction d, const Json& original) {
  Json out = Json::array();
  for (const auto& [key, rules] : by_permission(g.rules(d))) {
    // Start from the permission the rules came from, so that its other fields stay.
    Json perm;
    for (const SgRule* r : rules) {
      auto index = static_cast<std::size_t>(r->source.permission_index);
      if (r->source.resource_id == g.id && r->source.permission_index >= 0 && original.is_array() &&
          index < original.size() && key_of(original[index]) == key) {
        perm = original[index];
        break;
      }
    }
    bool fresh = perm.is_null();
    if (fresh) perm = fresh_permission(key);
    for (const aws::PeerList& pl : aws::kPeerLists) {
      Json list = Json::array();
      for (const SgRule* r : rules)
        if (r->peer.type == pl.type) list.push_back(peer_element(*r));
      if (!list.empty() || perm.contains(pl.list)) perm[pl.list] = std::move(list);
    }
    out.push_back(std::move(perm));
  }
  return out;
}

Json group_object(const SecurityGroup& g) {
  Json o = parse_raw(g.raw_json);
  if (o.empty()) {
    // A group known only from describe-security-group-rules rows: write what the input said, in
    // the key order AWS prints, and nothing it did not (no empty name, description or VPC).
    if (!g.description.empty()) o["Description"] = g.description;
    if (!g.name.empty()) o["GroupName"] = g.name;
    o["IpPermissions"] = Json::array();
    if (!g.owner_id.empty()) o["OwnerId"] = g.owner_id;
    o["GroupId"] = g.id;
    o["IpPermissionsEgress"] = Json::array();
    if (!g.vpc_id.empty()) o["VpcId"] = g.vpc_id;
  }
  o["GroupId"] = g.id;
  set_text(o, "GroupName", g.name);
  set_text(o, "Description", g.description);
  set_text(o, "OwnerId", g.owner_id);
  set_text(o, "VpcId", g.vpc_id);
  set_tags(o, g.tags);
  for (Direction d : {Direction::Ingress, Direction::Egress}) {
    const char* key = aws::permissions_key(d);
    Json original = o.contains(key) ? o[key] : Json::array();
    o[key] = permissions(g, d, original);
  }
  return o;
}

// ----- network ACLs -----

/// Sets an object field such as PortRange {"From", "To"} unless it already holds these numbers.
void set_pair(Json& obj, const char* key, const char* a, int va, const char* b, int vb) {
  const Json* old = member(obj, key);
  if (old && old->is_object() && int_member(*old, a) == va && int_member(*old, b) == vb) return;
  obj[key] = Json{{a, va}, {b, vb}};
}

Json entry_object(const NaclEntry& e) {
  Json o = parse_raw(e.source.raw_json);
  bool v4 = e.cidr.family == Family::V4;
  const char* key = v4 ? "CidrBlock" : "Ipv6CidrBlock";
  o.erase(v4 ? "Ipv6CidrBlock" : "CidrBlock");
  if (!names_cidr(member(o, key), e.cidr)) o[key] = e.cidr.str();
  o["Egress"] = e.direction == Direction::Egress;
  if (e.icmp)
    set_pair(o, "IcmpTypeCode", "Code", e.icmp->code, "Type", e.icmp->type);
  else
    o.erase("IcmpTypeCode");
  if (e.port_range)
    set_pair(o, "PortRange", "From", e.port_range->from, "To", e.port_range->to);
  else
    o.erase("PortRange");
  const Json* proto = member(o, "Protocol");
  if (!proto || !proto->is_string() || parse_protocol(proto->get_ref<const std::string&>(), nullptr) != e.protocol)
    o["Protocol"] = std::to_string(e.protocol);
  const Json* action = member(o, "RuleAction");
  std::string want = e.allow ? "allow" : "deny";
  std::string old = action && action->is_string() ? action->get<std::string>() : "";
  std::transform(old.begin(), old.end(), old.begin(), [](unsigned char c) { return std::tolower(c); });
  if (old != want) o["RuleAction"] = want;
  o["RuleNumber"] = e.rule_number;
  return o;
}

void set_associations(Json& o, const NetworkAcl& a) {
  std::vector<std::string> old;
  std::map<std::string, Json> by_subnet;
  if (const Json* list = member(o, "Associations"); list && list->is_array())
    for (const Json& as : *list)
      if (as.is_object() && as.contains("SubnetId") && as["SubnetId"].is_string()) {
        old.push_back(as["SubnetId"].get<std::string>());
        by_subnet.emplace(old.back(), as);
      }
  if (old == a.subnet_ids && (o.contains("Associations") || a.subnet_ids.empty())) return;
  Json list = Json::array();
  for (const auto& subnet : a.subnet_ids) {
    auto it = by_subnet.find(subnet);
    list.push_back(it != by_subnet.end() ? it->second : Json{{"NetworkAclId", a.id}, {"SubnetId", subnet}});
  }
  o["Associations"] = std::move(list);
}

Json acl_object(const NetworkAcl& a) {
  Json o = parse_raw(a.raw_json);
  if (o.empty()) {
    o["Associations"] = Json::array();
    o["Entries"] = Json::array();
    o["IsDefault"] = a.is_default;
    o["NetworkAclId"] = a.id;
  }
  o["NetworkAclId"] = a.id;
  if (o.contains("IsDefault") || a.is_default) o["IsDefault"] = a.is_default;
  set_text(o, "VpcId", a.vpc_id);
  set_text(o, "OwnerId", a.owner_id);
  set_tags(o, a.tags);
  set_associations(o, a);
  // AWS lists egress entries first, each direction by rule number.
  Json entries = Json::array();
  for (Direction d : {Direction::Egress, Direction::Ingress})
    for (const NaclEntry& e : a.entries(d)) entries.push_back(entry_object(e));
  o["Entries"] = std::move(entries);
  return o;
}

}  // namespace

std::string ip_permissions_json(const std::vector<SgRule>& rules, bool with_descriptions) {
  Json out = Json::array();
  for (const auto& [key, members] : by_permission(rules)) {
    const auto& [protocol, from, to] = key;
    Json perm{{"IpProtocol", sg_protocol_text(protocol)}};
    if (prints_ports(protocol, from)) perm["FromPort"] = *from;
    if (prints_ports(protocol, to)) perm["ToPort"] = *to;
    for (const aws::PeerList& pl : aws::kPeerLists)
      for (const SgRule* r : members)
        if (r->peer.type == pl.type) perm[pl.list].push_back(peer_element(*r, false, with_descriptions));
    out.push_back(std::move(perm));
  }
  return out.dump();
}

void write_snapshot(const json::Sink& out, const std::vector<SecurityGroup>& groups,
                    const std::vector<NetworkAcl>& acls) {
  json::write_streamed_object<Json>(
      out,
      {{"SecurityGroups", groups.size(), [&](std::size_t i) { return group_object(groups[i]); }, std::nullopt},
       {"NetworkAcls", acls.size(), [&](std::size_t i) { return acl_object(acls[i]); }, std::nullopt}},
      json::StreamStyle{4, true, Json::error_handler_t::replace});
}

std::string write_snapshot(const std::vector<SecurityGroup>& groups, const std::vector<NetworkAcl>& acls) {
  std::string out;
  write_snapshot([&](std::string_view piece) { out += piece; }, groups, acls);
  return out;
}

std::string write_security_groups(const std::vector<SecurityGroup>& groups) {
  Json list = Json::array();
  for (const SecurityGroup& g : groups) list.push_back(group_object(g));
  return dump(Json{{"SecurityGroups", std::move(list)}});
}

std::string write_network_acls(const std::vector<NetworkAcl>& acls) {
  Json list = Json::array();
  for (const NetworkAcl& a : acls) list.push_back(acl_object(a));
  return dump(Json{{"NetworkAcls", std::move(list)}});
}

StagedFile stage_file(const std::string& path, const std::function<void(const json::Sink&)>& produce) {
  namespace fs = std::filesystem;
  fs::path target(path);
  fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  std::string name = (dir / ("." + target.filename().string() + ".tmp-XXXXXX")).string();
  auto fail = [&](const std::string& what, int err) {
    throw std::runtime_error(fmt::format("cannot write {}: {}: {}", path, what, std::strerror(err)));
  };
  int fd = ::mkstemp(name.data());
  if (fd < 0) fail("cannot create a temporary file beside it", errno);
  auto abandon = [&](const std::string& what) {
    int err = errno;
    if (fd >= 0) ::close(fd);
    ::unlink(name.c_str());
    fail(what, err);
  };
  // Keep the mode of the file being replaced; a new file gets the usual 0666 less the umask.
  struct stat st {};
  mode_t mode;
  if (::stat(path.c_str(), &st) == 0) {
    mode = st.st_mode & 07777;
  } else {
    mode_t mask = ::umask(0);
    ::umask(mask);
    mode = 0666 & ~mask;
  }
  if (::fchmod(fd, mode) != 0) abandon("cannot set the file mode");
  // Buffered: the producer's pieces are small, the file may be large.
  std::string buffer;
  auto flush = [&] {
    const char* p = buffer.data();
    std::size_t left = buffer.size();
    while (left > 0) {
      ssize_t n = ::write(fd, p, left);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) abandon("write failed");
      p += n;
      left -= static_cast<std::size_t>(n);
    }
    buffer.clear();
  };
  try {
    produce([&](std::string_view piece) {
      buffer += piece;
      if (buffer.size() >= (1u << 20)) flush();
    });
  } catch (...) {
    if (fd >= 0) ::close(fd);
    ::unlink(name.c_str());
    throw;
  }
  flush();
  if (::fsync(fd) != 0) abandon("fsync failed");
  int closed = ::close(fd);
  fd = -1;
  if (closed != 0) abandon("close failed");
  return StagedFile{path, name};
}

StagedFile stage_file(const std::string& path, const std::string& content) {
  return stage_file(path, [&](const json::Sink& out) { out(content); });
}

void commit_staged(const StagedFile& f) {
  namespace fs = std::filesystem;
  if (::rename(f.temporary.c_str(), f.path.c_str()) != 0) {
    int err = errno;
    ::unlink(f.temporary.c_str());
    throw std::runtime_error(fmt::format("cannot write {}: rename failed: {}", f.path, std::strerror(err)));
  }
  // Make the rename itself durable; a failure here leaves a complete file, so it is not an error.
  fs::path dir = fs::path(f.path).parent_path().empty() ? fs::path(".") : fs::path(f.path).parent_path();
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

void discard_staged(const StagedFile& f) noexcept { ::unlink(f.temporary.c_str()); }

void write_file_atomic(const std::string& path, const std::string& content) {
  commit_staged(stage_file(path, content));
}

}  // namespace sgopt
