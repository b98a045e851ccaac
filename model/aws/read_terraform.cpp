// Reader of Terraform's JSON (`terraform show -json`): a plan (format_version 0.1 to 1.x; both
// sides, LoadOptions::side picks one) or a state (values.root_module). Security groups, their
// standalone rules, network ACLs, their standalone entries and associations, in the root module and
// in child modules at any depth, count and for_each instances included.
//
// What a side holds (the AWS provider's semantics):
// - The prior side of a plan is what Terraform refreshed: every existing group's ingress/egress
//   are AWS's whole rule set, standalone rules included.
// - The planned side: a direction the configuration declares inline (an ingress or egress
//   attribute or block) is owned by the group, exactly as planned. A direction it does not declare
//   is (refreshed rules - standalone rules' before + standalone rules' after): the refreshed set
//   stays in `after` however the standalone rules change. A group Terraform creates starts with no
//   rule at all (the provider removes AWS's default allow-all egress), and so does a default group
//   or ACL it adopts. Declaring inline rules and binding standalone rules to one direction is a
//   conflict (each apply undoes the other): reported, and the direction is unresolved.
// - A value known only after apply (after_unknown) that a rule needs makes that rule unresolved;
//   a standalone rule whose group id is unknown is bound through configuration references
//   (module outputs and variables followed). A group created in the plan is named by its address.
// - Rules bound to a group the input does not describe make a partial group (SecurityGroup::partial).
#include "model/aws/doc_loader.h"
#include "model/protocol.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace sgopt::aws {

namespace {

constexpr const char* kGroupTypes[] = {"aws_security_group", "aws_default_security_group"};
constexpr const char* kAclTypes[] = {"aws_network_acl", "aws_default_network_acl"};

bool one_of(const std::string& type, std::initializer_list<const char*> types) {
  return std::any_of(types.begin(), types.end(), [&](const char* t) { return type == t; });
}
bool is_group_type(const std::string& t) { return one_of(t, {kGroupTypes[0], kGroupTypes[1]}); }
bool is_acl_type(const std::string& t) { return one_of(t, {kAclTypes[0], kAclTypes[1]}); }
bool is_rule_type(const std::string& t) {
  return one_of(
      t, {"aws_security_group_rule", "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"});
}
bool is_modelled(const std::string& t) {
  return is_group_type(t) || is_acl_type(t) || is_rule_type(t) || t == "aws_network_acl_rule" ||
         t == "aws_network_acl_association";
}

/// The parts of a resource address: module.a["x"].module.b.aws_security_group.web[0].
struct Address {
  std::string module;         // module instance path ("module.a[\"x\"].module.b"), "" at the root
  std::string module_config;  // the same without instance keys ("module.a.module.b")
  std::string type, name;
  std::string key;  // the instance key as written ("[0]", "[\"x\"]"), "" when none
};

// Splits at dots outside brackets and quotes.
std::vector<std::string> address_parts(const std::string& a) {
  std::vector<std::string> out(1);
  int depth = 0;
  bool quoted = false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (quoted) {
      if (c == '\\' && i + 1 < a.size())
        out.back() += a[i++];
      else if (c == '"')
        quoted = false;
    } else if (c == '"') {
      quoted = true;
    } else if (c == '[') {
      ++depth;
    } else if (c == ']') {
      --depth;
    } else if (c == '.' && depth == 0) {
      out.emplace_back();
      continue;
    }
    out.back() += c;
  }
  return out;
}

std::pair<std::string, std::string> split_key(const std::string& part) {
  auto b = part.find('[');
  if (b == std::string::npos) return {part, ""};
  return {part.substr(0, b), part.substr(b)};
}

std::optional<Address> parse_address(const std::string& text) {
  std::vector<std::string> parts = address_parts(text);
  Address a;
  std::size_t i = 0;
  while (i + 1 < parts.size() && parts[i] == "module") {
    auto [name, key] = split_key(parts[i + 1]);
    a.module += (a.module.empty() ? "" : ".") + std::string("module.") + parts[i + 1];
    a.module_config += (a.module_config.empty() ? "" : ".") + std::string("module.") + name;
    i += 2;
  }
  if (i + 2 != parts.size()) return std::nullopt;  // data.* and anything else sgopt does not model
  a.type = parts[i];
  std::tie(a.name, a.key) = split_key(parts[i + 1]);
  return a;
}

std::string join_module(const std::string& parent, const std::string& child) {
  return parent.empty() ? child : parent + "." + child;
}

const Json* member(const Json* o, const char* key) {
  if (!o || !o->is_object()) return nullptr;
  auto it = o->find(key);
  return it == o->end() || it->is_null() ? nullptr : &*it;
}
const Json* element(const Json* a, std::size_t i) {
  if (!a || !a->is_array() || i >= a->size()) return nullptr;
  return &(*a)[i];
}
/// after_unknown marks a value known only after apply with `true`.
bool unknown(const Json* u) { return u && u->is_boolean() && u->get<bool>(); }

/// A resource instance on the side being read.
struct Instance {
  std::string address;
  Address addr;
  std::string type;
  const Json* values = nullptr;    // the side's values (null: absent on this side)
  const Json* unknowns = nullptr;  // after_unknown (planned side only)
  std::string ptr;                 // JSON pointer of `values`
  const Json* before = nullptr;    // the planned side also needs the prior values
  std::string before_ptr;
  const Json* after = nullptr;  // the planned values whichever side is read (a plan's)
  std::string where_ptr;        // the resource object (its resource_changes item or values entry)
  bool created = false;         // the plan creates it (no prior values)
};

/// The configuration of every module: resources' expressions, module calls and outputs.
struct Configuration {
  std::map<std::string, const Json*> resources;  // "module_config|type.name" -> expressions
  struct Call {
    std::string parent;  // the calling module's config path
    const Json* expressions = nullptr;
  };
  std::map<std::string, Call> calls;           // child module config path -> its call
  std::map<std::string, const Json*> outputs;  // "module_config|name" -> output expression
  bool present = false;

