// IPv4/IPv6 addresses and CIDR blocks, parsed and printed exactly as AWS writes them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

__extension__ typedef unsigned __int128 u128;

namespace sgopt {

enum class Family : std::uint8_t { V4, V6 };

/// Number of address bits in a family (32 or 128).
constexpr int address_bits(Family f) { return f == Family::V4 ? 32 : 128; }
/// Largest address of a family.
constexpr u128 max_address(Family f) {
  return f == Family::V4 ? static_cast<u128>(0xffffffffu) : ~static_cast<u128>(0);
}
const char* family_name(Family f);
/// The family an address or CIDR is written in: IPv6 when the text has a colon.
constexpr Family written_family(std::string_view text) {
  return text.find(':') != std::string_view::npos ? Family::V6 : Family::V4;
}

/// A CIDR block in canonical form (host bits clear). IPv4 addresses live in the low 32 bits.
struct Cidr {
  // The address first: a u128 is 16-aligned, and a family before it would pad a Cidr to 48 bytes.
  u128 addr = 0;
  int len = 0;
  Family family = Family::V4;

  Cidr() = default;
  Cidr(Family f, u128 a, int l) : addr(a), len(l), family(f) {}

  u128 first() const { return addr; }
  u128 last() const;
  bool contains(Family f, u128 a) const;
  std::string str() const;
  bool operator==(const Cidr&) const = default;
};

/// Result of parsing a CIDR: the canonical block, and whether host bits had to be cleared.
struct CidrParse {
  Cidr cidr;
  bool host_bits_cleared = false;
};

/// Parses "a.b.c.d/n" or an IPv6 "x::y/n". Returns nullopt and sets *why on error.
std::optional<CidrParse> parse_cidr(std::string_view text, Family family, std::string* why);
/// An address as inet_pton reads it: IPv4 as four decimal octets without leading zeros ("010.0.0.1"
/// is refused: other readers take it for octal), IPv6 per RFC 4291 (one "::", an IPv4 tail allowed).
std::optional<u128> parse_ipv4(std::string_view text);
std::optional<u128> parse_ipv6(std::string_view text);
/// Parses either family; sets *family.
std::optional<u128> parse_address(std::string_view text, Family* family);
/// Dotted quad, or RFC 5952 text (lower case, the longest run of two or more zero groups as "::";
/// always hexadecimal, also for IPv4-mapped addresses, where inet_ntop prints "::ffff:1.2.3.4").
std::string format_address(Family f, u128 addr);
/// Decimal text of a 128-bit number.
std::string u128_to_string(u128 v);

}  // namespace sgopt
