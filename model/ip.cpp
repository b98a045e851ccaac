// IPv4/IPv6 parsing and printing.
#include "model/ip.h"

#include "model/diagnostic.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <charconv>
#include <cstring>

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

// The C library's inet_pton reads addresses exactly as POSIX and RFC 4291 define them: IPv4 as four
// decimal octets without leading zeros (which other readers take for octal), IPv6 with at most one
// "::" and an optional dotted IPv4 tail.
namespace {

template <int kFamily, std::size_t kBytes>
std::optional<u128> inet_parse(std::string_view s) {
  char buf[64];
  if (s.empty() || s.size() >= sizeof buf) return std::nullopt;
  std::memcpy(buf, s.data(), s.size());
  buf[s.size()] = '\0';
  unsigned char bytes[kBytes];
  if (::inet_pton(kFamily, buf, bytes) != 1) return std::nullopt;
  u128 v = 0;
  for (unsigned char b : bytes) v = (v << 8) | b;
  return v;
}

}  // namespace

std::optional<u128> parse_ipv4(std::string_view s) { return inet_parse<AF_INET, 4>(s); }

std::optional<u128> parse_ipv6(std::string_view s) { return inet_parse<AF_INET6, 16>(s); }

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
  if (slash == std::string_view::npos)
    return fail(fmt::format("'{}' is not {} (no prefix length)", echo(text), expect));
  auto addr_text = text.substr(0, slash);
  auto len_text = text.substr(slash + 1);
  Family seen;
  auto a = parse_address(addr_text, &seen);
  if (!a) return fail(fmt::format("'{}' is not {}", echo(text), expect));
  if (seen != family)
    return fail(fmt::format("'{}' is an {} block where {} was expected", echo(text), family_name(seen), expect));
  int len = -1;
  auto [p, ec] = std::from_chars(len_text.data(), len_text.data() + len_text.size(), len);
  if (ec != std::errc() || p != len_text.data() + len_text.size() || len_text.empty() || len_text.size() > 3)
    return fail(fmt::format("'{}' has a bad prefix length", echo(text)));
  if (len < 0 || len > address_bits(family))
    return fail(fmt::format("'{}' has prefix length {}, more than {} allows", echo(text), len, family_name(family)));
  CidrParse r;
  r.cidr.family = family;
  r.cidr.len = len;
  u128 mask = host_mask(family, len);
  r.cidr.addr = *a & ~mask;
  r.host_bits_cleared = (*a & mask) != 0;
  return r;
}

std::string u128_to_string(u128 v) { return fmt::format("{}", v); }

}  // namespace sgopt
