// Writing a large JSON object of arrays one element at a time, byte for byte as dump() of the
// whole object would write it: the describe documents minimize writes and the reports show
// prints hold an account's worth of objects, which never need to sit in memory as one tree.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sgopt::json {

/// Where streamed text goes, piece by piece.
using Sink = std::function<void(std::string_view)>;

/// One member of the object: an array of `size` elements, the i-th made by element(i); or, when
/// `whole` is set, that value written at once (a small member among large ones).
template <class J>
struct StreamedArray {
  std::string key;
  std::size_t size = 0;
  std::function<J(std::size_t)> element;
  std::optional<J> whole;
};

/// `value` as dump(indent) writes it, each line after the first indented `by` more: how it reads as
/// a member or element inside a larger dumped document.
template <class J>
std::string dump_nested(const J& value, int indent, const std::string& by,
                        nlohmann::detail::error_handler_t invalid_utf8 = nlohmann::detail::error_handler_t::strict) {
  std::string text = value.dump(indent, ' ', false, invalid_utf8), out;
  out.reserve(text.size());
  for (char c : text) {
    out += c;
    if (c == '\n') out += by;
  }
  return out;
}

/// How the whole object would have been dumped.
struct StreamStyle {
  int indent = 2;           // dump(indent)
  bool skip_empty = false;  // leave out members with no elements (instead of "key": [])
  nlohmann::detail::error_handler_t invalid_utf8 = nlohmann::detail::error_handler_t::strict;
};

/// Writes {"key": [elements], ...} to `out` in the order of `members` (nlohmann::json sorts keys
/// and ordered_json keeps them: give them in the order dump() would write them).
template <class J>
void write_streamed_object(const Sink& out, const std::vector<StreamedArray<J>>& members, const StreamStyle& style) {
  const std::string one(static_cast<std::size_t>(style.indent), ' '), two = one + one;
  auto shifted = [&](const J& value, const std::string& by) {
    return dump_nested(value, style.indent, by, style.invalid_utf8);
  };
  bool first = true;
  for (const StreamedArray<J>& a : members) {
    if (style.skip_empty && a.size == 0 && !a.whole) continue;
    out(first ? "{\n" : ",\n");
    first = false;
    out(one + J(a.key).dump() + ": ");
    if (a.whole) {
      out(shifted(*a.whole, one));
      continue;
    }
    if (a.size == 0) {
      out("[]");
      continue;
    }
    out("[\n");
    for (std::size_t i = 0; i < a.size; ++i) {
      out(two + shifted(a.element(i), two));
      out(i + 1 < a.size ? ",\n" : "\n");
    }
    out(one + "]");
  }
  out(first ? "{}\n" : "\n}\n");
}

}  // namespace sgopt::json
