// Reader of CloudFormation templates, JSON or YAML (model/json/yaml.h reads YAML into the same
// tree): security groups with their inline and standalone rules, and network ACLs with their entries
// and subnet associations, as CloudFormation would create them from the template.
//
// The template is worked out as CloudFormation would at deploy time, as far as the template and
// the --parameter values decide it:
// - A resource's logical id is its identity: the group WebSG is group "WebSG", and a rule naming
//   it by Ref or Fn::GetAtt [WebSG, GroupId] names that group; a literal "sg-..." stays as it is.
// - Parameters take their --parameter value, else their Default. Conditions are evaluated
//   (Fn::Equals, Fn::Not, Fn::And, Fn::Or, Condition): a resource whose condition is false does
//   not exist; Fn::If takes its branch; AWS::NoValue removes the property or element it stands in.
//   Fn::Sub, Fn::Join, Fn::Select, Fn::Split, Fn::FindInMap and Fn::Cidr are computed.
// - What only a deployment knows is never guessed: pseudo parameters (AWS::Region, ...) that
//   --parameter does not give, Fn::ImportValue, Fn::GetAZs, SSM parameter types, attributes other
//   than a group's GroupId and VpcId or a VPC's CidrBlock, a parameter without Default or value, and
//   a condition that depends on one of these. The rule or entry such a value feeds becomes an
//   Unresolved of its group's or ACL's direction (every claim about that direction is unknown),
//   with a warning naming file, line and path.
// - Defaults as AWS applies them: a group keeps the allow-all IPv4 egress AWS gives a new group
//   unless the template gives it egress rules (see read_groups); a new ACL denies everything
//   until entries allow.
// Rules bound to a group the template does not create (GroupId "sg-..." or a parameter) make a
// partial group (SecurityGroup::partial), as Terraform rules do.
#include "model/aws/doc_loader.h"
#include "model/json/lines.h"
#include "model/protocol.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace sgopt::aws {

namespace {

constexpr int kMaxNesting = 64;  // intrinsic functions inside one another

std::string seg(const std::string& key) { return pointer_segment(key); }

/// A value of the template once its intrinsic functions are worked out, as far as they can be.
struct Value {
  enum class Kind { Absent, Known, Unknown };
  Kind kind = Kind::Absent;
  const Json* node = nullptr;         // Known: the value; an object's members may still be functions
  std::shared_ptr<const Json> owner;  // holds a node that a function computed
  std::string ptr;                    // Known: where it is written; Unknown: what cannot be known
  std::string why;                    // Unknown: why
  bool computed = false;              // the node is not in the template (its elements have no pointer)

  bool known() const { return kind == Kind::Known; }
  bool unknown() const { return kind == Kind::Unknown; }
  bool absent() const { return kind == Kind::Absent; }

  static Value of(const Json* node, std::string ptr, std::shared_ptr<const Json> owner = nullptr,
                  bool computed = false) {
    Value v;
    v.kind = Kind::Known;
    v.node = node;
    v.owner = std::move(owner);
    v.ptr = std::move(ptr);
    v.computed = computed;
    return v;
  }
  static Value made(Json j, std::string ptr) {
    auto owner = std::make_shared<const Json>(std::move(j));
    const Json* node = owner.get();
    return of(node, std::move(ptr), std::move(owner), true);
  }
  static Value not_known(std::string ptr, std::string why) {
    Value v;
    v.kind = Kind::Unknown;
    v.ptr = std::move(ptr);
    v.why = std::move(why);
    return v;
  }
};

enum class Tri { False, True, Unknown };

/// A condition's value; when unknown, what it depends on and where.
struct Truth {
  Tri value = Tri::Unknown;
  std::string ptr, why;
};

/// The function key of an intrinsic function object ({"Ref": ...}, {"Fn::Sub": ...}), else null.
const std::string* function_of(const Json& node) {
  if (!node.is_object() || node.size() != 1) return nullptr;
  const std::string& key = node.begin().key();
  if (key == "Ref" || key.rfind("Fn::", 0) == 0) return &key;
  return nullptr;
}

std::string join(const std::vector<std::string>& parts, const char* sep) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : sep) + p;
  return out;
}

/// One resource of the template, and whether its Condition lets it exist.
struct Resource {
  std::string id, type, ptr;
  const Json* node = nullptr;
  const Json* props = nullptr;  // Properties, when given
  Truth exists{Tri::True, "", ""};
};

}  // namespace

/// Reads one CloudFormation template into the snapshot.
class CfnReader {
 public:
  CfnReader(DocLoader& d, const Json& root, const LoadOptions& options) : d_(d), root_(root), options_(options) {}

  void read();

 private:
  // Evaluation: one level (the value a function gives, itself worked out until it is no function).
  Value resolve(const Json& node, const std::string& ptr, const std::shared_ptr<const Json>& owner, bool computed,
                int depth = 0);
  Value resolve(const Value& v, int depth = 0) {
    return v.known() ? resolve(*v.node, v.ptr, v.owner, v.computed, depth) : v;
  }
  Value call(const std::string& fn, const Json& arg, const std::string& ptr, const std::string& arg_ptr,
             const std::shared_ptr<const Json>& owner, bool computed, int depth);
  /// obj[key] of a Known object, worked out.
  Value member(const Value& obj, const char* key, int depth = 0);
  /// The i-th element of a Known array, worked out.
  Value element(const Value& arr, std::size_t i, int depth = 0);
  std::string elem_ptr(const Value& arr, std::size_t i) const {
    return arr.computed ? arr.ptr : DocLoader::child(arr.ptr, i);
  }
  /// A Known scalar as CloudFormation reads it as text: "80" for 80, "true" for true.
  std::string text(const Value& v, const char* what) const;
  /// A Known whole number, given as a number or as a numeric string.
  int whole(const Value& v, const char* what) const;
  bool boolean(const Value& v, const char* what) const;
  /// A Known list (an array) of texts; Absent elements are dropped, the first Unknown one is returned.
  std::optional<Value> texts(const Value& list, std::vector<std::string>& out, const char* what, int depth);
  Value ref(const std::string& name, const std::string& ptr);
  Value get_att(const std::string& resource, const std::string& attribute, const std::string& ptr, int depth);
  Value parameter(const std::string& name, const std::string& ptr);
  Value sub(const Json& arg, const std::string& ptr, const std::string& arg_ptr,
            const std::shared_ptr<const Json>& owner, bool computed, int depth);
  Value cidr(const std::vector<Value>& args, const std::string& ptr);
  // Conditions.
  Truth condition(const std::string& name, const std::string& ptr);
  Truth condition_expr(const Json& node, const std::string& ptr, int depth);
  // Resources.
  void collect();
  const Resource* resource(const std::string& id) const {
    auto it = by_id_.find(id);
    return it == by_id_.end() ? nullptr : &resources_[it->second];
  }
  void read_groups();
  void read_acls();
  /// The rules of one rule object (an element of SecurityGroupIngress/Egress, or a standalone
  /// rule's properties); a value they need that cannot be known goes to `open` instead.
  void sg_rules(const Value& obj, Direction d, const std::string& group_id, const std::string& address,
                std::vector<SgRule>& out, std::vector<Unresolved>& open);
  std::optional<NaclEntry> entry(const Resource& r, Direction d, const std::string& acl_id,
                                 std::vector<Unresolved>& open);
  Tags tags(const Value& props);
  /// A descriptive text (a name, a description, a VPC id): empty, with a warning, when unknown.
  std::string label(const Value& props, const char* key, const std::string& owner);
  /// Where an Unresolved points: the culprit when it lies inside `inside`, else `inside`.
  static std::string culprit(const Value& v, const std::string& inside) {
    return v.ptr.rfind(inside, 0) == 0 ? v.ptr : inside;
  }
  std::string given(const std::string& name) const;
  bool is_given(const std::string& name) const;

  DocLoader& d_;
  const Json& root_;
  const LoadOptions& options_;
  const Json* parameters_ = nullptr;
  const Json* mappings_ = nullptr;
  const Json* conditions_ = nullptr;
  std::vector<Resource> resources_;
  std::map<std::string, std::size_t> by_id_;
  std::map<std::string, Truth> truth_;  // conditions worked out
  std::set<std::string> in_progress_;   // conditions being worked out (a cycle is an error)
};