  void add_module(const Json* m, const std::string& path) {
    if (!m || !m->is_object()) return;
    if (const Json* rs = member(m, "resources"); rs && rs->is_array())
      for (const Json& r : *rs) {
        const Json* addr = member(&r, "address");
        if (!addr || !addr->is_string()) continue;
        resources[path + "|" + addr->get<std::string>()] = member(&r, "expressions");
      }
    if (const Json* outs = member(m, "outputs"); outs && outs->is_object())
      for (const auto& [name, o] : outs->items()) outputs[path + "|" + name] = member(&o, "expression");
    if (const Json* calls_json = member(m, "module_calls"); calls_json && calls_json->is_object())
      for (const auto& [name, call] : calls_json->items()) {
        std::string child = join_module(path, "module." + name);
        calls[child] = Call{path, member(&call, "expressions")};
        add_module(member(&call, "module"), child);
      }
  }
  const Json* expressions(const Address& a) const {
    auto it = resources.find(a.module_config + "|" + a.type + "." + a.name);
    return it == resources.end() ? nullptr : it->second;
  }
  /// True when the resource's configuration sets the attribute (an inline block counts).
  bool declares(const Address& a, const char* attr) const { return member(expressions(a), attr) != nullptr; }
};

/// The references an expression names ("aws_security_group.web.id", "module.sg.id", "var.x").
std::vector<std::string> references(const Json* expression) {
  std::vector<std::string> out;
  if (const Json* refs = member(expression, "references"); refs && refs->is_array())
    for (const Json& r : *refs)
      if (r.is_string()) out.push_back(r.get<std::string>());
  return out;
}

/// The strings of a list value; `unknown_elements` counts those known only after apply.
struct StringList {
  std::vector<std::pair<std::string, std::string>> items;  // value, pointer
  std::vector<std::string> unknown;                        // pointers of values known only after apply
  bool whole_unknown = false;
};

}  // namespace

/// Reads one side of a Terraform plan or state into the snapshot.
class TerraformReader {
 public:
  TerraformReader(DocLoader& d, Snapshot& snap, const Json& root, LoadOptions::Side side)
      : d_(d), snap_(snap), root_(root), side_(side) {}

  void read();

 private:
  // The instances of the side, in document order.
  void collect();
  void collect_module(const Json* m, const std::string& ptr, bool prior, std::set<std::string>& seen);
  /// The resource object at `ptr` as an instance without values; nullopt for a data source or a
  /// type sgopt does not model.
  std::optional<Instance> instance_at(const Json& resource, const std::string& ptr) const;
  /// Adds an instance of the side.
  void keep(Instance in, std::set<std::string>& seen);
  // Binding through the configuration.
  std::optional<std::string> bind(const Instance& from, const char* attr, bool (*accept)(const std::string&)) const;
  std::vector<std::string> resolve_ref(const std::string& ref, const std::string& module_config, const Instance& from,
                                       int depth) const;
  // Values.
  StringList strings(const Json* values, const Json* unknowns, const std::string& ptr, const char* key) const;
  std::optional<int> int_field(const Json* values, const std::string& ptr, const char* key) const;
  std::string text_field(const Json* values, const std::string& ptr, const char* key) const;
  bool is_unknown(const Json* unknowns, const char* key) const { return unknown(member(unknowns, key)); }
  // Security groups.
  void read_groups();
  struct RuleBlock {
    const Json* values;
    const Json* unknowns;
    std::string ptr;
    Direction direction;
    std::string address;  // of a standalone rule
  };
  /// The rules of one inline block or standalone rule; what cannot be known is added to `open`.
  std::vector<SgRule> block_rules(const RuleBlock& b, const Instance& owner, const std::string& group_identity,
                                  std::vector<Unresolved>& open, bool standalone_vpc) const;
  /// The rules of the group's own ingress/egress list on the side; nullopt when it is unknown.
  std::optional<std::vector<SgRule>> inline_rules(const Instance& g, const Json* values, const Json* unknowns,
                                                  const std::string& ptr, Direction d, const std::string& identity,
                                                  std::vector<Unresolved>& open) const;
  // Network ACLs.
  void read_acls();
  std::optional<NaclEntry> entry(const Json* v, const Json* u, const std::string& ptr, Direction d, bool standalone,
                                 const std::string& acl_identity, const std::string& address,
                                 std::vector<Unresolved>& open) const;

  std::string identity(const Instance& i) const;
  const Instance* find_instance(const std::string& address) const;
  /// The group or ACL a standalone rule or entry belongs to (its `attr`): the id the values give,
  /// else, when the id is known only after apply, the one the configuration binds it to. False
  /// when neither says.
  bool owner(const Instance& in, const Json* values, const Json* unknowns, const char* attr,
             bool (*accept)(const std::string&), std::string& id) const;

  DocLoader& d_;
  Snapshot& snap_;
  const Json& root_;
  LoadOptions::Side side_;
  Configuration config_;
  std::vector<Instance> instances_;
  std::map<std::string, std::size_t> by_address_;
  bool plan_ = false;
};

void DocLoader::load_terraform(const Json& root) {
  TerraformReader r(*this, snap_, root, options_.side);
  r.read();
}

const Instance* TerraformReader::find_instance(const std::string& address) const {
  auto it = by_address_.find(address);
  return it == by_address_.end() ? nullptr : &instances_[it->second];
}

bool TerraformReader::owner(const Instance& in, const Json* values, const Json* unknowns, const char* attr,
                            bool (*accept)(const std::string&), std::string& id) const {
  if (is_unknown(unknowns, attr)) {
    std::optional<std::string> target = bind(in, attr, accept);
    if (!target) return false;
    id = identity(*find_instance(*target));
    return true;
  }
  id = text_field(values, "", attr);
  return !id.empty();
}

std::string TerraformReader::identity(const Instance& i) const {
  for (const Json* v : {i.values, i.before})
    if (const Json* id = member(v, "id"); id && id->is_string() && !id->get<std::string>().empty())
      return id->get<std::string>();
  return i.address;
}

void TerraformReader::read() {
  plan_ = root_.contains("resource_changes") || root_.contains("planned_values");
  if (plan_) snap_.two_sided = true;
  config_.add_module(member(member(&root_, "configuration"), "root_module"), "");
  config_.present = member(&root_, "configuration") != nullptr;
  collect();
  read_groups();
  read_acls();
}

std::optional<Instance> TerraformReader::instance_at(const Json& r, const std::string& ptr) const {
  if (d_.opt_text(r, ptr, "mode") == "data") return std::nullopt;
  Instance in;
  in.type = d_.opt_text(r, ptr, "type");
  if (!is_modelled(in.type)) return std::nullopt;
  in.address = d_.req_string(r, ptr, "address", R"(a resource address like "aws_security_group.web")");
  auto addr = parse_address(in.address);
  if (!addr) d_.fail(DocLoader::child(ptr, "address"), fmt::format("'{}' is not a resource address", echo(in.address)));
  in.addr = *addr;
  in.where_ptr = ptr;
  return in;
}

