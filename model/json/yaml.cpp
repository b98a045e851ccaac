// YAML read through yaml-cpp's event parser, so that the tree is built here: each value gets its JSON
// pointer and line as it is read, aliases never expand (a billion laughs costs nothing but an
// error), and nesting is refused before it can exhaust the stack.
#include "model/json/yaml.h"

#include "model/diagnostic.h"
#include "model/json/lines.h"

#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <sstream>
#include <utility>
#include <vector>

namespace sgopt::json {

int line_of(const PointerLines& lines, std::string_view pointer) {
  std::string p(pointer);
  for (;;) {
    auto it = lines.find(p);
    if (it != lines.end()) return it->second;
    auto slash = p.rfind('/');
    if (slash == std::string::npos) return 0;
    p.resize(slash);
  }
}

namespace {

constexpr std::size_t kMaxDepth = 256;
constexpr std::string_view kStandardTag = "tag:yaml.org,2002:";

/// Where the text stops being UTF-8, or npos.
std::size_t first_invalid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return i;
    for (std::size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) return i;
    i += n;
  }
  return std::string_view::npos;
}

bool valid_utf8(std::string_view s) { return first_invalid_utf8(s) == std::string_view::npos; }

// YAML 1.2 core-schema integers and floats in decimal; YAML 1.1's octal, sexagesimal and yes/no
// readings are left as strings (CloudFormation reads those values as strings where it matters).
std::optional<Json> plain_number(const std::string& s) {
  std::size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
  if (i == s.size()) return std::nullopt;
  std::size_t digits = i;
  while (digits < s.size() && std::isdigit(static_cast<unsigned char>(s[digits]))) ++digits;
  if (digits == s.size()) {
    if (digits - i > 1 && s[i] == '0') return std::nullopt;  // 0123: kept as written
    std::int64_t n = 0;
    const char* begin = s.data() + (s[0] == '+' ? 1 : 0);
    auto [end, ec] = std::from_chars(begin, s.data() + s.size(), n);
    if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;  // too large: a string
    return Json(n);
  }
  // [-+]?(digits)?(.digits*)?([eE][-+]?digits)? with at least one digit before the exponent.
  if (digits - i > 1 && s[i] == '0') return std::nullopt;
  std::size_t j = digits;
  bool mantissa = digits > i;
  if (j < s.size() && s[j] == '.') {
    for (++j; j < s.size() && std::isdigit(static_cast<unsigned char>(s[j])); ++j) mantissa = true;
  }
  if (!mantissa) return std::nullopt;
  if (j < s.size() && (s[j] == 'e' || s[j] == 'E')) {
    ++j;
    if (j < s.size() && (s[j] == '-' || s[j] == '+')) ++j;
    std::size_t e = j;
    while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
    if (j == e) return std::nullopt;
  }
  if (j != s.size()) return std::nullopt;
  double d = std::strtod(s.c_str(), nullptr);
  if (!std::isfinite(d)) return std::nullopt;
  return Json(d);
}

/// A plain (untagged, unquoted) scalar as YAML's core schema reads it.
Json plain_scalar(const std::string& s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return Json();
  if (s == "true" || s == "True" || s == "TRUE") return Json(true);
  if (s == "false" || s == "False" || s == "FALSE") return Json(false);
  if (auto n = plain_number(s)) return *n;
  return Json(s);
}

/// The long-form key of a short-form function tag: "!Ref" -> "Ref", "!Sub" -> "Fn::Sub".
std::string function_key(const std::string& tag) {
  std::string name = tag.substr(1);
  return name == "Ref" || name == "Condition" ? name : "Fn::" + name;
}

bool is_short_form(const std::string& tag) { return tag.size() > 1 && tag[0] == '!' && tag[1] != '<'; }

class Builder : public YAML::EventHandler {
 public:
  Builder(const std::string& file, PointerLines& lines) : file_(file), lines_(lines) {}