void DocLoader::load_cloudformation(const Json& root) {
  root_ = &root;
  CfnReader r(*this, root, options_);
  r.read();
}

// ----- values -----

bool CfnReader::is_given(const std::string& name) const {
  return std::any_of(options_.parameters.begin(), options_.parameters.end(),
                     [&](const auto& p) { return p.first == name; });
}

std::string CfnReader::given(const std::string& name) const {
  std::string out;
  for (const auto& [k, v] : options_.parameters)
    if (k == name) out = v;  // the last one given wins, as on a command line
  return out;
}

Value CfnReader::resolve(const Json& node, const std::string& ptr, const std::shared_ptr<const Json>& owner,
                         bool computed, int depth) {
  const std::string* fn = computed ? nullptr : function_of(node);
  if (!fn) return Value::of(&node, ptr, owner, computed);
  if (depth > kMaxNesting) d_.fail(ptr, fmt::format("intrinsic functions nested more than {} deep", kMaxNesting));
  const Json& arg = node.begin().value();
  Value v = call(*fn, arg, ptr, DocLoader::child(ptr, seg(*fn).c_str()), owner, computed, depth + 1);
  // What a function gives may be a function again (an Fn::If branch, an Fn::Select element).
  return resolve(v, depth + 1);
}

Value CfnReader::member(const Value& obj, const char* key, int depth) {
  const Json* v = DocLoader::find(*obj.node, key);
  if (!v) return Value{};
  return resolve(*v, obj.computed ? obj.ptr : DocLoader::child(obj.ptr, seg(key).c_str()), obj.owner, obj.computed,
                 depth);
}

Value CfnReader::element(const Value& arr, std::size_t i, int depth) {
  const Json& e = (*arr.node)[i];
  if (e.is_null()) return Value{};
  return resolve(e, elem_ptr(arr, i), arr.owner, arr.computed, depth);
}

std::string CfnReader::text(const Value& v, const char* what) const {
  const Json& j = *v.node;
  if (j.is_string()) return j.get<std::string>();
  if (j.is_boolean()) return j.get<bool>() ? "true" : "false";
  if (j.is_number_integer()) return j.dump();
  if (j.is_number_float()) {
    double d = j.get<double>();
    if (std::floor(d) == d && std::fabs(d) < 1e15) return std::to_string(static_cast<long long>(d));
    return j.dump();
  }
  d_.fail(v.ptr, fmt::format("expected {} (a string or a number), found {}", what, describe_value(j)));
}

int CfnReader::whole(const Value& v, const char* what) const {
  const Json& j = *v.node;
  if (j.is_number_integer()) {
    bool fits = j.is_number_unsigned() ? j.get<std::uint64_t>() <= 1000000000u
                                       : j.get<std::int64_t>() >= -1000000000 && j.get<std::int64_t>() <= 1000000000;
    if (fits) return j.get<int>();
  } else if (j.is_number_float()) {
    double d = j.get<double>();
    if (std::floor(d) == d && std::fabs(d) <= 1e9) return static_cast<int>(d);
  } else if (j.is_string()) {
    // CloudFormation passes numbers as strings ("80", a Number parameter's value).
    const std::string& s = j.get_ref<const std::string&>();
    int n = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (!s.empty() && ec == std::errc() && end == s.data() + s.size()) return n;
    d_.fail(v.ptr, fmt::format("expected {} (a whole number), found the string \"{}\"", what, echo(s)));
  }
  d_.fail(v.ptr, fmt::format("expected {} (a whole number), found {}", what, describe_value(j)));
}

bool CfnReader::boolean(const Value& v, const char* what) const {
  const Json& j = *v.node;
  if (j.is_boolean()) return j.get<bool>();
  if (j.is_string()) {
    std::string s = json::lower(j.get<std::string>());
    if (s == "true") return true;
    if (s == "false") return false;
  }
  d_.fail(v.ptr, fmt::format("expected {} (true or false), found {}", what, describe_value(j)));
}

std::optional<Value> CfnReader::texts(const Value& list, std::vector<std::string>& out, const char* what, int depth) {
  if (!list.node->is_array())
    d_.fail(list.ptr, fmt::format("expected {} (a list), found {}", what, describe_value(*list.node)));
  for (std::size_t i = 0; i < list.node->size(); ++i) {
    Value e = element(list, i, depth);
    if (e.absent()) continue;
    if (e.unknown()) return e;
    out.push_back(text(e, what));
  }
  return std::nullopt;
}

Value CfnReader::parameter(const std::string& name, const std::string& ptr) {
  const Json& p = (*parameters_)[name];
  std::string pp = "/Parameters/" + seg(name);
  d_.object_at(p, pp, "a parameter object with a Type");
  std::string type = d_.opt_text(p, pp, "Type");
  bool ssm = type.rfind("AWS::SSM::Parameter::Value<", 0) == 0;
  bool list =
      type.rfind("List<", 0) == 0 || type == "CommaDelimitedList" ||
      (ssm && (type.find("List<") != std::string::npos || type.find("CommaDelimitedList") != std::string::npos));
  std::vector<std::string> items;
  std::string value;
  if (is_given(name)) {
    value = given(name);
    if (const Json* allowed = DocLoader::find(p, "AllowedValues"); allowed && allowed->is_array() && !list) {
      bool ok = std::any_of(allowed->begin(), allowed->end(), [&](const Json& a) {
        return !a.is_object() && !a.is_array() && !a.is_null() && text(Value::of(&a, pp), "a value") == value;
      });
      if (!ok) {
        std::vector<std::string> values;
        for (const Json& v : *allowed)
          if (!v.is_object() && !v.is_array() && !v.is_null()) values.push_back(text(Value::of(&v, pp), "a value"));
        d_.fail(pp, fmt::format("--parameter {}={} is not one of the parameter's AllowedValues ({})", name, echo(value),
                                echo(join(values, ", "), 200)));
      }
    }
  } else if (ssm) {
    return Value::not_known(ptr, fmt::format("parameter {} is of type {}: its value is read from SSM Parameter Store "
                                             "when the stack is deployed (give it with --parameter {}=VALUE)",
                                             name, type, name));
  } else {
    const Json* def = DocLoader::find(p, "Default");
    if (!def)
      return Value::not_known(
          ptr, fmt::format("parameter {} has no Default (give it with --parameter {}=VALUE)", name, name));
    Value dv = Value::of(def, DocLoader::child(pp, "Default"));
    if (def->is_array()) {  // a list Default written as a YAML list
      std::vector<std::string> out;
      texts(dv, out, "a parameter value", 0);
      if (!list) d_.fail(dv.ptr, fmt::format("a {} parameter's Default is a string, not a list", type));
      Json arr = Json::array();
      for (auto& s : out) arr.push_back(s);
      return Value::made(std::move(arr), ptr);
    }
    value = text(dv, "a parameter value");
  }
  if (!list) return Value::made(Json(value), ptr);
  // List types: comma-separated, each member trimmed of spaces.
  Json arr = Json::array();
  std::size_t at = 0;
  while (true) {
    std::size_t comma = value.find(',', at);
    std::string item = value.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
    auto b = item.find_first_not_of(' '), e = item.find_last_not_of(' ');
    arr.push_back(b == std::string::npos ? "" : item.substr(b, e - b + 1));
    if (comma == std::string::npos) break;
    at = comma + 1;
  }
  if (value.empty()) arr = Json::array();
  return Value::made(std::move(arr), ptr);
}

