// Readers for AWS describe-* JSON: each vendor shape is checked field by field and turned into
// the model; every object and rule keeps its file, JSON pointer and line.
#include "model/aws/loader.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <unordered_map>

#include "model/aws/aws_json.h"
#include "model/aws/json_lines.h"
#include "model/match.h"
#include "model/protocol.h"

namespace sgopt {
namespace {

namespace fs = std::filesystem;
using aws::Json;

constexpr int kMaxDepth = 256;
constexpr const char* kKindList =
    "SecurityGroups, SecurityGroupRules, NetworkAcls, NetworkInterfaces or PrefixLists";

constexpr const char* kText = "a string";
constexpr const char* kLikeGroupId = R"(a string like "sg-0123456789abcdef0")";
constexpr const char* kLikeAclId = R"(a string like "acl-0123456789abcdef0")";
constexpr const char* kLikeEniId = R"(a string like "eni-0123456789abcdef0")";
constexpr const char* kLikePrefixListId = R"(a string like "pl-0123456789abcdef0")";
constexpr const char* kLikeProtocol = R"(a string like "tcp" or "6")";
constexpr const char* kLikeCidr4 = R"(a string like "10.0.0.0/16")";
constexpr const char* kLikeCidr6 = R"(a string like "2001:db8::/56")";

/// How a value reads in a message: "the number 6", "an array", "the string \"x\"".
std::string describe_value(const Json& v) {
  switch (v.type()) {
    case Json::value_t::null: return "null";
    case Json::value_t::object: return "an object";
    case Json::value_t::array: return "an array";
    case Json::value_t::boolean: return v.get<bool>() ? "true" : "false";
    case Json::value_t::string: {
      std::string s = v.dump(-1, ' ', false, Json::error_handler_t::replace);
      if (s.size() > 60) s = s.substr(0, 56) + "...\"";
      return "the string " + s;
    }
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float: return "the number " + v.dump();
    default: return "an unexpected value";
  }
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

/// A JSON syntax error as a person reads it: the library's reason without its prefix, in ASCII.
std::string syntax_message(const char* what, int column) {
  std::string w = what;
  auto pos = w.find("syntax error while parsing ");
  std::string detail = pos == std::string::npos ? w : w.substr(pos);
  auto dash = detail.find(" - ");
  if (pos != std::string::npos && dash != std::string::npos) detail = detail.substr(dash + 3);
  for (char& c : detail)
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) c = '?';
  return fmt::format("not valid JSON (column {}): {}", column, detail);
}

/// Parses a document, or throws InputError with the line and the pointer where reading stopped.
Json parse_document(std::string_view text, const std::string& file) {
  if (std::all_of(text.begin(), text.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)); }))
    throw InputError(Diagnostic{Location{file, "", 0},
                                "the file is empty: expected a describe-* JSON document such as the "
                                "output of `aws ec2 describe-security-groups`"});
  char first = *std::find_if(text.begin(), text.end(), [](char c) { return !std::isspace(static_cast<unsigned char>(c)); });
  if (first != '{' && first != '[') {
    auto at = static_cast<std::size_t>(text.find(first));
    std::string shown = std::isprint(static_cast<unsigned char>(first)) ? fmt::format("'{}'", first)
                                                                      : fmt::format("byte 0x{:02x}", static_cast<unsigned char>(first));
    throw InputError(Diagnostic{location_at(text, at, file),
                                fmt::format("not a JSON document: it should start with '{{', but starts with {}", shown)});
  }
  // The writers and the line finder are iterative, but nlohmann's serializer recurses: refuse
  // nesting far deeper than any AWS document before it can exhaust the stack.
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxDepth)
        throw InputError(Diagnostic{location_at(text, i, file),
                                    fmt::format("JSON nested more than {} levels deep", kMaxDepth)});
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const Json::parse_error& e) {
    std::size_t offset = e.byte > 0 ? e.byte - 1 : 0;
    if (offset > text.size()) offset = text.size();
    Location where = location_at(text, offset, file);
    std::size_t line_start = text.rfind('\n', offset == 0 ? 0 : offset - 1);
    int column = static_cast<int>(offset - (line_start == std::string_view::npos ? 0 : line_start + 1)) + 1;
    if (offset > 0 && text[offset - 1] == '\n') column = 1;
    throw InputError(Diagnostic{where, syntax_message(e.what(), column)});
  }
}

struct PortFields {
  std::optional<int> from, to;
};

/// Loads one document into a snapshot, keeping the indices that find ids already loaded.
class DocLoader {
 public:
  DocLoader(Snapshot& snapshot, std::string_view text, const std::string& file, const LoadOptions& options)
      : snap_(snapshot), text_(text), file_(file), options_(options) {
    for (std::size_t i = 0; i < snap_.groups.size(); ++i) group_index_.emplace(snap_.groups[i].id, i);
    for (std::size_t i = 0; i < snap_.acls.size(); ++i) acl_index_.emplace(snap_.acls[i].id, i);
    for (std::size_t i = 0; i < snap_.interfaces.size(); ++i) eni_index_.emplace(snap_.interfaces[i].id, i);
    for (std::size_t i = 0; i < snap_.prefix_lists.size(); ++i)
      prefix_list_index_.emplace(snap_.prefix_lists[i].id, i);
    acl_start_ = snap_.acls.size();
    eni_start_ = snap_.interfaces.size();
    prefix_list_start_ = snap_.prefix_lists.size();
    warning_start_ = snap_.warnings.size();
  }