void TerraformReader::keep(Instance in, std::set<std::string>& seen) {
  seen.insert(in.address);
  by_address_[in.address] = instances_.size();
  instances_.push_back(std::move(in));
}

// A plan's side: resource_changes (before or after), then the resources only prior_state or
// planned_values hold (older plans list no unchanged resource). A state: values.root_module.
void TerraformReader::collect() {
  std::set<std::string> seen;
  bool prior = side_ == LoadOptions::Side::Before;
  if (!plan_) {
    d_.object_at(root_, "", "a Terraform state object");
    const Json* values = d_.opt_object(root_, "", "values");
    if (!values) return;  // an empty state
    collect_module(member(values, "root_module"), "/values/root_module", prior, seen);
    return;
  }
  if (const Json* changes = d_.opt_array(root_, "", "resource_changes")) {
    for (std::size_t i = 0; i < changes->size(); ++i) {
      std::string rp = DocLoader::child("/resource_changes", i);
      const Json& rc = d_.object_at((*changes)[i], rp, "a resource change object");
      std::optional<Instance> head = instance_at(rc, rp);
      if (!head) continue;
      Instance& in = *head;
      std::string cp = DocLoader::child(rp, "change");
      const Json* change_value = d_.opt_object(rc, rp, "change");
      if (!change_value) d_.fail(rp, "missing \"change\" (expected an object with before and after)");
      const Json& change = *change_value;
      const Json* before = d_.opt_object(change, cp, "before");
      const Json* after = d_.opt_object(change, cp, "after");
      in.created = before == nullptr;
      in.before = before;
      in.after = after;
      in.before_ptr = DocLoader::child(cp, "before");
      if (prior) {
        in.values = before;
        in.ptr = in.before_ptr;
      } else {
        in.values = after;
        in.ptr = DocLoader::child(cp, "after");
        in.unknowns = member(&change, "after_unknown");
      }
      keep(std::move(in), seen);
    }
  }
  if (prior) {
    if (const Json* ps = d_.opt_object(root_, "", "prior_state"))
      if (const Json* v = member(ps, "values"))
        collect_module(member(v, "root_module"), "/prior_state/values/root_module", true, seen);
  } else if (const Json* pv = d_.opt_object(root_, "", "planned_values")) {
    collect_module(member(pv, "root_module"), "/planned_values/root_module", false, seen);
  }
}

void TerraformReader::collect_module(const Json* m, const std::string& ptr, bool prior, std::set<std::string>& seen) {
  if (!m) return;
  d_.object_at(*m, ptr, "a module object");
  if (const Json* rs = d_.opt_array(*m, ptr, "resources"))
    for (std::size_t i = 0; i < rs->size(); ++i) {
      std::string rp = DocLoader::child(DocLoader::child(ptr, "resources"), i);
      const Json& r = d_.object_at((*rs)[i], rp, "a resource object");
      std::optional<Instance> head = instance_at(r, rp);
      if (!head || seen.count(head->address)) continue;
      Instance& in = *head;
      in.values = d_.opt_object(r, rp, "values");
      in.ptr = DocLoader::child(rp, "values");
      // Unchanged in a plan: the same values before and after.
      in.before = plan_ || prior ? in.values : nullptr;
      in.after = plan_ ? in.values : nullptr;
      in.before_ptr = in.ptr;
      keep(std::move(in), seen);
    }
  if (const Json* children = d_.opt_array(*m, ptr, "child_modules"))
    for (std::size_t i = 0; i < children->size(); ++i)
      collect_module(&(*children)[i], DocLoader::child(DocLoader::child(ptr, "child_modules"), i), prior, seen);
}

// A reference names, in the module it is written in: a resource ("aws_security_group.web",
// with ".id" or an index after it), an output of a child module ("module.sg.security_group_id"),
// or a variable ("var.sg_id", followed into the calling module's argument).
std::vector<std::string> TerraformReader::resolve_ref(const std::string& ref, const std::string& module_config,
                                                      const Instance& from, int depth) const {
  std::vector<std::string> out;
  if (depth > 16) return out;
  std::vector<std::string> parts = address_parts(ref);
  if (parts.size() >= 2 && parts[0] == "var") {
    auto call = config_.calls.find(module_config);
    if (call == config_.calls.end()) return out;
    for (const std::string& r : references(member(call->second.expressions, parts[1].c_str())))
      for (auto& a : resolve_ref(r, call->second.parent, from, depth + 1)) out.push_back(a);
    return out;
  }
  if (parts.size() >= 3 && parts[0] == "module") {
    std::string child = join_module(module_config, "module." + split_key(parts[1]).first);
    auto output = config_.outputs.find(child + "|" + parts[2]);
    if (output == config_.outputs.end()) return out;
    for (const std::string& r : references(output->second))
      for (auto& a : resolve_ref(r, child, from, depth + 1)) out.push_back(a);
    return out;
  }
  if (parts.size() < 2 || parts[0] == "data" || parts[0] == "local" || parts[0] == "each" || parts[0] == "count" ||
      parts[0] == "path" || parts[0] == "self")
    return out;
  auto [name, key] = split_key(parts[1]);
  // Instances of that resource in a module instance of the same config path: the referring
  // resource's own module instance when it is in that path.
  std::vector<const Instance*> candidates;
  for (const Instance& i : instances_)
    if (i.addr.type == parts[0] && i.addr.name == name && i.addr.module_config == module_config &&
        (key.empty() || i.addr.key == key))
      candidates.push_back(&i);
  if (candidates.size() > 1) {
    std::vector<const Instance*> same_module;
    for (const Instance* c : candidates)
      if (from.addr.module_config == module_config ? c->addr.module == from.addr.module : true)
        same_module.push_back(c);
    candidates = same_module;
  }
  if (candidates.size() > 1) {
    std::vector<const Instance*> same_key;
    for (const Instance* c : candidates)
      if (c->addr.key == from.addr.key) same_key.push_back(c);
    candidates = same_key;
  }
  for (const Instance* c : candidates) out.push_back(c->address);
  return out;
}