Value CfnReader::ref(const std::string& name, const std::string& ptr) {
  if (name == "AWS::NoValue") return Value{};
  if (name.rfind("AWS::", 0) == 0) {
    if (is_given(name)) {
      std::string v = given(name);
      if (name != "AWS::NotificationARNs") return Value::made(Json(v), ptr);
      Json arr = Json::array();
      for (std::size_t at = 0; at <= v.size() && !v.empty();) {
        std::size_t comma = std::min(v.find(',', at), v.size());
        arr.push_back(v.substr(at, comma - at));
        at = comma + 1;
      }
      return Value::made(std::move(arr), ptr);
    }
    return Value::not_known(ptr, fmt::format("the pseudo parameter {} is known only when the stack is deployed (give "
                                             "it with --parameter {}=VALUE)",
                                             name, name));
  }
  if (parameters_ && parameters_->contains(name)) return parameter(name, ptr);
  if (resource(name)) return Value::made(Json(name), ptr);  // a resource is named by its logical id
  d_.fail(ptr, fmt::format("Ref names '{}', which is neither a parameter nor a resource of the template", echo(name)));
}

Value CfnReader::get_att(const std::string& id, const std::string& attribute, const std::string& ptr, int depth) {
  const Resource* r = resource(id);
  if (!r) d_.fail(ptr, fmt::format("Fn::GetAtt names '{}', which is not a resource of the template", echo(id)));
  if (r->type == "AWS::EC2::SecurityGroup" && attribute == "GroupId") return Value::made(Json(id), ptr);
  bool property = (r->type == "AWS::EC2::SecurityGroup" && attribute == "VpcId") ||
                  (r->type == "AWS::EC2::VPC" && attribute == "CidrBlock");
  if (property && r->props) {
    Value v = member(Value::of(r->props, DocLoader::child(r->ptr, "Properties")), attribute.c_str(), depth);
    if (!v.absent()) return v;
  }
  return Value::not_known(ptr, fmt::format("Fn::GetAtt {}.{} is known only when the stack is deployed", id, attribute));
}

Value CfnReader::sub(const Json& arg, const std::string& ptr, const std::string& arg_ptr,
                     const std::shared_ptr<const Json>& owner, bool computed, int depth) {
  const Json* format = &arg;
  const Json* vars = nullptr;
  std::string format_ptr = arg_ptr;
  if (arg.is_array()) {
    if (arg.size() != 2 || !arg[1].is_object())
      d_.fail(arg_ptr, "Fn::Sub takes a string, or a list of a string and an object of variables");
    format = &arg[0];
    vars = &arg[1];
    format_ptr = DocLoader::child(arg_ptr, std::size_t{0});
  }
  Value fv = resolve(*format, format_ptr, owner, computed, depth);
  if (fv.unknown()) return fv;
  if (fv.absent() || !fv.node->is_string()) d_.fail(format_ptr, "Fn::Sub takes a string to substitute into");
  const std::string& s = fv.node->get_ref<const std::string&>();
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    if (s.compare(i, 2, "${") != 0) {
      out += s[i++];
      continue;
    }
    std::size_t close = s.find('}', i + 2);
    if (close == std::string::npos) {
      out += s.substr(i);
      break;
    }
    std::string name = s.substr(i + 2, close - i - 2);
    i = close + 1;
    if (!name.empty() && name[0] == '!') {  // ${!Literal} is written as ${Literal}
      out += "${" + name.substr(1) + "}";
      continue;
    }
    Value v;
    std::string vars_ptr = DocLoader::child(arg_ptr, std::size_t{1});
    if (const Json* given_var = vars ? DocLoader::find(*vars, name.c_str()) : nullptr) {
      v = resolve(*given_var, DocLoader::child(vars_ptr, seg(name).c_str()), owner, computed, depth);
    } else if (auto dot = name.find('.');
               dot != std::string::npos && !resource(name) && !(parameters_ && parameters_->contains(name))) {
      v = get_att(name.substr(0, dot), name.substr(dot + 1), ptr, depth);
    } else {
      v = ref(name, ptr);
    }
    if (v.unknown()) return v;
    if (v.absent()) d_.fail(ptr, fmt::format("Fn::Sub: ${{{}}} stands for no value", name));
    out += text(v, "a value to substitute");
  }
  return Value::made(Json(out), ptr);
}

Value CfnReader::cidr(const std::vector<Value>& args, const std::string& ptr) {
  std::string block = text(args[0], "an IP block");
  Family f = written_family(block);
  std::string why;
  auto parsed = parse_cidr(block, f, &why);
  if (!parsed) d_.fail(args[0].ptr, why);
  int count = whole(args[1], "a count");
  int bits = whole(args[2], "a number of subnet bits");
  int width = address_bits(f);
  if (count < 1 || count > 256) d_.fail(args[1].ptr, fmt::format("Fn::Cidr count {} is outside 1-256", count));
  int len = width - bits;
  const Cidr& c = parsed->cidr;
  if (bits < 1 || len < c.len)
    d_.fail(args[2].ptr,
            fmt::format("Fn::Cidr: {} subnet bits make a /{} block, which does not fit in {}", bits, len, c.str()));
  // The subnets are the first `count` blocks of size /len in the block, in order.
  int spare = len - c.len;
  if (spare < 9 && count > (1 << spare))
    d_.fail(args[1].ptr, fmt::format("Fn::Cidr: {} holds {} blocks of /{}, not {}", c.str(), 1 << spare, len, count));
  Json out = Json::array();
  u128 step = bits >= 128 ? 0 : static_cast<u128>(1) << bits;
  for (int i = 0; i < count; ++i) out.push_back(Cidr(f, c.addr + step * static_cast<u128>(i), len).str());
  return Value::made(std::move(out), ptr);
}