  void load(const Json& root);
  /// Gives every location this document added its line.
  void resolve();

 private:
  // Errors and warnings.
  [[noreturn]] void fail(const std::string& ptr, std::string message) const {
    fail_at(Location{file_, ptr, 0}, std::move(message));
  }
  [[noreturn]] void fail_at(Location where, std::string message) const {
    if (where.file == file_ && where.line == 0) {
      std::vector<Location*> one{&where};
      resolve_lines(text_, one);
    }
    throw InputError(Diagnostic{std::move(where), std::move(message)});
  }
  /// A location for a message: "line 12, /SecurityGroups/3" in this file, else file, line and pointer.
  std::string place(Location where) const {
    if (where.file != file_) return where.str();
    if (where.line == 0) {
      std::vector<Location*> one{&where};
      resolve_lines(text_, one);
    }
    return where.line > 0 ? fmt::format("line {}, {}", where.line, where.json_pointer) : where.json_pointer;
  }
  void warn(const std::string& ptr, std::string message) {
    snap_.warnings.push_back(Diagnostic{Location{file_, ptr, 0}, std::move(message)});
  }

  // Typed field access: absent and null read as "not given".
  static const Json* find(const Json& obj, const char* key) {
    auto it = obj.find(key);
    return it == obj.end() || it->is_null() ? nullptr : &*it;
  }
  static std::string child(const std::string& ptr, const char* key) { return ptr + "/" + key; }
  static std::string child(const std::string& ptr, std::size_t index) {
    return ptr + "/" + std::to_string(index);
  }
  const Json& object_at(const Json& v, const std::string& ptr, const char* what) const {
    if (!v.is_object()) fail(ptr, fmt::format("expected {}, found {}", what, describe_value(v)));
    return v;
  }
  std::optional<std::string> opt_string(const Json& obj, const std::string& ptr, const char* key,
                                        const char* like) const {
    const Json* v = find(obj, key);
    if (!v) return std::nullopt;
    if (!v->is_string()) fail(child(ptr, key), fmt::format("expected {}, found {}", like, describe_value(*v)));
    return v->get<std::string>();
  }
  std::string opt_text(const Json& obj, const std::string& ptr, const char* key) const {
    return opt_string(obj, ptr, key, kText).value_or("");
  }
  std::string req_string(const Json& obj, const std::string& ptr, const char* key, const char* like) const {
    auto s = opt_string(obj, ptr, key, like);
    if (!s) fail(ptr, fmt::format("missing \"{}\" (expected {})", key, like));
    return *s;
  }
  std::optional<int> opt_int(const Json& obj, const std::string& ptr, const char* key) const {
    const Json* v = find(obj, key);
    if (!v) return std::nullopt;
    if (!v->is_number_integer())
      fail(child(ptr, key), fmt::format("expected a whole number, found {}", describe_value(*v)));
    bool fits = v->is_number_unsigned() ? v->get<std::uint64_t>() <= INT_MAX
                                        : v->get<std::int64_t>() >= INT_MIN && v->get<std::int64_t>() <= INT_MAX;
    if (!fits) fail(child(ptr, key), fmt::format("the number {} is out of range", v->dump()));
    return v->get<int>();
  }
  int req_int(const Json& obj, const std::string& ptr, const char* key) const {
    auto n = opt_int(obj, ptr, key);
    if (!n) fail(ptr, fmt::format("missing \"{}\" (expected a whole number)", key));
    return *n;
  }
  std::optional<bool> opt_bool(const Json& obj, const std::string& ptr, const char* key) const {
    const Json* v = find(obj, key);
    if (!v) return std::nullopt;
    if (!v->is_boolean()) fail(child(ptr, key), fmt::format("expected true or false, found {}", describe_value(*v)));
    return v->get<bool>();
  }
  bool req_bool(const Json& obj, const std::string& ptr, const char* key) const {
    auto b = opt_bool(obj, ptr, key);
    if (!b) fail(ptr, fmt::format("missing \"{}\" (expected true or false)", key));
    return *b;
  }
  const Json* opt_array(const Json& obj, const std::string& ptr, const char* key) const {
    const Json* v = find(obj, key);
    if (v && !v->is_array()) fail(child(ptr, key), fmt::format("expected an array, found {}", describe_value(*v)));
    return v;
  }
  const Json* opt_object(const Json& obj, const std::string& ptr, const char* key) const {
    const Json* v = find(obj, key);
    if (v && !v->is_object()) fail(child(ptr, key), fmt::format("expected an object, found {}", describe_value(*v)));
    return v;
  }

  // Values.
  int protocol(const Json& obj, const std::string& ptr, const char* key) const;
  Cidr cidr(const Json& obj, const std::string& ptr, const char* key, Family family, std::string* text);
  u128 address(const Json& obj, const std::string& ptr, const char* key, Family family) const;
  Tags tags(const Json& obj, const std::string& ptr) const;
  void icmp_type_code(int type, int code, const std::string& type_ptr, const std::string& code_ptr);
  PortFields sg_ports(int protocol, const Json& obj, const std::string& ptr);