  Json take_root() { return std::move(root_); }
  /// The pointer of the place being read, for messages.
  std::string pointer() const { return stack_.empty() ? "" : stack_.back().ptr; }
  int documents() const { return documents_; }

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (++documents_ > 1)
      fail("", line(mark),
           "a second YAML document starts here; a CloudFormation template is one document (remove the '---' "
           "that starts it)");
  }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override {
    if (expecting_key()) fail(pointer(), line(mark), "a mapping key is empty; keys must be strings");
    place(Json(), line(mark), "");
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override {
    fail(next_pointer(), line(mark),
         "YAML aliases (*name) are not supported: CloudFormation does not read them; repeat the value or use "
         "Mappings and Fn::FindInMap");
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t, const std::string& value) override {
    int at = line(mark);
    if (!valid_utf8(value)) fail(next_pointer(), at, "the text is not valid UTF-8");
    if (expecting_key()) {
      if (tag == "?" && value == "<<")
        fail(pointer(), at, "YAML merge keys (<<) are not supported: CloudFormation does not read them");
      key(value, at);
      return;
    }
    if (is_short_form(tag)) {
      std::string fn = function_key(tag);
      Json inner(value);
      std::string ptr = next_pointer() + "/" + pointer_segment(fn);
      if (fn == "Fn::GetAtt") {
        // !GetAtt Resource.Attribute (the attribute may hold dots itself: Endpoint.Address).
        auto dot = value.find('.');
        if (dot != std::string::npos) {
          inner = Json::array({value.substr(0, dot), value.substr(dot + 1)});
          lines_[ptr + "/0"] = at;
          lines_[ptr + "/1"] = at;
        }
      }
      place(std::move(inner), at, fn);
      return;
    }
    place(typed_scalar(tag, value, at), at, "");
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    open(mark, tag, Json::array());
  }
  void OnSequenceEnd() override { close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t, YAML::EmitterStyle::value) override {
    open(mark, tag, Json::object());
  }
  void OnMapEnd() override { close(); }

 private:
  struct Frame {
    Json value;         // the array or object being built
    std::string ptr;    // its pointer
    std::string wrap;   // a short-form tag's function key: the value is {wrap: value}
    std::string outer;  // the pointer of the whole value (ptr without /wrap)
    int line = 0;
    bool is_key = false;  // a sequence or mapping as a key: refused once read (a syntax error comes first)
    bool have_key = false;
    std::string key;
    int key_line = 0;
  };

  static int line(const YAML::Mark& m) { return m.line >= 0 ? m.line + 1 : 0; }

  [[noreturn]] void fail(const std::string& ptr, int at, std::string message) const {
    throw InputError(Diagnostic{Location{file_, ptr, at}, std::move(message)});
  }

  bool expecting_key() const { return !stack_.empty() && stack_.back().value.is_object() && !stack_.back().have_key; }

  /// The pointer the next value gets.
  std::string next_pointer() const {
    if (stack_.empty()) return "";
    const Frame& f = stack_.back();
    if (f.value.is_array()) return f.ptr + "/" + std::to_string(f.value.size());
    return f.ptr + "/" + pointer_segment(f.key);
  }

  void key(const std::string& k, int at) {
    Frame& f = stack_.back();
    if (f.value.contains(k)) {
      int first = line_of(lines_, f.ptr + "/" + pointer_segment(k));
      fail(f.ptr + "/" + pointer_segment(k), at,
           fmt::format("the key \"{}\" is given twice in this mapping{}", echo(k),
                       first > 0 ? fmt::format(" (first at line {})", first) : ""));
    }
    f.have_key = true;
    f.key = k;
    f.key_line = at;
  }

  Json typed_scalar(const std::string& tag, const std::string& value, int at) const {
    if (tag == "?") return plain_scalar(value);
    if (tag == "!") return Json(value);  // quoted, or the non-specific tag
    if (tag.rfind(kStandardTag, 0) == 0) {
      std::string type = tag.substr(kStandardTag.size());
      if (type == "str") return Json(value);
      if (type == "null") return Json();
      if (type == "bool") {
        Json b = plain_scalar(value);
        if (b.is_boolean()) return b;
      }
      if (type == "int" || type == "float") {
        Json n = plain_scalar(value);
        if (n.is_number_integer() && type == "int") return n;
        if (n.is_number() && type == "float") return Json(n.get<double>());
      }
      if (type == "bool" || type == "int" || type == "float")
        fail(next_pointer(), at, fmt::format("'{}' is not a value of the !!{} tag", echo(value), type));
      fail(next_pointer(), at, fmt::format("the !!{} tag is not supported: CloudFormation does not read it", type));
    }
    fail(next_pointer(), at, fmt::format("the tag '{}' is not one CloudFormation reads", echo(tag)));
  }

  /// Puts a finished value where the parse is: the root, the next element, or the value of the key.
  void place(Json v, int at, const std::string& wrap) {
    std::string ptr = next_pointer();
    if (!stack_.empty() && stack_.back().value.is_object()) at = stack_.back().key_line;
    lines_.emplace(ptr, at);
    if (!wrap.empty()) {
      lines_.emplace(ptr + "/" + pointer_segment(wrap), at);
      Json w = Json::object();
      w[wrap] = std::move(v);
      v = std::move(w);
    }
    if (stack_.empty()) {
      root_ = std::move(v);
      return;
    }
    Frame& f = stack_.back();
    if (f.value.is_array()) {
      f.value.push_back(std::move(v));
    } else {
      f.value[f.key] = std::move(v);
      f.have_key = false;
    }
  }

  void open(const YAML::Mark& mark, const std::string& tag, Json empty) {
    int at = line(mark);
    Frame f;
    f.is_key = expecting_key();
    f.outer = f.is_key ? pointer() : next_pointer();
    if (stack_.size() >= kMaxDepth) fail(f.outer, at, fmt::format("YAML nested more than {} levels deep", kMaxDepth));
    f.value = std::move(empty);
    f.line = !f.is_key && !stack_.empty() && stack_.back().value.is_object() ? stack_.back().key_line : at;
    if (is_short_form(tag)) {
      f.wrap = function_key(tag);
    } else if (tag != "?" && tag != "!" && tag != std::string(kStandardTag) + "map" &&
               tag != std::string(kStandardTag) + "seq") {
      if (tag.rfind(kStandardTag, 0) == 0)
        fail(f.outer, at,
             fmt::format("the !!{} tag is not supported: CloudFormation does not read it",
                         tag.substr(kStandardTag.size())));
      fail(f.outer, at, fmt::format("the tag '{}' is not one CloudFormation reads", echo(tag)));
    }
    f.ptr = f.wrap.empty() ? f.outer : f.outer + "/" + pointer_segment(f.wrap);
    lines_.emplace(f.outer, f.line);
    lines_.emplace(f.ptr, f.line);
    stack_.push_back(std::move(f));
  }

  void close() {
    Frame f = std::move(stack_.back());
    stack_.pop_back();
    if (f.is_key) fail(f.outer, f.line, "a mapping key is a sequence or mapping; CloudFormation keys are strings");
    place(std::move(f.value), f.line, f.wrap);
  }

  const std::string& file_;
  PointerLines& lines_;
  std::vector<Frame> stack_;
  Json root_;
  int documents_ = 0;
};

}  // namespace