Value CfnReader::call(const std::string& fn, const Json& arg, const std::string& ptr, const std::string& arg_ptr,
                      const std::shared_ptr<const Json>& owner, bool computed, int depth) {
  // The arguments of a function that takes a list, each worked out.
  auto args = [&](std::size_t min, std::size_t max, const char* shape) {
    if (!arg.is_array() || arg.size() < min || arg.size() > max)
      d_.fail(arg_ptr, fmt::format("{} takes {}", fn, shape));
    std::vector<Value> out;
    for (std::size_t i = 0; i < arg.size(); ++i)
      out.push_back(resolve(arg[i], DocLoader::child(arg_ptr, i), owner, computed, depth));
    return out;
  };
  auto first_unknown = [](const std::vector<Value>& vs) -> const Value* {
    for (const Value& v : vs)
      if (v.unknown()) return &v;
    return nullptr;
  };
  auto need = [&](const Value& v, const char* what) {
    if (v.absent()) d_.fail(v.ptr.empty() ? arg_ptr : v.ptr, fmt::format("{}: {} is missing", fn, what));
  };
  if (fn == "Ref") {
    if (!arg.is_string()) d_.fail(arg_ptr, "Ref takes the name of a parameter or a resource");
    return ref(arg.get<std::string>(), ptr);
  }
  if (fn == "Fn::GetAtt") {
    std::string id, attribute;
    if (arg.is_string()) {  // "Resource.Attribute"
      const std::string& s = arg.get_ref<const std::string&>();
      auto dot = s.find('.');
      if (dot == std::string::npos) d_.fail(arg_ptr, "Fn::GetAtt takes a resource and an attribute");
      id = s.substr(0, dot);
      attribute = s.substr(dot + 1);
    } else {
      std::vector<Value> a = args(2, 2, "a list of a resource and an attribute");
      if (!a[0].known() || !a[0].node->is_string()) d_.fail(arg_ptr, "Fn::GetAtt takes a resource's logical id");
      if (const Value* u = first_unknown(a)) return *u;
      need(a[1], "the attribute");
      id = a[0].node->get<std::string>();
      attribute = text(a[1], "an attribute name");
    }
    return get_att(id, attribute, ptr, depth);
  }
  if (fn == "Fn::Sub") return sub(arg, ptr, arg_ptr, owner, computed, depth);
  if (fn == "Fn::If") {
    if (!arg.is_array() || arg.size() != 3 || !arg[0].is_string())
      d_.fail(arg_ptr, "Fn::If takes a list of a condition name, the value when true and the value when false");
    const std::string& name = arg[0].get_ref<const std::string&>();
    Truth t = condition(name, DocLoader::child(arg_ptr, std::size_t{0}));
    if (t.value == Tri::Unknown)
      return Value::not_known(ptr, fmt::format("Fn::If on condition {}, which cannot be evaluated: {}", name, t.why));
    std::size_t branch = t.value == Tri::True ? 1 : 2;
    return resolve(arg[branch], DocLoader::child(arg_ptr, branch), owner, computed, depth);
  }
  if (fn == "Fn::Join") {
    if (!arg.is_array() || arg.size() != 2) d_.fail(arg_ptr, "Fn::Join takes a list of a delimiter and a list");
    Value delim = resolve(arg[0], DocLoader::child(arg_ptr, std::size_t{0}), owner, computed, depth);
    Value list = resolve(arg[1], DocLoader::child(arg_ptr, std::size_t{1}), owner, computed, depth);
    if (delim.unknown()) return delim;
    if (list.unknown()) return list;
    need(delim, "the delimiter");
    need(list, "the list");
    std::vector<std::string> parts;
    if (auto u = texts(list, parts, "a list to join", depth)) return *u;
    return Value::made(Json(join(parts, text(delim, "a delimiter").c_str())), ptr);
  }
  if (fn == "Fn::Select") {
    std::vector<Value> a = args(2, 2, "a list of an index and a list");
    if (const Value* u = first_unknown(a)) return *u;
    need(a[0], "the index");
    need(a[1], "the list");
    int index = whole(a[0], "an index");
    if (!a[1].node->is_array())
      d_.fail(a[1].ptr, fmt::format("Fn::Select takes a list, found {}", describe_value(*a[1].node)));
    if (index < 0 || static_cast<std::size_t>(index) >= a[1].node->size())
      d_.fail(a[0].ptr, fmt::format("Fn::Select index {} is outside the list of {}", index, a[1].node->size()));
    return element(a[1], static_cast<std::size_t>(index), depth);
  }
  if (fn == "Fn::Split") {
    std::vector<Value> a = args(2, 2, "a list of a delimiter and a string");
    if (const Value* u = first_unknown(a)) return *u;
    need(a[0], "the delimiter");
    need(a[1], "the string");
    std::string delim = text(a[0], "a delimiter"), s = text(a[1], "a string to split");
    if (delim.empty()) d_.fail(a[0].ptr, "Fn::Split needs a delimiter that is not empty");
    Json out = Json::array();
    for (std::size_t at = 0;;) {
      std::size_t next = s.find(delim, at);
      out.push_back(s.substr(at, next == std::string::npos ? std::string::npos : next - at));
      if (next == std::string::npos) break;
      at = next + delim.size();
    }
    return Value::made(std::move(out), ptr);
  }
  if (fn == "Fn::FindInMap") {
    std::vector<Value> a = args(3, 4, "a list of a map name, a top-level key and a second-level key");
    for (std::size_t i = 0; i < 3; ++i) {
      if (a[i].unknown()) return a[i];
      need(a[i], "a key");
    }
    std::string map = text(a[0], "a map name"), k1 = text(a[1], "a key"), k2 = text(a[2], "a key");
    const Json* m = mappings_ ? DocLoader::find(*mappings_, map.c_str()) : nullptr;
    if (!m)
      return Value::not_known(ptr, fmt::format("Fn::FindInMap names the map {}, which the template's Mappings do not "
                                               "hold",
                                               map));
    const Json* top = m->is_object() ? DocLoader::find(*m, k1.c_str()) : nullptr;
    const Json* value = top && top->is_object() ? DocLoader::find(*top, k2.c_str()) : nullptr;
    if (value) return Value::of(value, "/Mappings/" + seg(map) + "/" + seg(k1) + "/" + seg(k2));
    if (a.size() == 4 && a[3].known() && a[3].node->is_object())  // AWS::LanguageExtensions
      if (DocLoader::find(*a[3].node, "DefaultValue")) return member(a[3], "DefaultValue", depth);
    d_.fail(ptr, fmt::format("Fn::FindInMap: the map {} has no value at {} / {}", map, echo(k1), echo(k2)));
  }
  if (fn == "Fn::Cidr") {
    std::vector<Value> a = args(3, 3, "a list of an IP block, a count and a number of subnet bits");
    if (const Value* u = first_unknown(a)) return *u;
    for (const Value& v : a) need(v, "an argument");
    return cidr(a, ptr);
  }
  if (fn == "Fn::ImportValue")
    return Value::not_known(ptr, "Fn::ImportValue reads another stack's export, known only when it is deployed");
  if (fn == "Fn::GetAZs")
    return Value::not_known(ptr, "Fn::GetAZs gives the Region's Availability Zones, known only when deployed");
  if (fn == "Fn::Equals" || fn == "Fn::And" || fn == "Fn::Or" || fn == "Fn::Not")
    d_.fail(ptr, fmt::format("{} is a condition function: it belongs in Conditions, not in a value", fn));
  return Value::not_known(ptr, fmt::format("{} is not a function sgopt evaluates", fn));
}

// ----- conditions -----

Truth CfnReader::condition(const std::string& name, const std::string& ptr) {
  if (auto it = truth_.find(name); it != truth_.end()) return it->second;
  const Json* c = conditions_ ? DocLoader::find(*conditions_, name.c_str()) : nullptr;
  if (!c) d_.fail(ptr, fmt::format("the condition '{}' is not defined in Conditions", echo(name)));
  if (!in_progress_.insert(name).second) d_.fail(ptr, fmt::format("the condition '{}' depends on itself", echo(name)));
  Truth t = condition_expr(*c, "/Conditions/" + seg(name), 0);
  in_progress_.erase(name);
  truth_[name] = t;
  return t;
}

Truth CfnReader::condition_expr(const Json& node, const std::string& ptr, int depth) {
  if (depth > kMaxNesting) d_.fail(ptr, fmt::format("conditions nested more than {} deep", kMaxNesting));
  const char* expected = "a condition function (Fn::Equals, Fn::Not, Fn::And, Fn::Or or Condition)";
  if (!node.is_object() || node.size() != 1) d_.fail(ptr, fmt::format("expected {}", expected));
  const std::string& fn = node.begin().key();
  const Json& arg = node.begin().value();
  std::string ap = DocLoader::child(ptr, seg(fn).c_str());
  if (fn == "Condition") {
    if (!arg.is_string()) d_.fail(ap, "Condition takes a condition name");
    return condition(arg.get<std::string>(), ap);
  }
  if (fn == "Fn::Equals") {
    if (!arg.is_array() || arg.size() != 2) d_.fail(ap, "Fn::Equals takes a list of two values");
    std::array<std::vector<std::string>, 2> sides;
    for (std::size_t i = 0; i < 2; ++i) {
      Value v = resolve(arg[i], DocLoader::child(ap, i), nullptr, false, depth);
      if (v.unknown()) return Truth{Tri::Unknown, v.ptr, v.why};
      if (v.absent()) {
        sides[i].push_back("");
      } else if (v.node->is_array()) {
        if (auto u = texts(v, sides[i], "a value", depth)) return Truth{Tri::Unknown, u->ptr, u->why};
      } else {
        sides[i].push_back(text(v, "a value to compare"));
      }
    }
    return Truth{sides[0] == sides[1] ? Tri::True : Tri::False, "", ""};
  }
  bool is_not = fn == "Fn::Not", is_and = fn == "Fn::And", is_or = fn == "Fn::Or";
  if (!is_not && !is_and && !is_or) d_.fail(ptr, fmt::format("expected {}, found {}", expected, fn));
  if (!arg.is_array() || arg.empty() || (is_not && arg.size() != 1))
    d_.fail(ap, is_not ? "Fn::Not takes a list of one condition" : fmt::format("{} takes a list of conditions", fn));
  std::optional<Truth> unknown;
  for (std::size_t i = 0; i < arg.size(); ++i) {
    Truth t = condition_expr(arg[i], DocLoader::child(ap, i), depth + 1);
    if (is_not) {
      if (t.value == Tri::Unknown) return t;
      return Truth{t.value == Tri::True ? Tri::False : Tri::True, "", ""};
    }
    // One false decides an And, one true an Or, whatever the others are.
    if (is_and && t.value == Tri::False) return t;
    if (is_or && t.value == Tri::True) return t;
    if (t.value == Tri::Unknown && !unknown) unknown = t;
  }
  if (unknown) return *unknown;
  return Truth{is_and ? Tri::True : Tri::False, "", ""};
}

// ----- resources -----