std::optional<std::string> TerraformReader::bind(const Instance& from, const char* attr,
                                                 bool (*accept)(const std::string&)) const {
  std::set<std::string> found;
  for (const std::string& r : references(member(config_.expressions(from.addr), attr)))
    for (const std::string& a : resolve_ref(r, from.addr.module_config, from, 0))
      if (const Instance* i = find_instance(a); i && accept(i->type)) found.insert(a);
  if (found.size() != 1) return std::nullopt;
  return *found.begin();
}

StringList TerraformReader::strings(const Json* values, const Json* unknowns, const std::string& ptr,
                                    const char* key) const {
  StringList out;
  const Json* u = member(unknowns, key);
  std::string lp = DocLoader::child(ptr, key);
  if (unknown(u)) {
    out.whole_unknown = true;
    return out;
  }
  const Json* list = member(values, key);
  if (!list) return out;
  if (!list->is_array()) d_.fail(lp, fmt::format("expected a list of strings, found {}", describe_value(*list)));
  for (std::size_t i = 0; i < list->size(); ++i) {
    std::string ep = DocLoader::child(lp, i);
    if (unknown(element(u, i))) {
      out.unknown.push_back(ep);
      continue;
    }
    const Json& e = (*list)[i];
    if (e.is_null()) {
      out.unknown.push_back(ep);
      continue;
    }
    if (!e.is_string()) d_.fail(ep, fmt::format("expected a string, found {}", describe_value(e)));
    out.items.emplace_back(e.get<std::string>(), ep);
  }
  // Elements known only after apply are listed as unknown even when the value shows fewer.
  if (const Json* ua = u; ua && ua->is_array())
    for (std::size_t i = list->size(); i < ua->size(); ++i)
      if (unknown(element(ua, i))) out.unknown.push_back(DocLoader::child(lp, i));
  return out;
}

std::optional<int> TerraformReader::int_field(const Json* values, const std::string& ptr, const char* key) const {
  if (!values) return std::nullopt;
  const Json* v = member(values, key);
  if (v && v->is_string()) {  // the provider keeps some numbers as strings
    const std::string& s = v->get_ref<const std::string&>();
    char* end = nullptr;
    long n = std::strtol(s.c_str(), &end, 10);
    if (s.empty() || *end != '\0' || n < -1 || n > 65535)
      d_.fail(DocLoader::child(ptr, key), fmt::format("expected a number, found the string \"{}\"", echo(s)));
    return static_cast<int>(n);
  }
  return d_.opt_int(*values, ptr, key);
}

std::string TerraformReader::text_field(const Json* values, const std::string& ptr, const char* key) const {
  return values ? d_.opt_text(*values, ptr, key) : std::string();
}