  // Documents.
  void load_groups(const Json& list, const std::string& ptr);
  void load_permission(SecurityGroup& g, Direction d, const Json& perm, const std::string& ptr, int index);
  void load_rule_rows(const Json& list, const std::string& ptr);
  void load_acls(const Json& list, const std::string& ptr);
  NaclEntry load_entry(const Json& entry, const std::string& ptr, const std::string& acl_id);
  void load_interfaces(const Json& list, const std::string& ptr);
  void load_prefix_lists(const Json& list, const std::string& ptr);

  // Adding to the snapshot.
  void add_group(SecurityGroup g);
  void add_row(const std::string& group_id, const std::string& owner_id, Direction d, SgRule rule);
  void attach_row(SecurityGroup& g, Direction d, const SgRule& row) const;
  template <class T>
  void add_unique(std::vector<T>& items, std::unordered_map<std::string, std::size_t>& index, T item,
                  const char* what);

  Snapshot& snap_;
  std::string_view text_;
  const std::string& file_;
  const LoadOptions& options_;
  std::unordered_map<std::string, std::size_t> group_index_, acl_index_, eni_index_, prefix_list_index_;
  std::vector<std::size_t> touched_groups_;
  std::size_t acl_start_ = 0, eni_start_ = 0, prefix_list_start_ = 0, warning_start_ = 0;
};

void DocLoader::load(const Json& root) {
  if (!root.is_object())
    fail("", fmt::format("expected a JSON object with a top-level key {}, found {}{}", kKindList,
                         describe_value(root),
                         root.is_array() ? " (sgopt reads the whole describe output, not one filtered "
                                           "with --query)"
                                         : ""));
  struct Kind {
    const char* key;
    void (DocLoader::*load)(const Json&, const std::string&);
  };
  static constexpr Kind kKinds[] = {
      {"SecurityGroups", &DocLoader::load_groups},
      {"SecurityGroupRules", &DocLoader::load_rule_rows},
      {"NetworkAcls", &DocLoader::load_acls},
      {"NetworkInterfaces", &DocLoader::load_interfaces},
      {"PrefixLists", &DocLoader::load_prefix_lists},
  };
  bool known = false;
  for (const Kind& k : kKinds) {
    const Json* list = opt_array(root, "", k.key);
    if (!list) continue;
    known = true;
    (this->*k.load)(*list, child("", k.key));
  }
  std::vector<std::string> others;
  for (const auto& [key, value] : root.items()) {
    bool listed = std::any_of(std::begin(kKinds), std::end(kKinds), [&](const Kind& k) { return key == k.key; });
    if (!listed && key != "ResponseMetadata" && key != "NextToken") others.push_back(key);
  }
  if (!known) {
    std::string found = others.empty() ? "an empty object" : "keys " + fmt::format("{}", fmt::join(others, ", "));
    if (found.size() > 200) found = found.substr(0, 197) + "...";
    fail("", fmt::format("not a describe-* document sgopt reads: expected a top-level key {}, found {}",
                         kKindList, found));
  }
  for (const auto& key : others)
    warn("/" + pointer_segment(key), fmt::format("top-level key \"{}\" is not one sgopt reads; ignored", key));
}

int DocLoader::protocol(const Json& obj, const std::string& ptr, const char* key) const {
  std::string text = req_string(obj, ptr, key, kLikeProtocol);
  std::string why;
  auto p = parse_protocol(text, &why);
  if (!p) fail(child(ptr, key), why);
  return *p;
}

Cidr DocLoader::cidr(const Json& obj, const std::string& ptr, const char* key, Family family, std::string* text) {
  std::string s = req_string(obj, ptr, key, family == Family::V4 ? kLikeCidr4 : kLikeCidr6);
  std::string why;
  auto c = parse_cidr(s, family, &why);
  if (!c) fail(child(ptr, key), why);
  if (c->host_bits_cleared)
    warn(child(ptr, key), fmt::format("'{}' has host bits set; read as {}, as AWS does", s, c->cidr.str()));
  if (text) *text = s;
  return c->cidr;
}

u128 DocLoader::address(const Json& obj, const std::string& ptr, const char* key, Family family) const {
  std::string s = req_string(obj, ptr, key, family == Family::V4 ? R"(a string like "10.0.0.5")"
                                                                 : R"(a string like "2001:db8::5")");
  auto a = family == Family::V4 ? parse_ipv4(s) : parse_ipv6(s);
  if (!a) fail(child(ptr, key), fmt::format("'{}' is not an {} address", s, family_name(family)));
  return *a;
}

Tags DocLoader::tags(const Json& obj, const std::string& ptr) const {
  Tags out;
  const Json* list = opt_array(obj, ptr, "Tags");
  if (!list) return out;
  for (std::size_t i = 0; i < list->size(); ++i) {
    std::string tp = child(child(ptr, "Tags"), i);
    const Json& t = object_at((*list)[i], tp, R"(a tag object like {"Key": "Name", "Value": "web"})");
    out.emplace_back(req_string(t, tp, "Key", kText), opt_text(t, tp, "Value"));
  }
  return out;
}