void CfnReader::collect() {
  const Json* resources = d_.opt_object(root_, "", "Resources");
  if (!resources) d_.fail("", "not a CloudFormation template: missing the Resources section");
  for (const auto& [id, r] : resources->items()) {
    std::string rp = "/Resources/" + seg(id);
    if (id.rfind("Fn::ForEach::", 0) == 0) {  // AWS::LanguageExtensions, expanded only by that transform
      d_.warn(rp, fmt::format("{} is not expanded: the resources it makes are not in the model", id));
      continue;
    }
    d_.object_at(r, rp, "a resource object with a Type");
    Resource res;
    res.id = id;
    res.ptr = rp;
    res.node = &r;
    res.type = d_.req_string(r, rp, "Type", R"(a resource type like "AWS::EC2::SecurityGroup")");
    res.props = d_.opt_object(r, rp, "Properties");
    by_id_[id] = resources_.size();
    resources_.push_back(std::move(res));
  }
  // Conditions after every resource is known: a condition may name none, but Fn::If branches do.
  for (Resource& res : resources_)
    if (auto c = d_.opt_string(*res.node, res.ptr, "Condition", "the name of a condition"))
      res.exists = condition(*c, DocLoader::child(res.ptr, "Condition"));
}

std::string CfnReader::label(const Value& props, const char* key, const std::string& owner) {
  Value v = member(props, key);
  if (v.absent()) return "";
  if (v.unknown()) {
    d_.warn(culprit(v, DocLoader::child(props.ptr, key)),
            fmt::format("{}: {} cannot be known ({}); left empty", owner, key, v.why));
    return "";
  }
  return text(v, "a string");
}

Tags CfnReader::tags(const Value& props) {
  Tags out;
  Value list = member(props, "Tags");
  std::string lp = DocLoader::child(props.ptr, "Tags");
  if (list.absent()) return out;
  if (list.unknown()) {
    d_.warn(culprit(list, lp), fmt::format("Tags cannot be known ({}); left out", list.why));
    return out;
  }
  if (!list.node->is_array())
    d_.fail(list.ptr, fmt::format("expected a list of tags, found {}", describe_value(*list.node)));
  for (std::size_t i = 0; i < list.node->size(); ++i) {
    Value t = element(list, i);
    if (t.absent()) continue;
    if (t.known() && !t.node->is_object())
      d_.fail(t.ptr, R"(expected a tag object like {"Key": "Name", "Value": "web"})");
    Value k = t.known() ? member(t, "Key") : t, v = t.known() ? member(t, "Value") : t;
    if (k.unknown() || v.unknown()) {
      const Value& u = k.unknown() ? k : v;
      d_.warn(culprit(u, elem_ptr(list, i)), fmt::format("a tag cannot be known ({}); left out", u.why));
      continue;
    }
    if (k.absent()) d_.fail(t.ptr, "a tag needs a Key");
    out.emplace_back(text(k, "a tag key"), v.absent() ? "" : text(v, "a tag value"));
  }
  return out;
}

void CfnReader::sg_rules(const Value& obj, Direction d, const std::string& group_id, const std::string& address,
                         std::vector<SgRule>& out, std::vector<Unresolved>& open) {
  const std::string& ptr = obj.ptr;
  auto leave_open = [&](const Value& v, const std::string& key) {
    open.push_back(Unresolved{d, Location{d_.file(), culprit(v, DocLoader::child(ptr, key.c_str())), 0},
                              fmt::format("{}: {} of a rule cannot be known: {}", address, key, v.why)});
  };
  Value proto = member(obj, "IpProtocol");
  if (proto.unknown()) return leave_open(proto, "IpProtocol");
  if (proto.absent()) d_.fail(ptr, R"(missing "IpProtocol" (expected a string like "tcp" or "-1"))");
  int protocol = d_.protocol_text(text(proto, "a protocol"), proto.ptr);
  std::optional<int> from, to;
  for (auto [key, port] : {std::pair{"FromPort", &from}, std::pair{"ToPort", &to}}) {
    Value v = member(obj, key);
    if (v.unknown()) return leave_open(v, key);
    if (v.known()) *port = whole(v, "a port");
  }
  // The peer: exactly one of these.
  struct PeerKey {
    const char* key;
    PeerType type;
    bool by_name = false;
  };
  std::vector<PeerKey> keys = {{"CidrIp", PeerType::Ipv4}, {"CidrIpv6", PeerType::Ipv6}};
  if (d == Direction::Ingress) {
    keys.push_back({"SourcePrefixListId", PeerType::PrefixList});
    keys.push_back({"SourceSecurityGroupId", PeerType::Group});
    keys.push_back({"SourceSecurityGroupName", PeerType::Group, true});
  } else {
    keys.push_back({"DestinationPrefixListId", PeerType::PrefixList});
    keys.push_back({"DestinationSecurityGroupId", PeerType::Group});
  }
  std::vector<std::pair<const PeerKey*, Value>> given_peers;
  for (const PeerKey& k : keys) {
    Value v = member(obj, k.key);
    if (!v.absent()) given_peers.emplace_back(&k, std::move(v));
  }
  std::vector<std::string> names;
  for (const auto& [k, v] : given_peers) names.push_back(k->key);
  std::vector<std::string> all;
  for (const PeerKey& k : keys) all.push_back(k.key);
  if (given_peers.size() > 1)
    d_.fail(ptr, fmt::format("the rule gives {}; a rule has exactly one of {}", join(names, " and "), join(all, ", ")));
  for (const auto& [k, v] : given_peers)
    if (v.unknown()) return leave_open(v, k->key);
  Value owner = d == Direction::Ingress ? member(obj, "SourceSecurityGroupOwnerId") : Value{};
  if (owner.unknown()) return leave_open(owner, "SourceSecurityGroupOwnerId");
  if (given_peers.empty()) {
    d_.warn(ptr, fmt::format("{}: the rule names none of {}; AWS adds no rule for it", address, join(all, ", ")));
    return;
  }
  // Ports as AWS-SEMANTICS.md 2.2 reads them: a range for tcp/udp, ICMP type and code for
  // icmp/icmpv6 (-1 for all), nothing for every other protocol.
  std::string name = protocol == kAllProtocols ? "-1 (all)" : protocol_name(protocol);
  std::string from_ptr = DocLoader::child(ptr, "FromPort"), to_ptr = DocLoader::child(ptr, "ToPort");
  if (from.has_value() != to.has_value() && has_port_key(protocol))
    d_.fail(ptr, fmt::format("\"{}\" is given without \"{}\"; give both", from ? "FromPort" : "ToPort",
                             from ? "ToPort" : "FromPort"));
  if (!has_port_key(protocol)) {
    if (from && !(*from == -1 && to && *to == -1))
      d_.warn(ptr, fmt::format("FromPort/ToPort are ignored: protocol {} matches every port", name));
    from.reset();
    to.reset();
  } else if (is_port_protocol(protocol)) {
    if (!from) d_.fail(ptr, fmt::format("a {} rule needs FromPort and ToPort", name));
    for (auto [v, vp] : {std::pair{*from, &from_ptr}, std::pair{*to, &to_ptr}})
      if (v < -1 || v > 65535) d_.fail(*vp, fmt::format("port {} is outside 0-65535", v));
    if (*from == -1 && *to == -1) {
      d_.warn(ptr, fmt::format("{} ports -1 to -1 are read as every port (0-65535)", name));
    } else if (*from == -1 || *to == -1) {
      std::string msg = fmt::format("{} ports {} to {}: -1 means every port only when FromPort and ToPort are both -1",
                                    name, *from, *to);
      if (!options_.lenient) d_.fail(*from == -1 ? from_ptr : to_ptr, msg + "; give both ends of the range");
      d_.warn(*from == -1 ? from_ptr : to_ptr, msg + "; read as every port (0-65535), the widest reading");
    } else if (*from > *to) {
      d_.fail(from_ptr, fmt::format("FromPort {} is greater than ToPort {}", *from, *to));
    }
  } else if (!from) {
    if (protocol == kIcmp)
      d_.fail(ptr, "an icmp rule needs FromPort (the ICMP type) and ToPort (the code); -1 means all");
  } else {
    if (*from < -1 || *from > 255)
      d_.fail(from_ptr, fmt::format("ICMP type {} is outside 0-255 (-1 means every type)", *from));
    if (*to < -1 || *to > 255) d_.fail(to_ptr, fmt::format("ICMP code {} is outside 0-255 (-1 means every code)", *to));
    if (*from == -1 && *to != -1) {
      std::string msg = fmt::format("ICMP type -1 means every type and needs code -1, found code {}", *to);
      if (!options_.lenient) d_.fail(to_ptr, msg);
      d_.warn(to_ptr, msg + "; the code is ignored");
    }
  }
  std::string description;
  Value desc = member(obj, "Description");
  if (desc.unknown())
    d_.warn(culprit(desc, DocLoader::child(ptr, "Description")),
            fmt::format("{}: Description cannot be known ({}); left empty", address, desc.why));
  else if (desc.known())
    description = text(desc, "a description");
  const auto& [k, v] = given_peers.front();
  std::string written = text(v, "a peer");
  std::string ep = DocLoader::child(ptr, k->key);
  SgRule r;
  r.protocol = protocol;
  r.from_port = from;
  r.to_port = to;
  if (k->type == PeerType::Ipv4 || k->type == PeerType::Ipv6) {
    Cidr c = d_.cidr_text(written, v.ptr, family_of(k->type), nullptr);
    r.peer = cidr_peer(c);
    if (written != c.str()) r.source.peer_text = written;
  } else {
    r.peer.type = k->type;
    std::string id = written;
    if (k->by_name) {
      // A group named by GroupName (a default VPC): the template's group of that name, if any.
      for (const Resource& g : resources_) {
        if (g.type != "AWS::EC2::SecurityGroup" || !g.props || g.exists.value == Tri::False) continue;
        Value n = member(Value::of(g.props, DocLoader::child(g.ptr, "Properties")), "GroupName");
        if (n.known() && text(n, "a group name") == written) id = g.id;
      }
    }
    r.peer.ref = id;
    if (owner.known()) r.peer.user_id = text(owner, "an account id");
  }
  r.source.where = Location{d_.file(), ep, 0};
  r.source.resource_id = group_id;
  r.source.direction = d;
  r.source.description = description;
  r.source.address = address;
  out.push_back(std::move(r));
}

