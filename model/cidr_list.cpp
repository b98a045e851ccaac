// Plain-text address lists.
#include "model/cidr_list.h"

#include "model/diagnostic.h"

#include <fmt/format.h>

namespace sgopt {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// One non-empty entry: a CIDR, a single address or "a-b". Returns an error message, "" when fine.
// When host bits had to be cleared, *canonical names the block read.
std::string parse_entry(std::string_view s, AddressRange& out, std::string* canonical) {
  if (auto dash = s.find('-'); dash != std::string_view::npos) {
    auto a_text = trim(s.substr(0, dash));
    auto b_text = trim(s.substr(dash + 1));
    Family fa, fb;
    auto a = parse_address(a_text, &fa);
    auto b = parse_address(b_text, &fb);
    if (!a || !b) return fmt::format("'{}' is not an address range like 192.0.2.10-192.0.2.20", echo(s));
    if (fa != fb) return fmt::format("'{}' mixes IPv4 and IPv6", echo(s));
    if (*b < *a) return fmt::format("'{}' ends before it starts", echo(s));
    out = AddressRange{fa, *a, *b};
    return "";
  }
  Family family = s.find(':') != std::string_view::npos ? Family::V6 : Family::V4;
  if (s.find('/') == std::string_view::npos) {
    Family f;
    auto a = parse_address(s, &f);
    if (!a)
      return fmt::format("'{}' is not an IPv4 or IPv6 address or CIDR (like 192.0.2.0/24 or 2001:db8::/32)", echo(s));
    out = AddressRange{f, *a, *a};
    return "";
  }
  std::string why;
  auto c = parse_cidr(s, family, &why);
  if (!c) return why;
  if (c->host_bits_cleared) *canonical = c->cidr.str();
  out = AddressRange{family, c->cidr.first(), c->cidr.last()};
  return "";
}

}  // namespace

CidrList parse_cidr_list(std::string_view text, const std::string& file) {
  CidrList list;
  int line_no = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    line = trim(line);
    if (line.empty()) continue;
    AddressRange r;
    std::string canonical;
    std::string err = parse_entry(line, r, &canonical);
    if (!err.empty()) {
      if (list.errors.size() < CidrList::kMaxErrors) list.errors.push_back({Location{file, "", line_no}, err});
      continue;
    }
    if (!canonical.empty())
      list.warnings.push_back({Location{file, "", line_no},
                               fmt::format("'{}' has host bits set; read as {} (as AWS does)", echo(line), canonical)});
    list.ranges.push_back(r);
  }
  return list;
}

}  // namespace sgopt