void DocLoader::icmp_type_code(int type, int code, const std::string& type_ptr, const std::string& code_ptr) {
  if (type < -1 || type > 255)
    fail(type_ptr, fmt::format("ICMP type {} is outside 0-255 (-1 means every type)", type));
  if (code < -1 || code > 255)
    fail(code_ptr, fmt::format("ICMP code {} is outside 0-255 (-1 means every code)", code));
  if (type == -1 && code != -1) {
    std::string msg = fmt::format("ICMP type -1 means every type and needs code -1, found code {}", code);
    if (!options_.lenient) fail(code_ptr, msg);
    warn(code_ptr, msg + "; the code is ignored");
  }
}

// AWS-SEMANTICS.md 2.2: FromPort/ToPort are a port range for tcp/udp, ICMP type and code for
// icmp/icmpv6, and are ignored for every other protocol.
PortFields DocLoader::sg_ports(int proto, const Json& obj, const std::string& ptr) {
  PortFields p{opt_int(obj, ptr, "FromPort"), opt_int(obj, ptr, "ToPort")};
  if (p.from.has_value() != p.to.has_value())
    fail(ptr, fmt::format("\"{}\" is given without \"{}\"; give both or neither", p.from ? "FromPort" : "ToPort",
                          p.from ? "ToPort" : "FromPort"));
  std::string from_ptr = child(ptr, "FromPort"), to_ptr = child(ptr, "ToPort");
  std::string name = proto == kAllProtocols ? "-1 (all)" : protocol_name(proto);
  if (!has_port_key(proto)) {
    if (p.from && !(*p.from == -1 && *p.to == -1))
      warn(ptr, fmt::format("FromPort/ToPort are ignored: protocol {} matches every port", name));
    return p;
  }
  if (is_port_protocol(proto)) {
    if (!p.from) fail(ptr, fmt::format("a {} rule needs FromPort and ToPort", name));
    for (auto [v, vp] : {std::pair{*p.from, &from_ptr}, std::pair{*p.to, &to_ptr}})
      if (v < -1 || v > 65535) fail(*vp, fmt::format("port {} is outside 0-65535", v));
    if (*p.from == -1 && *p.to == -1)
      warn(ptr, fmt::format("{} ports -1 to -1 are read as every port (0-65535)", name));
    else if (*p.from == -1)
      warn(from_ptr, fmt::format("FromPort -1 is read as 0 (ports 0-{})", *p.to));
    else if (*p.to == -1)
      warn(to_ptr, fmt::format("ToPort -1 is read as 65535 (ports {}-65535)", *p.from));
    else if (*p.from > *p.to)
      fail(from_ptr, fmt::format("FromPort {} is greater than ToPort {}", *p.from, *p.to));
    return p;
  }
  // icmp / icmpv6: type and code. Only icmpv6 may leave them out (then it allows every type).
  if (!p.from) {
    if (proto == kIcmp) fail(ptr, "an icmp rule needs FromPort (the ICMP type) and ToPort (the code); -1 means all");
    return p;
  }
  icmp_type_code(*p.from, *p.to, from_ptr, to_ptr);
  return p;
}

// ----- describe-security-groups -----

void DocLoader::load_groups(const Json& list, const std::string& ptr) {
  for (std::size_t i = 0; i < list.size(); ++i) {
    std::string gp = child(ptr, i);
    const Json& o = object_at(list[i], gp, "a security group object");
    SecurityGroup g;
    g.id = req_string(o, gp, "GroupId", kLikeGroupId);
    g.name = opt_text(o, gp, "GroupName");
    g.description = opt_text(o, gp, "Description");
    g.vpc_id = opt_text(o, gp, "VpcId");
    g.owner_id = opt_text(o, gp, "OwnerId");
    g.tags = tags(o, gp);
    g.where = Location{file_, gp, 0};
    g.raw_json = o.dump();
    for (Direction d : {Direction::Ingress, Direction::Egress}) {
      const char* key = aws::permissions_key(d);
      const Json* perms = opt_array(o, gp, key);
      if (!perms) continue;
      for (std::size_t j = 0; j < perms->size(); ++j)
        load_permission(g, d, (*perms)[j], child(child(gp, key), j), static_cast<int>(j));
    }
    add_group(std::move(g));
  }
}

void DocLoader::load_permission(SecurityGroup& g, Direction d, const Json& perm_value, const std::string& pp,
                                int index) {
  const Json& perm = object_at(perm_value, pp, "an IpPermission object");
  int proto = protocol(perm, pp, "IpProtocol");
  PortFields ports = sg_ports(proto, perm, pp);
  std::size_t before = g.rules(d).size();
  for (const aws::PeerList& pl : aws::kPeerLists) {
    const Json* peers = opt_array(perm, pp, pl.list);
    if (!peers) continue;
    for (std::size_t k = 0; k < peers->size(); ++k) {
      std::string ep = child(child(pp, pl.list), k);
      const Json& e = object_at((*peers)[k], ep, "a peer object");
      SgRule r;
      r.protocol = proto;
      r.from_port = ports.from;
      r.to_port = ports.to;
      r.peer.type = pl.type;
      if (pl.type == PeerType::Ipv4 || pl.type == PeerType::Ipv6) {
        Family f = pl.type == PeerType::Ipv4 ? Family::V4 : Family::V6;
        r.peer.cidr = cidr(e, ep, pl.key, f, &r.source.peer_text);
      } else {
        r.peer.ref = req_string(e, ep, pl.key, pl.type == PeerType::Group ? kLikeGroupId : kLikePrefixListId);
        r.source.peer_text = r.peer.ref;
        if (pl.type == PeerType::Group) r.peer.user_id = opt_text(e, ep, "UserId");
      }
      r.source.where = Location{file_, ep, 0};
      r.source.resource_id = g.id;
      r.source.permission_index = index;
      r.source.peer_index = static_cast<int>(k);
      r.source.description = opt_text(e, ep, "Description");
      r.source.raw_json = e.dump();
      g.rules(d).push_back(std::move(r));
    }
  }
  if (g.rules(d).size() == before)
    warn(pp, "this permission names no CIDR, prefix list or group, so it allows nothing");
}

