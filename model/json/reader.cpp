// Typed reading of JSON input, shared by every loader.
#include "model/json/reader.h"

#include "model/diagnostic.h"
#include "model/json/lines.h"
#include "model/protocol.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <cstdint>
#include <functional>

namespace sgopt::json {

namespace {

constexpr int kMaxDepth = 256;
constexpr const char* kText = "a string";
constexpr const char* kLikeProtocol = R"(a string like "tcp" or "6")";
constexpr const char* kLikeCidr4 = R"(a string like "10.0.0.0/16")";
constexpr const char* kLikeCidr6 = R"(a string like "2001:db8::/56")";

/// A JSON syntax error as a person reads it: the library's reason without its prefix, in ASCII.
std::string syntax_message(const char* what, int column) {
  std::string w = what;
  auto pos = w.find("syntax error while parsing ");
  std::string detail = pos == std::string::npos ? w : w.substr(pos);
  auto dash = detail.find(" - ");
  if (pos != std::string::npos && dash != std::string::npos) detail = detail.substr(dash + 3);
  for (char& c : detail)
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) c = '?';
  return fmt::format("not valid JSON (column {}): {}", column, echo(detail, 200));
}

// A SAX handler that accepts everything and records where the parser gave up.
struct ErrorPlace : nlohmann::json_sax<Json> {
  std::size_t byte = 0;
  std::string token;
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return true; }
  bool key(string_t&) override { return true; }
  bool end_object() override { return true; }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t position, const std::string& last_token, const nlohmann::detail::exception&) override {
    byte = position;
    token = last_token;
    return false;
  }
};

// The parser's view of the text: plain bytes, telling `read_past` every kReadPastStep bytes how far
// the parse has come.
class ReportingIterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  ReportingIterator(const char* at, const char* base, const ReadPast* read_past)
      : at_(at), base_(base), next_(read_past && *read_past ? base + kReadPastStep : nullptr), read_past_(read_past) {}
  reference operator*() const { return *at_; }
  ReportingIterator& operator++() {
    if (++at_ == next_) {
      (*read_past_)(static_cast<std::size_t>(at_ - base_));
      next_ += kReadPastStep;
    }
    return *this;
  }
  ReportingIterator operator++(int) {
    ReportingIterator before = *this;
    ++*this;
    return before;
  }
  bool operator==(const ReportingIterator& o) const { return at_ == o.at_; }
  bool operator!=(const ReportingIterator& o) const { return at_ != o.at_; }

 private:
  const char* at_;
  const char* base_;
  const char* next_;
  const ReadPast* read_past_;
};

}  // namespace

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