// What AWS does to a group's egress, and so what this models (AWS-SEMANTICS.md 2.5 and 5.2):
// "When you create a security group, if you do not add egress rules, we add egress rules that allow
// all outbound traffic ... Otherwise, we do not add them" (AWS::EC2::SecurityGroup). So a group
// without SecurityGroupEgress (or with an empty list: CDK writes a deny-all placeholder rule because
// an empty list cannot remove the default) keeps the allow-all rule: IPv4 0.0.0.0/0, protocol -1.
// A standalone AWS::EC2::SecurityGroupEgress bound to the group removes it too: CloudFormation
// revokes the default egress rule once it adds an egress rule to a group it created (the reason
// aws-cdk PR #998 keeps allowAllOutbound groups free of other egress rules). In a VPC with IPv6 AWS
// adds ::/0 too ("added only if your VPC has an associated IPv6 CIDR block"), so the egress is
// unresolved when the group's VPC is not created by the template (whether it has IPv6 is not in
// it), and when the template gives its VPC an IPv6 block (the order of the two is not fixed). Two
// versions of a template share that value: diff then judges them partial, not unknown.
void CfnReader::read_groups() {
  std::vector<SecurityGroup> groups;
  std::map<std::string, std::size_t> by_id;
  std::vector<bool> own_egress;  // the group is created here and some egress rule is declared for it
  // VPCs the template gives an IPv6 block (AWS::EC2::VPCCidrBlock), by VpcId text.
  std::set<std::string> ipv6_vpcs;
  for (const Resource& r : resources_) {
    if (r.type != "AWS::EC2::VPCCidrBlock" || !r.props || r.exists.value == Tri::False) continue;
    Value props = Value::of(r.props, DocLoader::child(r.ptr, "Properties"));
    bool v6 = false;
    for (const char* key : {"AmazonProvidedIpv6CidrBlock", "Ipv6CidrBlock", "Ipv6Pool", "Ipv6IpamPoolId"}) {
      Value v = member(props, key);
      v6 = v6 || (v.known() && (!v.node->is_boolean() || v.node->get<bool>()));
    }
    Value vpc = member(props, "VpcId");
    if (v6 && vpc.known()) ipv6_vpcs.insert(text(vpc, "a VPC id"));
  }
  std::vector<std::string> group_vpcs;
  std::set<std::string> template_vpcs;  // the VPCs the template creates, by logical id
  for (const Resource& r : resources_)
    if (r.type == "AWS::EC2::VPC" && r.exists.value == Tri::True) template_vpcs.insert(r.id);
  for (const Resource& r : resources_) {
    if (r.type != "AWS::EC2::SecurityGroup" || r.exists.value == Tri::False) continue;
    SecurityGroup g;
    g.id = r.id;
    g.address = r.id;
    g.where = Location{d_.file(), r.ptr, 0};
    Value props = r.props ? Value::of(r.props, DocLoader::child(r.ptr, "Properties")) : Value{};
    bool declares_egress = false;
    if (props.known()) {
      g.name = label(props, "GroupName", r.id);
      g.description = label(props, "GroupDescription", r.id);
      Value vpc = member(props, "VpcId");
      if (vpc.known()) g.vpc_id = text(vpc, "a VPC id");
      g.tags = tags(props);
    }
    group_vpcs.push_back(g.vpc_id);
    if (r.exists.value == Tri::Unknown) {
      for (Direction d : {Direction::Ingress, Direction::Egress})
        g.unresolved.push_back(
            Unresolved{d, Location{d_.file(), DocLoader::child(r.ptr, "Condition"), 0},
                       fmt::format("{}: whether the group exists cannot be known: {}", r.id, r.exists.why)});
    } else if (props.known()) {
      for (Direction d : {Direction::Ingress, Direction::Egress}) {
        const char* key = d == Direction::Ingress ? "SecurityGroupIngress" : "SecurityGroupEgress";
        std::string lp = DocLoader::child(props.ptr, key);
        Value list = member(props, key);
        if (list.absent()) continue;
        if (list.unknown()) {
          g.unresolved.push_back(Unresolved{d, Location{d_.file(), culprit(list, lp), 0},
                                            fmt::format("{}: {} cannot be known: {}", r.id, key, list.why)});
          declares_egress = declares_egress || d == Direction::Egress;
          continue;
        }
        if (!list.node->is_array())
          d_.fail(list.ptr, fmt::format("expected a list of rules, found {}", describe_value(*list.node)));
        for (std::size_t i = 0; i < list.node->size(); ++i) {
          Value rule = element(list, i);
          if (rule.absent()) continue;
          if (d == Direction::Egress) declares_egress = true;
          if (rule.unknown()) {
            g.unresolved.push_back(
                Unresolved{d, Location{d_.file(), culprit(rule, elem_ptr(list, i)), 0},
                           fmt::format("{}: a rule of {} cannot be known: {}", r.id, key, rule.why)});
            continue;
          }
          if (!rule.node->is_object())
            d_.fail(rule.ptr, fmt::format("expected a rule object, found {}", describe_value(*rule.node)));
          sg_rules(rule, d, g.id, r.id, g.rules(d), g.unresolved);
        }
      }
    }
    by_id[g.id] = groups.size();
    own_egress.push_back(declares_egress);
    groups.push_back(std::move(g));
  }
  std::size_t created = groups.size();

  // Standalone rules, bound by GroupId (Ref, Fn::GetAtt or a literal id) or, for ingress, GroupName.
  for (const Resource& r : resources_) {
    bool ingress = r.type == "AWS::EC2::SecurityGroupIngress";
    if ((!ingress && r.type != "AWS::EC2::SecurityGroupEgress") || r.exists.value == Tri::False) continue;
    Direction d = ingress ? Direction::Ingress : Direction::Egress;
    if (!r.props) d_.fail(r.ptr, "missing \"Properties\" (a rule needs GroupId and IpProtocol)");
    Value props = Value::of(r.props, DocLoader::child(r.ptr, "Properties"));
    Value group = member(props, "GroupId");
    bool by_name = false;
    if (group.absent() && ingress) {
      group = member(props, "GroupName");
      by_name = true;
    }
    if (group.absent()) d_.fail(props.ptr, ingress ? R"(missing "GroupId" (or "GroupName"))" : R"(missing "GroupId")");
    if (group.unknown()) {
      d_.warn(culprit(group, props.ptr),
              fmt::format("{}: the group the rule belongs to cannot be known ({}); the rule is not in the model", r.id,
                          group.why));
      continue;
    }
    std::string id = text(group, "a group id");
    if (by_name)
      for (std::size_t gi = 0; gi < created; ++gi)
        if (groups[gi].name == id) id = groups[gi].id;
    auto it = by_id.find(id);
    if (it == by_id.end()) {
      // A group the template does not create: only the rules the template adds are known.
      SecurityGroup g;
      g.id = id;
      if (by_name) g.name = id;
      g.partial = true;
      g.where = Location{d_.file(), r.ptr, 0};
      it = by_id.emplace(id, groups.size()).first;
      own_egress.push_back(false);
      group_vpcs.emplace_back();
      groups.push_back(std::move(g));
    }
    SecurityGroup& g = groups[it->second];
    if (d == Direction::Egress) own_egress[it->second] = true;
    if (r.exists.value == Tri::Unknown) {
      g.unresolved.push_back(
          Unresolved{d, Location{d_.file(), DocLoader::child(r.ptr, "Condition"), 0},
                     fmt::format("{}: whether the rule exists cannot be known: {}", r.id, r.exists.why)});
      continue;
    }
    sg_rules(props, d, g.id, r.id, g.rules(d), g.unresolved);
  }

  for (std::size_t gi = 0; gi < groups.size(); ++gi) {
    SecurityGroup& g = groups[gi];
    if (gi < created && !own_egress[gi]) {
      bool exists_known = std::none_of(g.unresolved.begin(), g.unresolved.end(),
                                       [](const Unresolved& u) { return u.direction == Direction::Egress; });
      SgRule all;
      all.peer = cidr_peer(Cidr(Family::V4, 0, 0));
      all.protocol = kAllProtocols;
      all.source.where = g.where;
      all.source.resource_id = g.id;
      all.source.direction = Direction::Egress;
      all.source.address = g.address;
      g.egress.push_back(std::move(all));
      // A VPC the template does not create (or no VpcId: the default VPC) may have an IPv6 block:
      // then AWS adds ::/0 too, and the template cannot say.
      if (exists_known && !template_vpcs.count(group_vpcs[gi]))
        g.unresolved.push_back(Unresolved{
            Direction::Egress, g.where,
            fmt::format("{}: AWS also adds an allow-all ::/0 egress rule when the VPC ({}) has an IPv6 block, "
                        "which the template does not say",
                        g.id, group_vpcs[gi].empty() ? "the default VPC" : group_vpcs[gi])});
      else if (exists_known && ipv6_vpcs.count(group_vpcs[gi]))
        g.unresolved.push_back(Unresolved{Direction::Egress, g.where,
                                          fmt::format("{}: AWS also adds an allow-all ::/0 egress rule when the VPC "
                                                      "has its IPv6 block before the group is created, and the "
                                                      "template does not order the two",
                                                      g.id)});
    }
    d_.add_iac_group(std::move(g));
  }
}