void DocLoader::add_group(SecurityGroup g) {
  auto it = group_index_.find(g.id);
  if (it != group_index_.end() && snap_.groups[it->second].rules_only) {
    // Rows came first: the describe-security-groups object replaces them, and each row must match.
    SecurityGroup& rows = snap_.groups[it->second];
    for (Direction d : {Direction::Ingress, Direction::Egress})
      for (const SgRule& row : rows.rules(d)) attach_row(g, d, row);
    rows = std::move(g);
    touched_groups_.push_back(it->second);
    return;
  }
  add_unique(snap_.groups, group_index_, std::move(g), "security group");
  touched_groups_.push_back(snap_.groups.size() - 1);
}

template <class T>
void DocLoader::add_unique(std::vector<T>& items, std::unordered_map<std::string, std::size_t>& index, T item,
                           const char* what) {
  auto [it, added] = index.emplace(item.id, items.size());
  if (!added) {
    const T& first = items[it->second];
    std::string msg = fmt::format("{} {} is defined twice; the first is at {}", what, item.id, place(first.where));
    if (!options_.lenient) fail_at(item.where, msg);
    warn(item.where.json_pointer, msg + "; both are kept");
  }
  items.push_back(std::move(item));
}

// ----- describe-security-group-rules -----

void DocLoader::load_rule_rows(const Json& list, const std::string& ptr) {
  for (std::size_t i = 0; i < list.size(); ++i) {
    std::string rp = child(ptr, i);
    const Json& o = object_at(list[i], rp, "a security group rule object");
    std::string group_id = req_string(o, rp, "GroupId", kLikeGroupId);
    Direction d = req_bool(o, rp, "IsEgress") ? Direction::Egress : Direction::Ingress;
    SgRule r;
    r.protocol = protocol(o, rp, "IpProtocol");
    PortFields ports = sg_ports(r.protocol, o, rp);
    r.from_port = ports.from;
    r.to_port = ports.to;
    int peers = 0;
    for (const char* key : {"CidrIpv4", "CidrIpv6", "PrefixListId", "ReferencedGroupInfo"}) peers += find(o, key) != nullptr;
    if (peers != 1)
      fail(rp, fmt::format("a rule row needs exactly one of CidrIpv4, CidrIpv6, PrefixListId and "
                           "ReferencedGroupInfo, found {}", peers));
    if (find(o, "CidrIpv4")) {
      r.peer.type = PeerType::Ipv4;
      r.peer.cidr = cidr(o, rp, "CidrIpv4", Family::V4, &r.source.peer_text);
    } else if (find(o, "CidrIpv6")) {
      r.peer.type = PeerType::Ipv6;
      r.peer.cidr = cidr(o, rp, "CidrIpv6", Family::V6, &r.source.peer_text);
    } else if (find(o, "PrefixListId")) {
      r.peer.type = PeerType::PrefixList;
      r.peer.ref = req_string(o, rp, "PrefixListId", kLikePrefixListId);
      r.source.peer_text = r.peer.ref;
    } else {
      std::string gp = child(rp, "ReferencedGroupInfo");
      const Json& ref = *opt_object(o, rp, "ReferencedGroupInfo");
      r.peer.type = PeerType::Group;
      r.peer.ref = req_string(ref, gp, "GroupId", kLikeGroupId);
      r.peer.user_id = opt_text(ref, gp, "UserId");
      r.source.peer_text = r.peer.ref;
    }
    r.source.where = Location{file_, rp, 0};
    r.source.resource_id = group_id;
    r.source.rule_id = opt_string(o, rp, "SecurityGroupRuleId", R"(a string like "sgr-0123456789abcdef0")").value_or("");
    r.source.description = opt_text(o, rp, "Description");
    add_row(group_id, opt_text(o, rp, "GroupOwnerId"), d, std::move(r));
  }
}

void DocLoader::add_row(const std::string& group_id, const std::string& owner_id, Direction d, SgRule rule) {
  auto it = group_index_.find(group_id);
  if (it == group_index_.end()) {
    SecurityGroup g;
    g.id = group_id;
    g.owner_id = owner_id;
    g.where = rule.source.where;
    g.rules_only = true;
    it = group_index_.emplace(group_id, snap_.groups.size()).first;
    snap_.groups.push_back(std::move(g));
  }
  touched_groups_.push_back(it->second);
  SecurityGroup& g = snap_.groups[it->second];
  if (!g.rules_only) {
    attach_row(g, d, rule);
    return;
  }
  if (!rule.source.rule_id.empty())
    for (Direction dd : {Direction::Ingress, Direction::Egress})
      for (const SgRule& r : g.rules(dd))
        if (r.source.rule_id == rule.source.rule_id)
          fail_at(rule.source.where, fmt::format("security group rule {} is listed twice; the first is at {}",
                                                 rule.source.rule_id, place(r.source.where)));
  g.rules(d).push_back(std::move(rule));
}