std::vector<SgRule> TerraformReader::block_rules(const RuleBlock& b, const Instance& owner,
                                                 const std::string& group_identity, std::vector<Unresolved>& open,
                                                 bool standalone_vpc) const {
  std::vector<SgRule> out;
  const std::string& ptr = b.ptr;
  std::string what = b.address.empty() ? owner.address : b.address;
  auto unresolved = [&](const std::string& p, std::string why) {
    open.push_back(Unresolved{b.direction, Location{d_.file(), p, 0}, fmt::format("{}: {}", what, why)});
  };
  const char* proto_key = standalone_vpc ? "ip_protocol" : "protocol";
  // A value known only after apply is left out of `after` (or null): point at what would hold it.
  auto at = [&](const char* key) { return member(b.values, key) ? DocLoader::child(ptr, key) : ptr; };
  for (const char* key : {proto_key, "from_port", "to_port"})
    if (is_unknown(b.unknowns, key)) {
      unresolved(at(key), fmt::format("{} is known only after apply", key));
      return out;
    }
  std::string proto_text = text_field(b.values, ptr, proto_key);
  if (proto_text.empty())
    d_.fail(ptr, fmt::format("missing \"{}\" (expected a string like \"tcp\" or \"-1\")", proto_key));
  int proto = d_.protocol_text(proto_text, DocLoader::child(ptr, proto_key));
  std::optional<int> from = int_field(b.values, ptr, "from_port"), to = int_field(b.values, ptr, "to_port");
  if (proto == kAllProtocols || !has_port_key(proto)) {
    from.reset();  // ports mean nothing for these protocols (the provider wants 0 or none)
    to.reset();
  } else if (is_port_protocol(proto)) {
    if (!from || !to) d_.fail(ptr, fmt::format("a {} rule needs from_port and to_port", protocol_name(proto)));
    for (auto [v, key] : {std::pair{*from, "from_port"}, std::pair{*to, "to_port"}})
      if (v < 0 || v > 65535) d_.fail(DocLoader::child(ptr, key), fmt::format("port {} is outside 0-65535", v));
    if (*from > *to)
      d_.fail(DocLoader::child(ptr, "from_port"), fmt::format("from_port {} is greater than to_port {}", *from, *to));
  } else {
    // ICMP: from_port is the type and to_port the code, -1 for all.
    if (!from) from = -1;
    if (!to) to = -1;
    for (auto [v, key] : {std::pair{*from, "from_port"}, std::pair{*to, "to_port"}})
      if (v < -1 || v > 255)
        d_.fail(DocLoader::child(ptr, key), fmt::format("ICMP {} {} is outside 0-255 (-1 means all)", key, v));
    if (*from == -1) to = -1;
  }
  std::string description = text_field(b.values, ptr, "description");
  auto add = [&](Peer peer, const std::string& ep, const std::string& written) {
    SgRule r;
    r.peer = std::move(peer);
    r.protocol = proto;
    r.from_port = from;
    r.to_port = to;
    r.source.where = Location{d_.file(), ep, 0};
    r.source.resource_id = group_identity;
    r.source.direction = b.direction;
    r.source.description = description;
    r.source.address = b.address.empty() ? owner.address : b.address;
    if (!written.empty() && written != r.peer.str()) r.source.peer_text = written;
    out.push_back(std::move(r));
  };
  auto cidrs = [&](const char* key, Family f) {
    StringList l = strings(b.values, b.unknowns, ptr, key);
    if (l.whole_unknown) unresolved(at(key), fmt::format("{} is known only after apply", key));
    for (const std::string& p : l.unknown)
      unresolved(p, fmt::format("an element of {} is known only after apply", key));
    for (const auto& [text, ep] : l.items) {
      Text written;
      Cidr c = d_.cidr_text(text, ep, f, &written);
      add(cidr_peer(c), ep, text);
    }
  };
  // A group of another account is written "<account>/sg-..." (the provider's form on read).
  auto group_peer = [&](const std::string& id) {
    Peer p;
    p.type = PeerType::Group;
    auto slash = id.find('/');
    p.ref = slash == std::string::npos ? id : id.substr(slash + 1);
    if (slash != std::string::npos) p.user_id = id.substr(0, slash);
    return p;
  };
  auto one_cidr = [&](const char* key, Family f) {
    if (is_unknown(b.unknowns, key)) {
      unresolved(at(key), fmt::format("{} is known only after apply", key));
      return;
    }
    std::string text = text_field(b.values, ptr, key);
    if (text.empty()) return;
    std::string ep = DocLoader::child(ptr, key);
    Cidr c = d_.cidr_text(text, ep, f, nullptr);
    add(cidr_peer(c), ep, text);
  };
  // A group or prefix list named by one attribute: known, or bound through the configuration.
  auto one_ref = [&](const char* key, PeerType type) {
    std::string ep = DocLoader::child(ptr, key);
    if (is_unknown(b.unknowns, key)) {
      // Computed but not configured (a self rule's source_security_group_id): no peer.
      const Instance* rule = b.address.empty() ? nullptr : find_instance(b.address);
      if (config_.present && rule && !config_.declares(rule->addr, key)) return;
      std::optional<std::string> target;
      if (type == PeerType::Group && !b.address.empty())
        if (const Instance* self = find_instance(b.address)) target = bind(*self, key, is_group_type);
      if (!target) {
        unresolved(at(key), fmt::format("{} is known only after apply and the configuration names no group of the plan "
                                        "it stands for",
                                        key));
        return;
      }
      add(group_peer(identity(*find_instance(*target))), ep, "");
      return;
    }
    std::string id = text_field(b.values, ptr, key);
    if (id.empty()) return;
    Peer p = group_peer(id);
    p.type = type;
    add(p, ep, "");
  };
  if (standalone_vpc) {
    one_cidr("cidr_ipv4", Family::V4);
    one_cidr("cidr_ipv6", Family::V6);
    one_ref("prefix_list_id", PeerType::PrefixList);
    one_ref("referenced_security_group_id", PeerType::Group);
    if (out.empty() && open.empty())
      d_.fail(ptr, "the rule names no cidr_ipv4, cidr_ipv6, prefix_list_id or referenced_security_group_id");
    return out;
  }
  cidrs("cidr_blocks", Family::V4);
  cidrs("ipv6_cidr_blocks", Family::V6);
  StringList pls = strings(b.values, b.unknowns, ptr, "prefix_list_ids");
  if (pls.whole_unknown)
    unresolved(DocLoader::child(ptr, "prefix_list_ids"), "prefix_list_ids is known only after apply");
  for (const std::string& p : pls.unknown) unresolved(p, "an element of prefix_list_ids is known only after apply");
  for (const auto& [id, ep] : pls.items) {
    Peer p;
    p.type = PeerType::PrefixList;
    p.ref = id;
    add(p, ep, "");
  }
  if (b.address.empty()) {
    // Inline blocks: security_groups and self. Unknown groups are bound when the group's
    // configuration names exactly one group for exactly one unknown element.
    StringList sgs = strings(b.values, b.unknowns, ptr, "security_groups");
    for (const auto& [id, ep] : sgs.items) add(group_peer(id), ep, "");
    if (sgs.whole_unknown || !sgs.unknown.empty()) {
      std::optional<std::string> target;
      if (!sgs.whole_unknown && sgs.unknown.size() == 1)
        target = bind(owner, direction_name(b.direction), is_group_type);
      if (target)
        add(group_peer(identity(*find_instance(*target))), sgs.unknown.front(), "");
      else
        unresolved(at("security_groups"), "security_groups is known only after apply");
    }
  } else {
    one_ref("source_security_group_id", PeerType::Group);
  }
  const Json* self = member(b.values, "self");
  if (is_unknown(b.unknowns, "self")) unresolved(at("self"), "self is known only after apply");
  if (self && self->is_boolean() && self->get<bool>()) {
    // A standalone self rule also carries source_security_group_id = the group: one rule, not two.
    bool named = std::any_of(out.begin(), out.end(), [&](const SgRule& r) {
      return r.peer.type == PeerType::Group && r.peer.ref == group_identity;
    });
    if (!named) add(group_peer(group_identity), DocLoader::child(ptr, "self"), "");
  }
  return out;
}

std::optional<std::vector<SgRule>> TerraformReader::inline_rules(const Instance& g, const Json* values,
                                                                 const Json* unknowns, const std::string& ptr,
                                                                 Direction d, const std::string& identity,
                                                                 std::vector<Unresolved>& open) const {
  const char* key = direction_name(d);
  if (is_unknown(unknowns, key)) return std::nullopt;
  std::vector<SgRule> out;
  const Json* list = member(values, key);
  if (!list) return out;
  std::string lp = DocLoader::child(ptr, key);
  if (!list->is_array()) d_.fail(lp, fmt::format("expected a list of rule blocks, found {}", describe_value(*list)));
  const Json* u = member(unknowns, key);
  for (std::size_t i = 0; i < list->size(); ++i) {
    std::string bp = DocLoader::child(lp, i);
    const Json& block = d_.object_at((*list)[i], bp, "a rule block object");
    RuleBlock b{&block, element(u, i), bp, d, ""};
    for (SgRule& r : block_rules(b, g, identity, open, false)) out.push_back(std::move(r));
  }
  return out;
}

