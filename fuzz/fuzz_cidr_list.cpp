// libFuzzer target: bytes -> the CIDR list parser (model/cidr_list.h), then the covers of
// `fit-cidrs` (model/cidr_cover.h). The exact cover must hold every input address and nothing
// else, in maximal blocks; each bounded cover must hold every block of the exact cover, within its
// bound, and add exactly the addresses it says. Bad lines are expected (the CLI reports them); a
// broken claim or a sanitizer report crashes.
#include "model/cidr_cover.h"
#include "model/cidr_list.h"
#include "model/diagnostic.h"
#include "model/ip.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sgopt {
namespace {

// optimal_k_cover is O(n * min(n, k)): bounds that keep one input fast.
constexpr std::size_t kMaxBlocksForFullK = 512;
constexpr std::size_t kSmallKs[] = {1, 2, 3, 8};

[[noreturn]] void fail(const char* what, const Cidr& c) {
  std::fprintf(stderr, "fuzz_cidr_list: %s (%s)\n", what, c.str().c_str());
  std::abort();
}
[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "fuzz_cidr_list: %s\n", what);
  std::abort();
}

struct Interval {
  Family family;
  u128 lo, hi;
};

/// Sorted, disjoint, non-adjacent intervals: the union of the ranges.
std::vector<Interval> merged(std::vector<AddressRange> ranges) {
  std::sort(ranges.begin(), ranges.end(), [](const AddressRange& a, const AddressRange& b) {
    return a.family != b.family ? a.family < b.family : a.lo < b.lo;
  });
  std::vector<Interval> out;
  for (const AddressRange& r : ranges) {
    if (!out.empty() && out.back().family == r.family &&
        (r.lo <= out.back().hi || (out.back().hi != max_address(r.family) && r.lo == out.back().hi + 1))) {
      out.back().hi = std::max(out.back().hi, r.hi);
    } else {
      out.push_back({r.family, r.lo, r.hi});
    }
  }
  return out;
}

bool inside_union(const std::vector<Interval>& u, Family f, u128 lo, u128 hi) {
  auto it =
      std::lower_bound(u.begin(), u.end(), std::pair{f, lo}, [](const Interval& i, const std::pair<Family, u128>& k) {
        return i.family != k.first ? i.family < k.first : i.hi < k.second;
      });
  return it != u.end() && it->family == f && it->lo <= lo && hi <= it->hi;
}

/// Blocks ascending and disjoint, IPv4 before IPv6, each canonical (no host bits).
void check_blocks(const std::vector<Cidr>& blocks, const char* what) {
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    const Cidr& c = blocks[i];
    if (c.len < 0 || c.len > address_bits(c.family)) fail(what, c);
    if ((c.addr & (cidr_size(c) - 1)) != 0 || c.last() > max_address(c.family)) fail(what, c);
    if (i == 0) continue;
    const Cidr& p = blocks[i - 1];
    if (p.family > c.family || (p.family == c.family && p.last() >= c.first())) fail(what, c);
  }
}

void check_exact(const std::vector<AddressRange>& ranges, const std::vector<Cidr>& cover) {
  check_blocks(cover, "the exact cover is not ascending, disjoint blocks");
  std::vector<AddressRange> as_ranges;
  for (const Cidr& c : cover) as_ranges.push_back({c.family, c.first(), c.last()});
  std::vector<Interval> want = merged(ranges), got = merged(as_ranges);
  bool same = want.size() == got.size();
  for (std::size_t i = 0; same && i < want.size(); ++i)
    same = want[i].family == got[i].family && want[i].lo == got[i].lo && want[i].hi == got[i].hi;
  if (!same) fail("the exact cover does not hold exactly the input addresses");
  // Maximal blocks: no block's parent lies inside the union (else two blocks could be one).
  for (const Cidr& c : cover) {
    if (c.len == 0) continue;
    Cidr parent{c.family, c.addr, c.len - 1};
    parent.addr &= ~(cidr_size(parent) - 1);
    if (inside_union(want, c.family, parent.first(), parent.last()))
      fail("a block of the exact cover is not maximal", c);
  }
}

void check_k_cover(const std::vector<Cidr>& exact, std::size_t k, u128& previous_extra) {
  KCover kc = optimal_k_cover(exact, k);
  if (kc.prefixes.empty() || kc.prefixes.size() > k) fail("a bounded cover has no prefix or more than k");
  std::vector<Cidr> prefixes;
  for (const CoverPrefix& p : kc.prefixes) prefixes.push_back(p.cidr);
  check_blocks(prefixes, "a bounded cover is not ascending, disjoint blocks");
  u128 total = 0;
  std::size_t e = 0;
  for (const CoverPrefix& p : kc.prefixes) {
    if (p.cidr.family != exact.front().family) fail("a bounded cover changes the family", p.cidr);
    // The exact blocks inside this prefix; none may straddle it or fall between prefixes.
    u128 covered = 0;
    std::size_t first_inside = e;
    if (e < exact.size() && exact[e].first() < p.cidr.first()) fail("an input block is outside every prefix", exact[e]);
    for (; e < exact.size() && exact[e].first() <= p.cidr.last(); ++e) {
      if (exact[e].last() > p.cidr.last()) fail("an input block straddles a prefix", exact[e]);
      covered += cidr_size(exact[e]);
    }
    if (e == first_inside) fail("a bounded cover has a prefix without input addresses", p.cidr);
    // Sizes are modulo 2^128 (::/0 has size 0), and so is this difference.
    if (p.extra != cidr_size(p.cidr) - covered) fail("a prefix says it adds another number of addresses", p.cidr);
    u128 gaps = 0;
    for (const Cidr& g : uncovered_in(p.cidr, exact)) gaps += cidr_size(g);
    if (gaps != p.extra) fail("uncovered_in disagrees with the addresses a prefix adds", p.cidr);
    total += p.extra;
  }
  if (e != exact.size()) fail("an input block is outside every prefix", exact[e]);
  if (total != kc.extra) fail("a bounded cover's total is not the sum of its prefixes");
  if (k >= exact.size() && kc.extra != 0) fail("a bound as large as the exact cover still adds addresses");
  if (kc.extra > previous_extra) fail("a larger bound adds more addresses");
  previous_extra = kc.extra;
}

void run(std::string_view text) {
  CidrList list = parse_cidr_list(text, "fuzz.txt");
  for (const AddressRange& r : list.ranges)
    if (r.lo > r.hi || r.hi > max_address(r.family)) fail("the parser returned a range outside its family");
  std::vector<Cidr> cover = exact_cover(list.ranges);
  check_exact(list.ranges, cover);
  for (Family f : {Family::V4, Family::V6}) {
    std::vector<Cidr> exact;
    for (const Cidr& c : cover)
      if (c.family == f) exact.push_back(c);
    if (exact.empty()) continue;
    std::vector<std::size_t> ks(std::begin(kSmallKs), std::end(kSmallKs));
    if (exact.size() <= kMaxBlocksForFullK) ks.push_back(exact.size());
    std::sort(ks.begin(), ks.end());
    u128 previous_extra = ~static_cast<u128>(0);
    for (std::size_t k : ks) check_k_cover(exact, k, previous_extra);
  }
}

}  // namespace
}  // namespace sgopt

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    sgopt::run(std::string_view(reinterpret_cast<const char*>(data), size));
  } catch (const sgopt::InputError&) {
    // Bad input, said as the CLI would say it.
  }
  return 0;
}