void DocLoader::attach_row(SecurityGroup& g, Direction d, const SgRule& row) const {
  MatchBox box = sg_rule_match(row);
  for (SgRule& r : g.rules(d)) {
    if (!r.source.rule_id.empty() || !(r.peer == row.peer) || !(sg_rule_match(r) == box)) continue;
    r.source.rule_id = row.source.rule_id;
    return;
  }
  fail_at(row.source.where,
          fmt::format("describe-security-group-rules row{} ({} {} {}) matches no {} rule that "
                      "describe-security-groups gives for {} at {}; the two exports disagree (load exports "
                      "taken at the same time)",
                      row.source.rule_id.empty() ? "" : " " + row.source.rule_id, direction_name(d),
                      row.protocol == kAllProtocols ? "all" : protocol_name(row.protocol), row.peer.str(),
                      direction_name(d), g.id, place(g.where)));
}

// ----- describe-network-acls -----

void DocLoader::load_acls(const Json& list, const std::string& ptr) {
  for (std::size_t i = 0; i < list.size(); ++i) {
    std::string ap = child(ptr, i);
    const Json& o = object_at(list[i], ap, "a network ACL object");
    NetworkAcl a;
    a.id = req_string(o, ap, "NetworkAclId", kLikeAclId);
    a.vpc_id = opt_text(o, ap, "VpcId");
    a.owner_id = opt_text(o, ap, "OwnerId");
    a.is_default = opt_bool(o, ap, "IsDefault").value_or(false);
    a.tags = tags(o, ap);
    a.where = Location{file_, ap, 0};
    a.raw_json = o.dump();
    if (const Json* assocs = opt_array(o, ap, "Associations")) {
      for (std::size_t j = 0; j < assocs->size(); ++j) {
        std::string sp = child(child(ap, "Associations"), j);
        const Json& as = object_at((*assocs)[j], sp, "an association object");
        if (auto subnet = opt_string(as, sp, "SubnetId", R"(a string like "subnet-0123456789abcdef0")"))
          a.subnet_ids.push_back(*subnet);
      }
    }
    if (const Json* entries = opt_array(o, ap, "Entries")) {
      std::map<std::pair<Direction, int>, std::string> numbers;
      for (std::size_t j = 0; j < entries->size(); ++j) {
        std::string ep = child(child(ap, "Entries"), j);
        NaclEntry e = load_entry((*entries)[j], ep, a.id);
        auto [it, added] = numbers.emplace(std::pair{e.direction, e.rule_number}, ep);
        if (!added)
          fail(child(ep, "RuleNumber"),
               fmt::format("{} rule number {} is used twice in {}; the first is at {}", direction_name(e.direction),
                           e.rule_number, a.id, place(Location{file_, it->second, 0})));
        a.entries(e.direction).push_back(std::move(e));
      }
    }
    for (Direction d : {Direction::Ingress, Direction::Egress})
      std::stable_sort(a.entries(d).begin(), a.entries(d).end(),
                       [](const NaclEntry& x, const NaclEntry& y) { return x.rule_number < y.rule_number; });
    add_unique(snap_.acls, acl_index_, std::move(a), "network ACL");
  }
}

