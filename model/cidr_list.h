// Plain-text address lists (one CIDR, address or range a line, IPv4 and IPv6, # comments), as
// people keep office, VPN and partner lists; read into address ranges with file:line diagnostics.
#pragma once

#include "model/diagnostic.h"
#include "model/ip.h"

#include <string>
#include <string_view>
#include <vector>

namespace sgopt {

/// An inclusive range of addresses of one family.
struct AddressRange {
  Family family = Family::V4;
  u128 lo = 0;
  u128 hi = 0;
  bool operator==(const AddressRange&) const = default;
};

struct CidrList {
  std::vector<AddressRange> ranges;  // in input order
  std::vector<Diagnostic> warnings;  // odd but usable lines (host bits set)
  std::vector<Diagnostic> errors;    // lines that are not addresses (at most kMaxErrors)
  static constexpr std::size_t kMaxErrors = 20;
};

/// Reads a list. Each line holds "10.0.0.0/8", "192.0.2.7", "2001:db8::/32",
/// "198.51.100.10-198.51.100.20" (a range), or nothing; "#" starts a comment. A CIDR with host
/// bits set is read as its canonical block (as AWS does) with a warning.
CidrList parse_cidr_list(std::string_view text, const std::string& file);

}  // namespace sgopt