void TerraformReader::read_groups() {
  bool planned = plan_ && side_ != LoadOptions::Side::Before;
  std::vector<SecurityGroup> groups;
  std::map<std::string, std::size_t> by_identity;  // identity -> index in groups
  // Which directions of which group take standalone rules (planned side: not declared inline).
  std::vector<std::array<bool, 2>> owns_inline;
  for (const Instance& in : instances_) {
    if (!is_group_type(in.type)) continue;
    bool adopted_default = in.type == "aws_default_security_group";
    if (!in.values) {
      // The default group exists before Terraform adopts it, with rules the plan does not show.
      if (!(adopted_default && side_ == LoadOptions::Side::Before && plan_)) continue;
    }
    SecurityGroup g;
    g.id = identity(in);
    g.address = in.address;
    const Json* v = in.values ? in.values : in.before;
    g.name = text_field(v, in.ptr, "name");
    if (g.name.empty() && adopted_default) g.name = "default";
    g.description = text_field(v, in.ptr, "description");
    g.vpc_id = text_field(v, in.ptr, "vpc_id");
    g.owner_id = text_field(v, in.ptr, "owner_id");
    if (const Json* tags = member(v, "tags"); tags && tags->is_object())
      for (const auto& [k, val] : tags->items())
        if (val.is_string()) g.tags.emplace_back(k, val.get<std::string>());
    g.where = Location{d_.file(), in.where_ptr, 0};
    std::array<bool, 2> owns{true, true};
    for (Direction d : {Direction::Ingress, Direction::Egress}) {
      auto di = static_cast<std::size_t>(d);
      if (!in.values) {
        g.unresolved.push_back(Unresolved{d, g.where,
                                          fmt::format("{}: the default group's rules before Terraform adopts it are "
                                                      "not in the plan",
                                                      in.address)});
        continue;
      }
      // Planned side: a direction not declared inline keeps what AWS has (or nothing, when the
      // group is created or adopted) and takes the standalone rules.
      owns[di] = !planned || !config_.present || config_.declares(in.addr, direction_name(d));
      // Created, or an adopted default group (the provider removes every rule it does not
      // declare): what is not declared starts empty.
      if (planned && !owns[di] && (in.created || adopted_default)) continue;
      const Json* values = in.values;
      const Json* unknowns = in.unknowns;
      std::string ptr = in.ptr;
      if (planned && !owns[di] && is_unknown(unknowns, direction_name(d))) {
        values = in.before;
        unknowns = nullptr;
        ptr = in.before_ptr;
      }
      auto rules = inline_rules(in, values, unknowns, ptr, d, g.id, g.unresolved);
      if (!rules) {
        g.unresolved.push_back(
            Unresolved{d, Location{d_.file(), DocLoader::child(ptr, direction_name(d)), 0},
                       fmt::format("{}: {} is known only after apply", in.address, direction_name(d))});
        continue;
      }
      g.rules(d) = std::move(*rules);
    }
    by_identity[g.id] = groups.size();
    owns_inline.push_back(owns);
    groups.push_back(std::move(g));
  }

  // Standalone rules: bound to their group by a known id, else through the configuration.
  auto group_of = [&](const Instance& rule, const Json* values, const Json* unknowns, bool prior_values,
                      std::string& id) {
    return owner(rule, values, prior_values ? nullptr : unknowns, "security_group_id", is_group_type, id);
  };
  std::vector<Unresolved> loose;  // rules whose group cannot be found
  auto partial_group = [&](const std::string& id, const Instance& rule) -> std::size_t {
    auto it = by_identity.find(id);
    if (it != by_identity.end()) return it->second;
    SecurityGroup g;
    g.id = id;
    g.partial = true;
    g.where = Location{d_.file(), rule.where_ptr, 0};
    by_identity[id] = groups.size();
    owns_inline.push_back({false, false});
    groups.push_back(std::move(g));
    return groups.size() - 1;
  };
  auto rule_direction = [&](const Instance& in, const Json* values, const std::string& ptr) {
    if (in.type == "aws_vpc_security_group_ingress_rule") return Direction::Ingress;
    if (in.type == "aws_vpc_security_group_egress_rule") return Direction::Egress;
    std::string t = text_field(values, ptr, "type");
    if (t != "ingress" && t != "egress")
      d_.fail(DocLoader::child(ptr, "type"), fmt::format("expected \"ingress\" or \"egress\", found \"{}\"", echo(t)));
    return t == "ingress" ? Direction::Ingress : Direction::Egress;
  };
  // A group that rules name by a known id but the input does not describe is partial, on both
  // sides of a plan (a rule created or deleted changes it, not creates or deletes it).
  for (const Instance& in : instances_)
    if (is_rule_type(in.type))
      for (const Json* v : {in.before, in.after, in.values})
        if (std::string id = text_field(v, "", "security_group_id"); !id.empty() && !by_identity.count(id))
          partial_group(id, in);
  // The planned side first takes away each standalone rule's prior values from the refreshed
  // rules of a group that does not own the direction.
  if (planned)
    for (const Instance& in : instances_) {
      if (!is_rule_type(in.type) || !in.before) continue;
      std::string id;
      if (!group_of(in, in.before, nullptr, true, id)) continue;
      auto it = by_identity.find(id);
      if (it == by_identity.end()) continue;
      Direction d = rule_direction(in, in.before, in.before_ptr);
      auto di = static_cast<std::size_t>(d);
      if (owns_inline[it->second][di]) continue;
      std::vector<Unresolved> ignored;
      RuleBlock b{in.before, nullptr, in.before_ptr, d, in.address};
      std::vector<SgRule>& rules = groups[it->second].rules(d);
      for (const SgRule& old : block_rules(b, in, id, ignored, in.type != "aws_security_group_rule")) {
        auto same = std::find_if(rules.begin(), rules.end(),
                                 [&](const SgRule& r) { return aws_rule_key(r) == aws_rule_key(old); });
        if (same != rules.end()) rules.erase(same);
      }
    }
  for (const Instance& in : instances_) {
    if (!is_rule_type(in.type) || !in.values) continue;
    bool prior_values = !planned;
    Direction d = rule_direction(in, in.values, in.ptr);
    std::string id;
    if (!group_of(in, in.values, in.unknowns, prior_values, id)) {
      loose.push_back(Unresolved{d, Location{d_.file(), in.where_ptr, 0},
                                 fmt::format("{}: security_group_id is known only after apply and the configuration "
                                             "names no group of the plan it belongs to",
                                             in.address)});
      continue;
    }
    auto di = static_cast<std::size_t>(d);
    std::size_t gi = partial_group(id, in);
    SecurityGroup& g = groups[gi];
    if (!g.partial && !planned) continue;  // prior side or state: the group's own lists already hold it
    RuleBlock b{in.values, in.unknowns, in.ptr, d, in.address};
    std::vector<SgRule> rules = block_rules(b, in, g.id, g.unresolved, in.type != "aws_security_group_rule");
    if (planned && !g.partial && owns_inline[gi][di]) {
      d_.warn(in.where_ptr,
              fmt::format("{} adds a rule to the {} of {}, whose configuration declares its {} inline: "
                          "each apply undoes the other, so what it allows is unknown",
                          in.address, direction_name(d), g.address.empty() ? g.id : g.address, direction_name(d)));
      g.unresolved.push_back(Unresolved{d, Location{d_.file(), in.where_ptr, 0},
                                        fmt::format("{}: conflicts with the inline {} of {}", in.address,
                                                    direction_name(d), g.address.empty() ? g.id : g.address)});
      continue;
    }
    for (SgRule& r : rules) g.rules(d).push_back(std::move(r));
  }
  for (const Unresolved& u : loose) d_.warn(u.where.json_pointer.str(), u.what + "; its rules are not in the model");
  for (SecurityGroup& g : groups) {
    d_.add_iac_group(std::move(g));
  }
}