// AWS-SEMANTICS.md section 3: Protocol is a number (names are accepted too), PortRange applies to
// 6 and 17, IcmpTypeCode to 1 and to 58 with an IPv6 block.
NaclEntry DocLoader::load_entry(const Json& value, const std::string& ep, const std::string& acl_id) {
  const Json& o = object_at(value, ep, "a network ACL entry object");
  NaclEntry e;
  e.rule_number = req_int(o, ep, "RuleNumber");
  if ((e.rule_number < 1 || e.rule_number > 32766) && !e.is_default_deny())
    fail(child(ep, "RuleNumber"), fmt::format("rule number {} is outside 1-32766 (32767 and 32768 are AWS's "
                                              "default denies)", e.rule_number));
  e.protocol = protocol(o, ep, "Protocol");
  std::string action = lower(req_string(o, ep, "RuleAction", R"("allow" or "deny")"));
  if (action != "allow" && action != "deny")
    fail(child(ep, "RuleAction"), fmt::format("expected \"allow\" or \"deny\", found \"{}\"", action));
  e.allow = action == "allow";
  e.direction = req_bool(o, ep, "Egress") ? Direction::Egress : Direction::Ingress;
  bool v4 = find(o, "CidrBlock") != nullptr, v6 = find(o, "Ipv6CidrBlock") != nullptr;
  if (v4 == v6)
    fail(ep, v4 ? "an entry has CidrBlock or Ipv6CidrBlock, not both"
                : "missing \"CidrBlock\" or \"Ipv6CidrBlock\" (expected a string like \"10.0.0.0/16\")");
  e.cidr = v4 ? cidr(o, ep, "CidrBlock", Family::V4, &e.source.peer_text)
              : cidr(o, ep, "Ipv6CidrBlock", Family::V6, &e.source.peer_text);
  if (const Json* pr = opt_object(o, ep, "PortRange")) {
    std::string pp = child(ep, "PortRange");
    PortRange r{req_int(*pr, pp, "From"), req_int(*pr, pp, "To")};
    for (auto [v, key] : {std::pair{r.from, "From"}, std::pair{r.to, "To"}})
      if (v < 0 || v > 65535) fail(child(pp, key), fmt::format("port {} is outside 0-65535", v));
    if (r.from > r.to) fail(child(pp, "From"), fmt::format("From {} is greater than To {}", r.from, r.to));
    e.port_range = r;
  }
  if (const Json* ic = opt_object(o, ep, "IcmpTypeCode")) {
    std::string ip = child(ep, "IcmpTypeCode");
    IcmpTypeCode t{req_int(*ic, ip, "Type"), req_int(*ic, ip, "Code")};
    icmp_type_code(t.type, t.code, child(ip, "Type"), child(ip, "Code"));
    e.icmp = t;
  }
  std::string name = e.protocol == kAllProtocols ? "-1 (all)" : std::to_string(e.protocol);
  bool icmp_applies = e.protocol == kIcmp || (e.protocol == kIcmpv6 && e.cidr.family == Family::V6);
  if (is_port_protocol(e.protocol) && !e.port_range)
    fail(ep, fmt::format("a protocol {} entry needs PortRange {{\"From\", \"To\"}}", name));
  if (icmp_applies && !e.icmp)
    fail(ep, fmt::format("a protocol {} entry{} needs IcmpTypeCode {{\"Type\", \"Code\"}} (-1 means all)", name,
                         e.protocol == kIcmpv6 ? " with an IPv6 block" : ""));
  if (e.port_range && !is_port_protocol(e.protocol))
    warn(child(ep, "PortRange"), fmt::format("PortRange is ignored: protocol {} has no ports", name));
  if (e.icmp && !icmp_applies)
    warn(child(ep, "IcmpTypeCode"),
         e.protocol == kIcmpv6 ? "IcmpTypeCode is ignored: protocol 58 with an IPv4 block matches every type and code"
                               : fmt::format("IcmpTypeCode is ignored: protocol {} is not ICMP", name));
  e.source.where = Location{file_, ep, 0};
  e.source.resource_id = acl_id;
  e.source.raw_json = o.dump();
  return e;
}

// ----- describe-network-interfaces -----

void DocLoader::load_interfaces(const Json& list, const std::string& ptr) {
  for (std::size_t i = 0; i < list.size(); ++i) {
    std::string np = child(ptr, i);
    const Json& o = object_at(list[i], np, "a network interface object");
    NetworkInterface n;
    n.id = req_string(o, np, "NetworkInterfaceId", kLikeEniId);
    n.subnet_id = opt_text(o, np, "SubnetId");
    n.vpc_id = opt_text(o, np, "VpcId");
    n.description = opt_text(o, np, "Description");
    n.interface_type = opt_text(o, np, "InterfaceType");
    if (const Json* groups = opt_array(o, np, "Groups"))
      for (std::size_t j = 0; j < groups->size(); ++j) {
        std::string gp = child(child(np, "Groups"), j);
        n.group_ids.push_back(req_string(object_at((*groups)[j], gp, "a group object"), gp, "GroupId", kLikeGroupId));
      }
    auto add_v4 = [&](u128 a) {
      if (std::find(n.private_ipv4.begin(), n.private_ipv4.end(), a) == n.private_ipv4.end()) n.private_ipv4.push_back(a);
    };
    if (find(o, "PrivateIpAddress")) add_v4(address(o, np, "PrivateIpAddress", Family::V4));
    if (const Json* ips = opt_array(o, np, "PrivateIpAddresses"))
      for (std::size_t j = 0; j < ips->size(); ++j) {
        std::string ip = child(child(np, "PrivateIpAddresses"), j);
        add_v4(address(object_at((*ips)[j], ip, "an address object"), ip, "PrivateIpAddress", Family::V4));
      }
    if (const Json* ips = opt_array(o, np, "Ipv6Addresses"))
      for (std::size_t j = 0; j < ips->size(); ++j) {
        std::string ip = child(child(np, "Ipv6Addresses"), j);
        u128 a = address(object_at((*ips)[j], ip, "an address object"), ip, "Ipv6Address", Family::V6);
        if (std::find(n.ipv6.begin(), n.ipv6.end(), a) == n.ipv6.end()) n.ipv6.push_back(a);
      }
    n.where = Location{file_, np, 0};
    n.raw_json = o.dump();
    add_unique(snap_.interfaces, eni_index_, std::move(n), "network interface");
  }
}

// ----- describe-managed-prefix-lists -----

