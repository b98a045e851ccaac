// IPv4/IPv6 parsing and printing.
#include "model/ip.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <vector>

namespace sgopt {

const char* family_name(Family f) { return f == Family::V4 ? "IPv4" : "IPv6"; }

static u128 host_mask(Family f, int len) {
  int bits = address_bits(f);
  int host = bits - len;
  if (host <= 0) return 0;
  if (host >= 128) return ~static_cast<u128>(0);
  return (static_cast<u128>(1) << host) - 1;
}

u128 Cidr::last() const { return addr | host_mask(family, len); }

bool Cidr::contains(Family f, u128 a) const { return f == family && a >= first() && a <= last(); }

std::string Cidr::str() const { return fmt::format("{}/{}", format_address(family, addr), len); }

std::optional<u128> parse_ipv4(std::string_view s) {
  u128 v = 0;
  int parts = 0;
  size_t i = 0;
  while (true) {
    size_t j = i;
    while (j < s.size() && s[j] >= '0' && s[j] <= '9') ++j;
    if (j == i || j - i > 3) return std::nullopt;
    unsigned octet = 0;
    for (size_t k = i; k < j; ++k) octet = octet * 10 + static_cast<unsigned>(s[k] - '0');
    if (octet > 255) return std::nullopt;
    v = (v << 8) | octet;
    ++parts;
    if (j == s.size()) break;
    if (s[j] != '.' || parts == 4) return std::nullopt;
    i = j + 1;
  }
  if (parts != 4) return std::nullopt;
  return v;
}

std::optional<u128> parse_ipv6(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::vector<unsigned> head, tail;
  bool seen_gap = false;
  size_t i = 0;
  if (s.substr(0, 2) == "::") {
    seen_gap = true;
    i = 2;
  } else if (s[0] == ':') {
    return std::nullopt;
  }
  while (i < s.size()) {
    size_t j = i;
    while (j < s.size() && std::isxdigit(static_cast<unsigned char>(s[j]))) ++j;
    if (j < s.size() && s[j] == '.') {  // embedded IPv4 tail
      auto v4 = parse_ipv4(s.substr(i));
      if (!v4) return std::nullopt;
      auto& dst = seen_gap ? tail : head;
      dst.push_back(static_cast<unsigned>((*v4 >> 16) & 0xffff));
      dst.push_back(static_cast<unsigned>(*v4 & 0xffff));
      i = s.size();
      break;
    }
    if (j == i || j - i > 4) return std::nullopt;
    unsigned group = 0;
    std::from_chars(s.data() + i, s.data() + j, group, 16);
    (seen_gap ? tail : head).push_back(group);
    if (j == s.size()) {
      i = j;
      break;
    }
    if (s[j] != ':') return std::nullopt;
    if (j + 1 < s.size() && s[j + 1] == ':') {
      if (seen_gap) return std::nullopt;
      seen_gap = true;
      i = j + 2;
    } else {
      if (j + 1 == s.size()) return std::nullopt;  // trailing single colon
      i = j + 1;
    }
  }
  size_t n = head.size() + tail.size();
  if (seen_gap ? n > 7 : n != 8) return std::nullopt;
  std::vector<unsigned> groups = head;
  groups.resize(8 - tail.size(), 0);
  groups.insert(groups.end(), tail.begin(), tail.end());
  u128 v = 0;
  for (unsigned g : groups) v = (v << 16) | g;
  return v;
}

std::optional<u128> parse_address(std::string_view text, Family* family) {
  if (text.find(':') != std::string_view::npos) {
    *family = Family::V6;
    return parse_ipv6(text);
  }
  *family = Family::V4;
  return parse_ipv4(text);
}

std::string format_address(Family f, u128 a) {
  if (f == Family::V4) {
    auto v = static_cast<unsigned>(a & 0xffffffffu);
    return fmt::format("{}.{}.{}.{}", v >> 24, (v >> 16) & 255, (v >> 8) & 255, v & 255);
  }
  unsigned g[8];
  for (int i = 0; i < 8; ++i) g[i] = static_cast<unsigned>((a >> (16 * (7 - i))) & 0xffff);
  int best = -1, best_len = 0;
  for (int i = 0; i < 8;) {
    if (g[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && g[j] == 0) ++j;
    if (j - i > best_len && j - i >= 2) {
      best = i;
      best_len = j - i;
    }
    i = j;
  }
  std::string out;
  for (int i = 0; i < 8; ++i) {
    if (i == best) {
      out += "::";
      i += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    out += fmt::format("{:x}", g[i]);
  }
  return out;
}

std::optional<CidrParse> parse_cidr(std::string_view text, Family family, std::string* why) {
  auto fail = [&](std::string msg) -> std::optional<CidrParse> {
    if (why) *why = std::move(msg);
    return std::nullopt;
  };
  const char* expect = family == Family::V4 ? "an IPv4 CIDR like 10.0.0.0/16" : "an IPv6 CIDR like 2001:db8::/32";
  auto slash = text.find('/');
  if (slash == std::string_view::npos) return fail(fmt::format("'{}' is not {} (no prefix length)", text, expect));
  auto addr_text = text.substr(0, slash);
  auto len_text = text.substr(slash + 1);
  Family seen;
  auto a = parse_address(addr_text, &seen);
  if (!a) return fail(fmt::format("'{}' is not {}", text, expect));
  if (seen != family)
    return fail(fmt::format("'{}' is an {} block where {} was expected", text, family_name(seen), expect));
  int len = -1;
  auto [p, ec] = std::from_chars(len_text.data(), len_text.data() + len_text.size(), len);
  if (ec != std::errc() || p != len_text.data() + len_text.size() || len_text.empty() || len_text.size() > 3)
    return fail(fmt::format("'{}' has a bad prefix length", text));
  if (len < 0 || len > address_bits(family))
    return fail(fmt::format("'{}' has prefix length {}, more than {} allows", text, len, family_name(family)));
  CidrParse r;
  r.cidr.family = family;
  r.cidr.len = len;
  u128 mask = host_mask(family, len);
  r.cidr.addr = *a & ~mask;
  r.host_bits_cleared = (*a & mask) != 0;
  return r;
}

std::string u128_to_string(u128 v) {
  if (v == 0) return "0";
  std::string s;
  while (v) {
    s += static_cast<char>('0' + static_cast<int>(v % 10));
    v /= 10;
  }
  std::reverse(s.begin(), s.end());
  return s;
}

}  // namespace sgopt