std::optional<NaclEntry> CfnReader::entry(const Resource& r, Direction d, const std::string& acl_id,
                                          std::vector<Unresolved>& open) {
  Value props = Value::of(r.props, DocLoader::child(r.ptr, "Properties"));
  const std::string& ptr = props.ptr;
  std::vector<std::pair<std::string, Value>> fields;
  for (const char* key : {"RuleNumber", "Protocol", "RuleAction", "CidrBlock", "Ipv6CidrBlock", "PortRange", "Icmp"})
    fields.emplace_back(key, member(props, key));
  auto field = [&](const std::string& key) -> Value& {
    return std::find_if(fields.begin(), fields.end(), [&](const auto& f) { return f.first == key; })->second;
  };
  // The parts of PortRange and Icmp.
  for (auto [obj, keys] : {std::pair{"PortRange", std::array<const char*, 2>{"From", "To"}},
                           std::pair{"Icmp", std::array<const char*, 2>{"Type", "Code"}}}) {
    Value o = field(obj);
    if (!o.known()) continue;
    if (!o.node->is_object()) d_.fail(o.ptr, fmt::format("expected an object, found {}", describe_value(*o.node)));
    for (const char* k : keys) fields.emplace_back(std::string(obj) + "." + k, member(o, k));
  }
  for (const auto& [key, v] : fields)
    if (v.unknown()) {
      std::string inside = DocLoader::child(ptr, key.substr(0, key.find('.')).c_str());
      open.push_back(Unresolved{d, Location{d_.file(), culprit(v, inside), 0},
                                fmt::format("{}: {} of an entry cannot be known: {}", r.id, key, v.why)});
      return std::nullopt;
    }
  NaclEntry e;
  e.direction = d;
  Value number = field("RuleNumber");
  if (number.absent()) d_.fail(ptr, R"(missing "RuleNumber" (a whole number 1-32766))");
  e.rule_number = whole(number, "a rule number");
  if (e.rule_number < 1 || e.rule_number > 32766)
    d_.fail(number.ptr, fmt::format("rule number {} is outside 1-32766", e.rule_number));
  Value proto = field("Protocol");
  if (proto.absent()) d_.fail(ptr, R"(missing "Protocol" (a protocol number like 6, or -1 for all))");
  e.protocol = d_.protocol_text(text(proto, "a protocol"), proto.ptr);
  Value action = field("RuleAction");
  if (action.absent()) d_.fail(ptr, R"(missing "RuleAction" ("allow" or "deny"))");
  std::string a = json::lower(text(action, "an action"));
  if (a != "allow" && a != "deny")
    d_.fail(action.ptr, fmt::format("expected \"allow\" or \"deny\", found \"{}\"", echo(text(action, "an action"))));
  e.allow = a == "allow";
  Value v4 = field("CidrBlock"), v6 = field("Ipv6CidrBlock");
  if (v4.absent() == v6.absent())
    d_.fail(ptr, v4.absent() ? R"(missing "CidrBlock" or "Ipv6CidrBlock" (expected a string like "10.0.0.0/16"))"
                             : "an entry has CidrBlock or Ipv6CidrBlock, not both");
  const Value& block = v4.absent() ? v6 : v4;
  e.cidr =
      d_.cidr_text(text(block, "a CIDR block"), block.ptr, v4.absent() ? Family::V6 : Family::V4, &e.source.peer_text);
  std::string name = e.protocol == kAllProtocols ? "-1 (all)" : std::to_string(e.protocol);
  bool icmp_applies = e.protocol == kIcmp || (e.protocol == kIcmpv6 && e.cidr.family == Family::V6);
  if (field("PortRange").known()) {
    if (!is_port_protocol(e.protocol)) {
      d_.warn(field("PortRange").ptr, fmt::format("PortRange is ignored: protocol {} has no ports", name));
    } else {
      Value from = field("PortRange.From"), to = field("PortRange.To");
      if (from.absent() || to.absent()) d_.fail(field("PortRange").ptr, "PortRange needs From and To");
      PortRange pr{whole(from, "a port"), whole(to, "a port")};
      for (auto [x, pv] : {std::pair{pr.from, &from}, std::pair{pr.to, &to}})
        if (x < 0 || x > 65535) d_.fail(pv->ptr, fmt::format("port {} is outside 0-65535", x));
      if (pr.from > pr.to) d_.fail(from.ptr, fmt::format("From {} is greater than To {}", pr.from, pr.to));
      e.port_range = pr;
    }
  }
  if (field("Icmp").known()) {
    if (!icmp_applies) {
      d_.warn(field("Icmp").ptr, e.protocol == kIcmpv6
                                     ? "Icmp is ignored: protocol 58 with an IPv4 block matches every type and code"
                                     : fmt::format("Icmp is ignored: protocol {} is not ICMP", name));
    } else {
      Value type = field("Icmp.Type"), code = field("Icmp.Code");
      // A part left out is -1 (all), as the EC2 API reads an IcmpTypeCode without it.
      IcmpTypeCode t{type.absent() ? -1 : whole(type, "an ICMP type"),
                     code.absent() ? -1 : whole(code, "an ICMP code")};
      std::string tp = type.absent() ? field("Icmp").ptr : type.ptr, cp = code.absent() ? field("Icmp").ptr : code.ptr;
      if (t.type < -1 || t.type > 255)
        d_.fail(tp, fmt::format("ICMP type {} is outside 0-255 (-1 means every type)", t.type));
      if (t.code < -1 || t.code > 255)
        d_.fail(cp, fmt::format("ICMP code {} is outside 0-255 (-1 means every code)", t.code));
      if (t.type == -1 && t.code != -1) {
        std::string msg = fmt::format("ICMP type -1 means every type and needs code -1, found code {}", t.code);
        if (!options_.lenient) d_.fail(cp, msg);
        d_.warn(cp, msg + "; the code is ignored");
        t.code = -1;
      }
      e.icmp = t;
    }
  }
  if (is_port_protocol(e.protocol) && !e.port_range)
    d_.fail(ptr, fmt::format("a protocol {} entry needs PortRange {{From, To}}", name));
  if (icmp_applies && !e.icmp)
    d_.fail(ptr, fmt::format("a protocol {} entry{} needs Icmp {{Type, Code}} (-1 means all)", name,
                             e.protocol == kIcmpv6 ? " with an IPv6 block" : ""));
  e.source.where = Location{d_.file(), r.ptr, 0};
  e.source.resource_id = acl_id;
  e.source.direction = d;
  e.source.address = r.id;
  return e;
}