YamlDocument parse_yaml(std::string_view text, const std::string& file) {
  YamlDocument doc;
  // yaml-cpp reads bytes that are not UTF-8 as U+FFFD: refused first, as the JSON reader does.
  std::string_view body = text.substr(text.rfind("\xef\xbb\xbf", 0) == 0 ? 3 : 0);
  if (std::size_t at = first_invalid_utf8(body); at != std::string_view::npos) {
    int line = 1 + static_cast<int>(std::count(body.begin(), body.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
    throw InputError(Diagnostic{Location{file, "", line}, "the text is not valid UTF-8 (templates are UTF-8)"});
  }
  std::istringstream in{std::string(text)};
  Builder b(file, doc.lines);
  try {
    YAML::Parser parser(in);
    bool any = parser.HandleNextDocument(b);
    if (any) parser.HandleNextDocument(b);  // a second document is refused as it starts
    if (!any || b.documents() == 0)
      throw InputError(Diagnostic{Location{file, "", 0}, "the file is empty: expected a CloudFormation template"});
  } catch (const YAML::Exception& e) {
    int line = e.mark.line >= 0 ? e.mark.line + 1 : 0;
    std::string why = e.msg;
    for (char& c : why)
      if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) c = '?';
    throw InputError(Diagnostic{Location{file, b.pointer(), line},
                                fmt::format("not valid YAML (column {}): {}", e.mark.column + 1, echo(why, 200))});
  }
  doc.root = b.take_root();
  return doc;
}

}  // namespace sgopt::json
