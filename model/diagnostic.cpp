// Input errors and warnings.
#include "model/diagnostic.h"

#include <fmt/format.h>

#include <algorithm>

namespace sgopt {

namespace {

// Length of the UTF-8 sequence at s[i] when it is well formed (shortest form, no surrogates, at
// most U+10FFFF), else 0; and its code point.
std::size_t utf8_sequence(std::string_view s, std::size_t i, char32_t& cp) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  cp = n == 1 ? c : n == 2 ? (c & 0x1f) : n == 3 ? (c & 0x0f) : (c & 0x07);
  for (std::size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3f);
  }
  static constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return n;
}

// Appends the printable form of s, stopping after `max` characters; returns where it stopped.
std::size_t append_printable(std::string& out, std::string_view s, std::size_t max) {
  std::size_t i = 0, shown = 0;
  while (i < s.size() && shown < max) {
    // A run of printable ASCII, the usual case, is copied whole.
    std::size_t j = i;
    for (const std::size_t limit = i + std::min(s.size() - i, max - shown); j < limit; ++j) {
      const auto b = static_cast<unsigned char>(s[j]);
      if (b < 0x20 || b >= 0x7f) break;
    }
    if (j > i) {
      out.append(s.substr(i, j - i));
      shown += j - i;
      i = j;
      continue;
    }
    char32_t cp = 0;
    std::size_t n = utf8_sequence(s, i, cp);
    if (n == 0) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(s[i]));
      n = 1;
    } else if (cp < 0x20 || cp == 0x7f) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned>(cp));
    } else if (cp >= 0x80 && cp <= 0x9f) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned>(cp));
    } else {
      out.append(s.substr(i, n));
    }
    i += n;
    ++shown;
  }
  return i;
}

}  // namespace

std::string printable(std::string_view s) {
  std::string out;
  append_printable(out, s, s.size());
  return out;
}

std::string echo(std::string_view s, std::size_t max) {
  std::string out;
  std::size_t end = append_printable(out, s, max);
  if (end < s.size()) out += fmt::format("... ({} bytes)", s.size());
  return out;
}

std::string Location::str() const {
  std::string s = file.empty() ? "<input>" : printable(file.str());
  if (line > 0) s += fmt::format(":{}", line);
  if (!json_pointer.empty()) s += fmt::format(": {}", echo(json_pointer, 200));
  return s;
}

std::string Diagnostic::str() const { return fmt::format("{}: {}", where.str(), message); }

InputError::InputError(Diagnostic d) : std::runtime_error(d.str()), diag_(std::move(d)) {}

}  // namespace sgopt
