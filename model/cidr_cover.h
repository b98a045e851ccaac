// Prefix covers of address sets: the exact minimal CIDR cover of a list of ranges, and the cover by
// at most K prefixes that adds the fewest addresses (a dynamic program over the binary trie).
// Changes nothing in the model; `fit-cidrs` and `minimize` use these to aggregate addresses.
#pragma once

#include "model/cidr_list.h"
#include "model/ip.h"

#include <cstddef>
#include <vector>

namespace sgopt {

/// Appends the minimal CIDR blocks whose union is exactly [lo, hi], ascending.
void append_range_cidrs(Family family, u128 lo, u128 hi, std::vector<Cidr>& out);

/// The exact minimal prefix cover of the union of the ranges: IPv4 blocks first, then IPv6, each
/// ascending. Its blocks are the maximal prefixes inside the union, so no shorter list exists.
std::vector<Cidr> exact_cover(std::vector<AddressRange> ranges);

/// Number of addresses in a block (2^128 for ::/0 does not fit and is returned as 0).
u128 cidr_size(const Cidr& c);

/// One prefix of a bounded cover and how many addresses it adds beyond the set.
struct CoverPrefix {
  Cidr cidr;
  u128 extra = 0;
};

struct KCover {
  std::vector<CoverPrefix> prefixes;  // ascending, disjoint
  u128 extra = 0;                     // total addresses added
};

/// Among all covers of the set `exact` (disjoint blocks of one family, ascending, as exact_cover
/// returns them) by at most k >= 1 prefixes, one that adds the fewest addresses; among those, one
/// with the fewest prefixes. O(n * min(n, k)) time on the compressed trie of the blocks.
KCover optimal_k_cover(const std::vector<Cidr>& exact, std::size_t k);

/// The parts of `outer` that `exact` (disjoint ascending blocks of outer's family) does not cover,
/// as minimal blocks.
std::vector<Cidr> uncovered_in(const Cidr& outer, const std::vector<Cidr>& exact);

}  // namespace sgopt