void DocLoader::load_prefix_lists(const Json& list, const std::string& ptr) {
  for (std::size_t i = 0; i < list.size(); ++i) {
    std::string lp = child(ptr, i);
    const Json& o = object_at(list[i], lp, "a prefix list object");
    PrefixList pl;
    pl.id = req_string(o, lp, "PrefixListId", kLikePrefixListId);
    pl.name = opt_text(o, lp, "PrefixListName");
    pl.max_entries = opt_int(o, lp, "MaxEntries").value_or(0);
    if (pl.max_entries < 0)
      fail(child(lp, "MaxEntries"), fmt::format("MaxEntries {} is negative", pl.max_entries));
    if (auto family = opt_string(o, lp, "AddressFamily", R"("IPv4" or "IPv6")")) {
      std::string f = lower(*family);
      if (f != "ipv4" && f != "ipv6")
        fail(child(lp, "AddressFamily"), fmt::format("expected \"IPv4\" or \"IPv6\", found \"{}\"", *family));
      pl.family = f == "ipv4" ? Family::V4 : Family::V6;
    }
    // Not in AWS's shape: the entries of get-managed-prefix-list-entries, pasted in as "Entries".
    if (const Json* entries = opt_array(o, lp, "Entries"))
      for (std::size_t j = 0; j < entries->size(); ++j) {
        std::string ep = child(child(lp, "Entries"), j);
        const Json& e = object_at((*entries)[j], ep, R"(an entry like {"Cidr": "10.0.0.0/16"})");
        Family f = pl.family.value_or(Family::V4);
        if (!pl.family) {
          auto text = opt_string(e, ep, "Cidr", kLikeCidr4);
          if (text && text->find(':') != std::string::npos) f = Family::V6;
        }
        pl.entries.push_back(cidr(e, ep, "Cidr", f, nullptr));
      }
    pl.where = Location{file_, lp, 0};
    add_unique(snap_.prefix_lists, prefix_list_index_, std::move(pl), "prefix list");
  }
}

void DocLoader::resolve() {
  std::vector<Location*> locations;
  auto want = [&](Location& l) {
    if (l.file == file_ && l.line == 0) locations.push_back(&l);
  };
  std::sort(touched_groups_.begin(), touched_groups_.end());
  touched_groups_.erase(std::unique(touched_groups_.begin(), touched_groups_.end()), touched_groups_.end());
  for (std::size_t gi : touched_groups_) {
    SecurityGroup& g = snap_.groups[gi];
    want(g.where);
    for (Direction d : {Direction::Ingress, Direction::Egress})
      for (SgRule& r : g.rules(d)) want(r.source.where);
  }
  for (std::size_t i = acl_start_; i < snap_.acls.size(); ++i) {
    want(snap_.acls[i].where);
    for (Direction d : {Direction::Ingress, Direction::Egress})
      for (NaclEntry& e : snap_.acls[i].entries(d)) want(e.source.where);
  }
  for (std::size_t i = eni_start_; i < snap_.interfaces.size(); ++i) want(snap_.interfaces[i].where);
  for (std::size_t i = prefix_list_start_; i < snap_.prefix_lists.size(); ++i) want(snap_.prefix_lists[i].where);
  for (std::size_t i = warning_start_; i < snap_.warnings.size(); ++i) want(snap_.warnings[i].where);
  resolve_lines(text_, locations);
}

std::string read_stream(std::istream& in) {
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void load_file(Snapshot& snapshot, const fs::path& path, const LoadOptions& options) {
  std::ifstream in(path, std::ios::binary);
  std::string name = path.string();
  if (!in) throw InputError(Diagnostic{Location{name, "", 0}, fmt::format("cannot read the file: {}", std::strerror(errno))});
  std::string text = read_stream(in);
  if (in.bad()) throw InputError(Diagnostic{Location{name, "", 0}, "cannot read the file"});
  load_document(snapshot, text, name, options);
}

}  // namespace

void load_document(Snapshot& snapshot, std::string_view text, const std::string& file, const LoadOptions& options) {
  Json root = parse_document(text, file);
  DocLoader loader(snapshot, text, file, options);
  loader.load(root);
  loader.resolve();
  snapshot.files.push_back(file);
}

Snapshot load_inputs(const std::vector<std::string>& paths, const LoadOptions& options) {
  Snapshot snapshot;
  if (paths.empty()) throw InputError(Diagnostic{Location{}, "no input files given"});
  for (const std::string& p : paths) {
    if (p == "-") {
      load_document(snapshot, read_stream(std::cin), "<stdin>", options);
      continue;
    }
    std::error_code ec;
    fs::file_status st = fs::status(p, ec);
    if (ec || !fs::exists(st))
      throw InputError(Diagnostic{Location{p, "", 0}, "no such file or folder"});
    if (!fs::is_directory(st)) {
      load_file(snapshot, p, options);
      continue;
    }
    std::vector<fs::path> files;
    try {
      for (const auto& entry : fs::recursive_directory_iterator(p)) {
        std::string ext = lower(entry.path().extension().string());
        if (ext == ".json" && entry.is_regular_file()) files.push_back(entry.path());
      }
    } catch (const fs::filesystem_error& e) {
      throw InputError(Diagnostic{Location{p, "", 0}, fmt::format("cannot read the folder: {}", e.code().message())});
    }
    if (files.empty())
      throw InputError(Diagnostic{Location{p, "", 0}, "the folder holds no .json files (folders are read recursively)"});
    std::sort(files.begin(), files.end());
    for (const auto& f : files) load_file(snapshot, f, options);
  }
  return snapshot;
}

}  // namespace sgopt