void CfnReader::read_acls() {
  std::vector<NetworkAcl> acls;
  std::map<std::string, std::size_t> by_id;
  for (const Resource& r : resources_) {
    if (r.type != "AWS::EC2::NetworkAcl" || r.exists.value == Tri::False) continue;
    NetworkAcl a;
    a.id = r.id;
    a.address = r.id;
    a.where = Location{d_.file(), r.ptr, 0};
    if (r.props) {
      Value props = Value::of(r.props, DocLoader::child(r.ptr, "Properties"));
      Value vpc = member(props, "VpcId");
      if (vpc.known()) a.vpc_id = text(vpc, "a VPC id");
      a.tags = tags(props);
    }
    if (r.exists.value == Tri::Unknown)
      for (Direction d : {Direction::Ingress, Direction::Egress})
        a.unresolved.push_back(
            Unresolved{d, Location{d_.file(), DocLoader::child(r.ptr, "Condition"), 0},
                       fmt::format("{}: whether the ACL exists cannot be known: {}", r.id, r.exists.why)});
    by_id[a.id] = acls.size();
    acls.push_back(std::move(a));
  }
  // The ACL an entry or association names: the template's (by Ref); another one is not modelled.
  auto acl_of = [&](const Resource& r, const char* what) -> NetworkAcl* {
    if (!r.props) d_.fail(r.ptr, fmt::format("missing \"Properties\" ({} needs NetworkAclId)", what));
    Value props = Value::of(r.props, DocLoader::child(r.ptr, "Properties"));
    Value id = member(props, "NetworkAclId");
    if (id.absent()) d_.fail(props.ptr, R"(missing "NetworkAclId")");
    if (id.unknown()) {
      d_.warn(culprit(id, props.ptr), fmt::format("{}: the network ACL it belongs to cannot be known ({}); it is not "
                                                  "in the model",
                                                  r.id, id.why));
      return nullptr;
    }
    std::string acl = text(id, "a network ACL id");
    auto it = by_id.find(acl);
    if (it != by_id.end()) return &acls[it->second];
    d_.warn(r.ptr, fmt::format("{}: {} of network ACL {}, which the template does not create; the ACL is not in the "
                               "model (its other entries decide too)",
                               r.id, what, acl));
    return nullptr;
  };
  for (const Resource& r : resources_) {
    if (r.type != "AWS::EC2::NetworkAclEntry" || r.exists.value == Tri::False) continue;
    NetworkAcl* a = acl_of(r, "an entry");
    if (!a) continue;
    Value props = Value::of(r.props, DocLoader::child(r.ptr, "Properties"));
    Value egress = member(props, "Egress");
    if (egress.unknown()) {
      for (Direction d : {Direction::Ingress, Direction::Egress})
        a->unresolved.push_back(
            Unresolved{d, Location{d_.file(), culprit(egress, DocLoader::child(props.ptr, "Egress")), 0},
                       fmt::format("{}: Egress of an entry cannot be known: {}", r.id, egress.why)});
      continue;
    }
    Direction d = egress.known() && boolean(egress, "Egress") ? Direction::Egress : Direction::Ingress;
    if (r.exists.value == Tri::Unknown) {
      a->unresolved.push_back(
          Unresolved{d, Location{d_.file(), DocLoader::child(r.ptr, "Condition"), 0},
                     fmt::format("{}: whether the entry exists cannot be known: {}", r.id, r.exists.why)});
      continue;
    }
    if (auto e = entry(r, d, a->id, a->unresolved)) a->entries(d).push_back(std::move(*e));
  }
  for (const Resource& r : resources_) {
    if (r.type != "AWS::EC2::SubnetNetworkAclAssociation" || r.exists.value == Tri::False) continue;
    NetworkAcl* a = acl_of(r, "an association");
    if (!a) continue;
    Value props = Value::of(r.props, DocLoader::child(r.ptr, "Properties"));
    Value subnet = member(props, "SubnetId");
    if (subnet.absent()) d_.fail(props.ptr, R"(missing "SubnetId")");
    if (subnet.unknown() || r.exists.value == Tri::Unknown) {
      d_.warn(subnet.unknown() ? culprit(subnet, props.ptr) : DocLoader::child(r.ptr, "Condition"),
              fmt::format("{}: the subnet associated with {} cannot be known ({}); the association is not in the "
                          "model",
                          r.id, a->id, subnet.unknown() ? subnet.why : r.exists.why));
      continue;
    }
    a->subnet_ids.push_back(text(subnet, "a subnet id"));
  }
  for (NetworkAcl& a : acls) {
    // Two entries of one number and direction: AWS creates whichever CloudFormation happens to
    // create first and refuses the other (the stack then rolls back), so what the ACL does there
    // is unknown; neither entry is in the model.
    for (Direction d : {Direction::Ingress, Direction::Egress}) {
      auto& entries = a.entries(d);
      sort_by_rule_number(entries);
      std::vector<NaclEntry> kept;
      for (std::size_t i = 0; i < entries.size();) {
        std::size_t j = i;
        while (j < entries.size() && entries[j].rule_number == entries[i].rule_number) ++j;
        if (j - i == 1) {
          kept.push_back(std::move(entries[i]));
        } else {
          std::vector<std::string> names;
          for (std::size_t k = i; k < j; ++k) names.push_back(entries[k].source.address.str());
          a.unresolved.push_back(Unresolved{d, entries[i + 1].source.where,
                                            fmt::format("{} all give {} rule number {}: AWS creates one of them and "
                                                        "refuses the others, which one is unknown",
                                                        join(names, ", "), direction_name(d), entries[i].rule_number)});
        }
        i = j;
      }
      entries = std::move(kept);
    }
    d_.add_iac_acl(std::move(a));
  }
}

void CfnReader::read() {
  d_.object_at(root_, "", "a CloudFormation template (an object with Resources)");
  parameters_ = d_.opt_object(root_, "", "Parameters");
  mappings_ = d_.opt_object(root_, "", "Mappings");
  conditions_ = d_.opt_object(root_, "", "Conditions");
  if (const Json* t = DocLoader::find(root_, "Transform"))
    d_.warn("/Transform", fmt::format("the template's Transform ({}) is not applied: sgopt reads the template as "
                                      "written",
                                      t->is_string() ? t->get<std::string>() : describe_value(*t)));
  collect();
  read_groups();
  read_acls();
}

}  // namespace sgopt::aws