Json parse_document(std::string_view text, const std::string& file, std::string_view expected,
                    const Json::parser_callback_t& callback, const ReadPast& read_past) {
  if (std::all_of(text.begin(), text.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)); }))
    throw InputError(Diagnostic{Location{file, "", 0}, fmt::format("the file is empty: expected {}", expected)});
  char first =
      *std::find_if(text.begin(), text.end(), [](char c) { return !std::isspace(static_cast<unsigned char>(c)); });
  if (first != '{' && first != '[') {
    auto at = static_cast<std::size_t>(text.find(first));
    std::string shown = std::isprint(static_cast<unsigned char>(first))
                            ? fmt::format("'{}'", first)
                            : fmt::format("byte 0x{:02x}", static_cast<unsigned char>(first));
    throw InputError(
        Diagnostic{location_at(text, at, file),
                   fmt::format("not a JSON document: it should start with '{{', but starts with {}", shown)});
  }
  // The writers and the line finder are iterative, but nlohmann's serializer recurses: refuse
  // nesting far deeper than any AWS document before it can exhaust the stack.
  // The same pass finds the first NUL byte, which nlohmann's parser would read as the end of the input.
  int depth = 0;
  bool in_string = false;
  std::size_t nul = std::string_view::npos;
  for (std::size_t i = 0, report = kReadPastStep; i < text.size(); ++i) {
    if (i == report) {
      if (read_past) read_past(i);
      report += kReadPastStep;
    }
    char c = text[i];
    if (c == '\0' && nul == std::string_view::npos) nul = i;
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxDepth)
        throw InputError(
            Diagnostic{location_at(text, i, file), fmt::format("JSON nested more than {} levels deep", kMaxDepth)});
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  auto fail_at_byte = [&](std::size_t byte, const std::function<std::string(int)>& message) {
    std::size_t offset = byte > 0 ? byte - 1 : 0;
    if (offset > text.size()) offset = text.size();
    Location where = location_at(text, offset, file);
    std::size_t line_start = text.rfind('\n', offset == 0 ? 0 : offset - 1);
    int column = static_cast<int>(offset - (line_start == std::string_view::npos ? 0 : line_start + 1)) + 1;
    if (offset > 0 && text[offset - 1] == '\n') column = 1;
    throw InputError(Diagnostic{where, message(column)});
  };
  if (nul != std::string_view::npos)
    fail_at_byte(nul + 1, [](int column) {
      return fmt::format("not valid JSON (column {}): a NUL byte (0x00), which JSON text never holds", column);
    });
  try {
    return Json::parse(ReportingIterator(text.data(), text.data(), &read_past),
                       ReportingIterator(text.data() + text.size(), text.data(), nullptr), callback);
  } catch (const Json::parse_error& e) {
    fail_at_byte(e.byte, [&](int column) { return syntax_message(e.what(), column); });
  } catch (const Json::exception& e) {
    // A value the library cannot hold (a number past the double range): found again, with its
    // place, by a parse that only records where it stopped.
    ErrorPlace place;
    Json::sax_parse(text.begin(), text.end(), &place);
    std::string what = e.what();
    if (auto close = what.find("] "); what.rfind("[json.exception.", 0) == 0 && close != std::string::npos)
      what = what.substr(close + 2);
    fail_at_byte(place.byte, [&](int column) {
      return fmt::format("not a value sgopt can read (column {}): {}{}", column,
                         place.token.empty() ? "" : fmt::format("{}: ", echo(place.token)),
                         e.id == 406 ? "the number is out of range" : echo(what, 200));
    });
  }
  return Json();  // not reached: fail_at_byte throws
}

void Reader::fail(const std::string& ptr, std::string message) const {
  fail_at(Location{file_, ptr, 0}, std::move(message));
}

void Reader::give_line(Location& where) const {
  if (lines_) {
    where.line = line_of(*lines_, where.json_pointer);
    return;
  }
  std::vector<Location*> one{&where};
  resolve_lines(text_, one);
}

void Reader::fail_at(Location where, std::string message) const {
  if (where.file == file_ && where.line == 0) give_line(where);
  throw InputError(Diagnostic{std::move(where), std::move(message)});
}

std::string Reader::place(Location where) const {
  if (where.file != file_) return where.str();
  if (where.line == 0) give_line(where);
  return where.line > 0 ? fmt::format("line {}, {}", where.line, where.json_pointer) : where.json_pointer.str();
}

void Reader::warn(const std::string& ptr, std::string message) {
  warnings_.push_back(Diagnostic{Location{file_, ptr, 0}, std::move(message)});
}

void Reader::warn_naming(const std::string& ptr, std::string before, Location other, std::string after) {
  named_.push_back(NamedPlace{warnings_.size(), std::move(before), std::move(after), std::move(other)});
  warnings_.push_back(Diagnostic{Location{file_, ptr, 0}, ""});
}

std::vector<Location*> Reader::named_places() {
  std::vector<Location*> out;
  for (NamedPlace& n : named_)
    if (n.other.file == file_ && n.other.line == 0) out.push_back(&n.other);
  return out;
}

void Reader::complete_warnings() {
  for (NamedPlace& n : named_) {
    const Location& o = n.other;
    std::string where = o.file != file_ ? o.str()
                        : o.line > 0    ? fmt::format("line {}, {}", o.line, o.json_pointer)
                                        : o.json_pointer.str();
    warnings_[n.warning].message = n.before + where + n.after;
  }
  named_.clear();
}

const Json* Reader::find(const Json& obj, const char* key) {
  auto it = obj.find(key);
  return it == obj.end() || it->is_null() ? nullptr : &*it;
}

const Json& Reader::object_at(const Json& v, const std::string& ptr, const char* what) const {
  if (!v.is_object()) fail(ptr, fmt::format("expected {}, found {}", what, describe_value(v)));
  return v;
}

const Json* Reader::opt_array(const Json& obj, const std::string& ptr, const char* key) const {
  const Json* v = find(obj, key);
  if (v && !v->is_array()) fail(child(ptr, key), fmt::format("expected an array, found {}", describe_value(*v)));
  return v;
}