std::optional<NaclEntry> TerraformReader::entry(const Json* v, const Json* u, const std::string& ptr, Direction d,
                                                bool standalone, const std::string& acl_identity,
                                                const std::string& address, std::vector<Unresolved>& open) const {
  const char* number_key = standalone ? "rule_number" : "rule_no";
  const char* action_key = standalone ? "rule_action" : "action";
  for (const char* key : {number_key, action_key, "protocol", "from_port", "to_port", "cidr_block", "ipv6_cidr_block",
                          "icmp_type", "icmp_code"})
    if (is_unknown(u, key)) {
      open.push_back(Unresolved{d, Location{d_.file(), member(v, key) ? DocLoader::child(ptr, key) : ptr, 0},
                                fmt::format("{}: {} of an entry is known only after apply", address, key)});
      return std::nullopt;
    }
  NaclEntry e;
  e.direction = d;
  std::optional<int> number = int_field(v, ptr, number_key);
  if (!number) d_.fail(ptr, fmt::format("missing \"{}\"", number_key));
  e.rule_number = *number;
  if (e.rule_number < 1 || e.rule_number > 32766)
    d_.fail(DocLoader::child(ptr, number_key), fmt::format("rule number {} is outside 1-32766", e.rule_number));
  std::string action = json::lower(text_field(v, ptr, action_key));
  if (action != "allow" && action != "deny")
    d_.fail(DocLoader::child(ptr, action_key),
            fmt::format("expected \"allow\" or \"deny\", found \"{}\"", echo(action)));
  e.allow = action == "allow";
  std::string proto = text_field(v, ptr, "protocol");
  if (proto.empty()) d_.fail(ptr, "missing \"protocol\" (expected a string like \"tcp\", \"6\" or \"-1\")");
  e.protocol = d_.protocol_text(proto, DocLoader::child(ptr, "protocol"));
  std::string v4 = text_field(v, ptr, "cidr_block"), v6 = text_field(v, ptr, "ipv6_cidr_block");
  if (v4.empty() == v6.empty())
    d_.fail(ptr, v4.empty() ? "an entry needs cidr_block or ipv6_cidr_block"
                            : "an entry has cidr_block or "
                              "ipv6_cidr_block, not both");
  e.cidr = v4.empty() ? d_.cidr_text(v6, DocLoader::child(ptr, "ipv6_cidr_block"), Family::V6, &e.source.peer_text)
                      : d_.cidr_text(v4, DocLoader::child(ptr, "cidr_block"), Family::V4, &e.source.peer_text);
  if (is_port_protocol(e.protocol)) {
    std::optional<int> from = int_field(v, ptr, "from_port"), to = int_field(v, ptr, "to_port");
    if (!from || !to) d_.fail(ptr, fmt::format("a {} entry needs from_port and to_port", protocol_name(e.protocol)));
    for (auto [x, key] : {std::pair{*from, "from_port"}, std::pair{*to, "to_port"}})
      if (x < 0 || x > 65535) d_.fail(DocLoader::child(ptr, key), fmt::format("port {} is outside 0-65535", x));
    if (*from > *to)
      d_.fail(DocLoader::child(ptr, "from_port"), fmt::format("from_port {} is greater than to_port {}", *from, *to));
    e.port_range = PortRange{*from, *to};
  }
  bool icmp_applies = e.protocol == kIcmp || (e.protocol == kIcmpv6 && e.cidr.family == Family::V6);
  if (icmp_applies) {
    // The provider sends 0 for an icmp_type or icmp_code left out.
    IcmpTypeCode t{int_field(v, ptr, "icmp_type").value_or(0), int_field(v, ptr, "icmp_code").value_or(0)};
    for (auto [x, key] : {std::pair{t.type, "icmp_type"}, std::pair{t.code, "icmp_code"}})
      if (x < -1 || x > 255)
        d_.fail(DocLoader::child(ptr, key), fmt::format("{} {} is outside 0-255 (-1 means all)", key, x));
    if (t.type == -1) t.code = -1;
    e.icmp = t;
  }
  e.source.where = Location{d_.file(), ptr, 0};
  e.source.resource_id = acl_identity;
  e.source.direction = d;
  e.source.address = address;
  return e;
}

void TerraformReader::read_acls() {
  bool planned = plan_ && side_ != LoadOptions::Side::Before;
  std::vector<NetworkAcl> acls;
  std::map<std::string, std::size_t> by_identity;
  std::vector<std::array<bool, 2>> owns_inline;
  for (const Instance& in : instances_) {
    if (!is_acl_type(in.type)) continue;
    bool adopted_default = in.type == "aws_default_network_acl";
    if (!in.values && !(adopted_default && side_ == LoadOptions::Side::Before && plan_)) continue;
    NetworkAcl a;
    a.id = identity(in);
    a.address = in.address;
    a.is_default = adopted_default;
    const Json* v = in.values ? in.values : in.before;
    a.vpc_id = text_field(v, in.ptr, "vpc_id");
    a.owner_id = text_field(v, in.ptr, "owner_id");
    if (const Json* tags = member(v, "tags"); tags && tags->is_object())
      for (const auto& [k, val] : tags->items())
        if (val.is_string()) a.tags.emplace_back(k, val.get<std::string>());
    a.where = Location{d_.file(), in.where_ptr, 0};
    StringList subnets = strings(in.values, in.unknowns, in.ptr, "subnet_ids");
    for (const auto& [s, p] : subnets.items) a.subnet_ids.push_back(s);
    std::array<bool, 2> owns{true, true};
    for (Direction d : {Direction::Ingress, Direction::Egress}) {
      auto di = static_cast<std::size_t>(d);
      const char* key = direction_name(d);
      if (!in.values) {
        a.unresolved.push_back(Unresolved{d, a.where,
                                          fmt::format("{}: the default ACL's entries before Terraform adopts it are "
                                                      "not in the plan",
                                                      in.address)});
        continue;
      }
      owns[di] = !planned || !config_.present || config_.declares(in.addr, key);
      if (planned && !owns[di] && (in.created || adopted_default)) continue;
      const Json* values = in.values;
      const Json* unknowns = in.unknowns;
      std::string ptr = in.ptr;
      if (planned && !owns[di] && is_unknown(unknowns, key)) {
        values = in.before;
        unknowns = nullptr;
        ptr = in.before_ptr;
      }
      if (is_unknown(unknowns, key)) {
        a.unresolved.push_back(Unresolved{d, Location{d_.file(), DocLoader::child(ptr, key), 0},
                                          fmt::format("{}: {} is known only after apply", in.address, key)});
        continue;
      }
      const Json* list = member(values, key);
      if (!list) continue;
      std::string lp = DocLoader::child(ptr, key);
      if (!list->is_array())
        d_.fail(lp, fmt::format("expected a list of entry blocks, found {}", describe_value(*list)));
      for (std::size_t i = 0; i < list->size(); ++i) {
        std::string bp = DocLoader::child(lp, i);
        const Json& block = d_.object_at((*list)[i], bp, "an entry block object");
        if (auto e = entry(&block, element(member(unknowns, key), i), bp, d, false, a.id, in.address, a.unresolved))
          a.entries(d).push_back(std::move(*e));
      }
    }
    by_identity[a.id] = acls.size();
    owns_inline.push_back(owns);
    acls.push_back(std::move(a));
  }
  auto acl_of = [&](const Instance& in, const Json* values, const Json* unknowns, bool prior_values, std::string& id) {
    return owner(in, values, prior_values ? nullptr : unknowns, "network_acl_id", is_acl_type, id);
  };
  auto rule_direction = [&](const Json* values, const std::string& ptr) {
    const Json* e = member(values, "egress");
    if (e && !e->is_boolean()) d_.fail(DocLoader::child(ptr, "egress"), "expected true or false");
    return e && e->get<bool>() ? Direction::Egress : Direction::Ingress;
  };
  // Entries of an ACL the input does not describe: first match makes every claim about the
  // direction depend on the entries not shown, on both sides of a plan.
  for (const Instance& in : instances_) {
    if (in.type != "aws_network_acl_rule") continue;
    for (const Json* v : {in.before, in.after, in.values}) {
      std::string id = text_field(v, "", "network_acl_id");
      if (id.empty() || (by_identity.count(id) && !acls[by_identity[id]].address.empty())) continue;
      if (!by_identity.count(id)) {
        NetworkAcl a;
        a.id = id;
        a.where = Location{d_.file(), in.where_ptr, 0};
        by_identity[id] = acls.size();
        owns_inline.push_back({false, false});
        acls.push_back(std::move(a));
      }
      NetworkAcl& a = acls[by_identity[id]];
      Direction d = rule_direction(v, in.ptr);
      std::string what = fmt::format("{}: an entry of network ACL {}, whose other entries the input does not describe",
                                     in.address, id);
      if (std::none_of(a.unresolved.begin(), a.unresolved.end(), [&](const Unresolved& u) { return u.what == what; }))
        a.unresolved.push_back(Unresolved{d, Location{d_.file(), in.where_ptr, 0}, what});
    }
  }
  if (planned)
    for (const Instance& in : instances_) {
      if (in.type != "aws_network_acl_rule" || !in.before) continue;
      std::string id;
      if (!acl_of(in, in.before, nullptr, true, id)) continue;
      auto it = by_identity.find(id);
      if (it == by_identity.end()) continue;
      Direction d = rule_direction(in.before, in.before_ptr);
      if (owns_inline[it->second][static_cast<std::size_t>(d)]) continue;
      std::optional<int> number = int_field(in.before, in.before_ptr, "rule_number");
      auto& entries = acls[it->second].entries(d);
      entries.erase(std::remove_if(entries.begin(), entries.end(),
                                   [&](const NaclEntry& e) { return number && e.rule_number == *number; }),
                    entries.end());
    }
  for (const Instance& in : instances_) {
    if (in.type != "aws_network_acl_rule" || !in.values) continue;
    Direction d = rule_direction(in.values, in.ptr);
    std::string id;
    if (!acl_of(in, in.values, in.unknowns, !planned, id)) {
      d_.warn(in.where_ptr, fmt::format("{}: network_acl_id is known only after apply and the configuration names no "
                                        "ACL of the plan it belongs to; its entry is not in the model",
                                        in.address));
      continue;
    }
    auto it = by_identity.find(id);
    if (it == by_identity.end() || acls[it->second].address.empty()) continue;  // outside the input: unknown
    NetworkAcl& a = acls[it->second];
    if (!planned) continue;  // the refreshed entries already hold it
    auto e = entry(in.values, in.unknowns, in.ptr, d, true, a.id, in.address, a.unresolved);
    if (owns_inline[it->second][static_cast<std::size_t>(d)]) {
      d_.warn(in.where_ptr, fmt::format("{} adds an entry to the {} of {}, whose configuration declares its {} "
                                        "inline: each apply undoes the other, so what it allows is unknown",
                                        in.address, direction_name(d), a.address, direction_name(d)));
      a.unresolved.push_back(
          Unresolved{d, Location{d_.file(), in.where_ptr, 0},
                     fmt::format("{}: conflicts with the inline {} of {}", in.address, direction_name(d), a.address)});
      continue;
    }
    if (e) a.entries(d).push_back(std::move(*e));
  }
  for (const Instance& in : instances_) {
    if (in.type != "aws_network_acl_association" || !in.values) continue;
    std::string id;
    if (!acl_of(in, in.values, in.unknowns, !planned, id)) continue;
    std::string subnet = is_unknown(in.unknowns, "subnet_id") ? "" : text_field(in.values, in.ptr, "subnet_id");
    auto it = by_identity.find(id);
    if (it != by_identity.end() && !subnet.empty()) acls[it->second].subnet_ids.push_back(subnet);
  }
  for (NetworkAcl& a : acls) {
    for (Direction d : {Direction::Ingress, Direction::Egress}) {
      auto& entries = a.entries(d);
      sort_by_rule_number(entries);
      for (std::size_t i = 1; i < entries.size(); ++i)
        if (entries[i].rule_number == entries[i - 1].rule_number)
          d_.fail(entries[i].source.where.json_pointer.str(),
                  fmt::format("{} rule number {} is used twice in {}", direction_name(d), entries[i].rule_number,
                              a.address.empty() ? a.id : a.address));
    }
    d_.add_iac_acl(std::move(a));
  }
}

}  // namespace sgopt::aws