const Json* Reader::opt_object(const Json& obj, const std::string& ptr, const char* key) const {
  const Json* v = find(obj, key);
  if (v && !v->is_object()) fail(child(ptr, key), fmt::format("expected an object, found {}", describe_value(*v)));
  return v;
}

std::optional<std::string> Reader::opt_string(const Json& obj, const std::string& ptr, const char* key,
                                              const char* like) const {
  const Json* v = find(obj, key);
  if (!v) return std::nullopt;
  if (!v->is_string()) fail(child(ptr, key), fmt::format("expected {}, found {}", like, describe_value(*v)));
  return v->get<std::string>();
}

std::string Reader::opt_text(const Json& obj, const std::string& ptr, const char* key) const {
  return opt_string(obj, ptr, key, kText).value_or("");
}

std::string Reader::req_string(const Json& obj, const std::string& ptr, const char* key, const char* like) const {
  auto s = opt_string(obj, ptr, key, like);
  if (!s) fail(ptr, fmt::format("missing \"{}\" (expected {})", key, like));
  return *s;
}

std::optional<int> Reader::opt_int(const Json& obj, const std::string& ptr, const char* key) const {
  const Json* v = find(obj, key);
  if (!v) return std::nullopt;
  if (!v->is_number_integer())
    fail(child(ptr, key), fmt::format("expected a whole number, found {}", describe_value(*v)));
  bool fits = v->is_number_unsigned() ? v->get<std::uint64_t>() <= INT_MAX
                                      : v->get<std::int64_t>() >= INT_MIN && v->get<std::int64_t>() <= INT_MAX;
  if (!fits) fail(child(ptr, key), fmt::format("the number {} is out of range", v->dump()));
  return v->get<int>();
}

int Reader::req_int(const Json& obj, const std::string& ptr, const char* key) const {
  auto n = opt_int(obj, ptr, key);
  if (!n) fail(ptr, fmt::format("missing \"{}\" (expected a whole number)", key));
  return *n;
}

std::optional<bool> Reader::opt_bool(const Json& obj, const std::string& ptr, const char* key) const {
  const Json* v = find(obj, key);
  if (!v) return std::nullopt;
  if (!v->is_boolean()) fail(child(ptr, key), fmt::format("expected true or false, found {}", describe_value(*v)));
  return v->get<bool>();
}

bool Reader::req_bool(const Json& obj, const std::string& ptr, const char* key) const {
  auto b = opt_bool(obj, ptr, key);
  if (!b) fail(ptr, fmt::format("missing \"{}\" (expected true or false)", key));
  return *b;
}

int Reader::protocol(const Json& obj, const std::string& ptr, const char* key) const {
  return protocol_text(req_string(obj, ptr, key, kLikeProtocol), child(ptr, key));
}

int Reader::protocol_text(const std::string& text, const std::string& ptr) const {
  std::string why;
  auto p = parse_protocol(text, &why);
  if (!p) fail(ptr, why);
  return *p;
}

Cidr Reader::cidr(const Json& obj, const std::string& ptr, const char* key, Family family, Text* text) {
  return cidr_text(req_string(obj, ptr, key, family == Family::V4 ? kLikeCidr4 : kLikeCidr6), child(ptr, key), family,
                   text);
}

Cidr Reader::cidr_text(const std::string& s, const std::string& ptr, Family family, Text* text) {
  std::string why;
  auto c = parse_cidr(s, family, &why);
  if (!c) fail(ptr, why);
  if (c->host_bits_cleared) warn(ptr, fmt::format("'{}' has host bits set; read as {}, as AWS does", s, c->cidr.str()));
  if (text) *text = s == c->cidr.str() ? std::string_view() : std::string_view(s);  // kept only when written otherwise
  return c->cidr;
}

u128 Reader::address(const Json& obj, const std::string& ptr, const char* key, Family family) const {
  std::string s = req_string(obj, ptr, key,
                             family == Family::V4 ? R"(a string like "10.0.0.5")" : R"(a string like "2001:db8::5")");
  auto a = family == Family::V4 ? parse_ipv4(s) : parse_ipv6(s);
  if (!a) fail(child(ptr, key), fmt::format("'{}' is not an {} address", s, family_name(family)));
  return *a;
}

}  // namespace sgopt::json
