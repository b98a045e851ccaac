// Exact covers against a naive bitmap implementation; K-covers against brute-force search.
#include "model/cidr_cover.h"

#include <gtest/gtest.h>

#include <bitset>
#include <random>

namespace sgopt {
namespace {

constexpr u128 kBase = static_cast<u128>(0x0a000000u);  // 10.0.0.0

// Naive: mark every address, then from each uncovered marked address take the longest aligned run.
std::vector<Cidr> naive_cover(const std::vector<AddressRange>& ranges, std::size_t space) {
  std::vector<bool> in(space, false);
  for (const auto& r : ranges)
    for (u128 a = r.lo; a <= r.hi; ++a) in[static_cast<std::size_t>(a - kBase)] = true;
  std::vector<Cidr> out;
  std::size_t a = 0;
  while (a < space) {
    if (!in[a]) {
      ++a;
      continue;
    }
    std::size_t size = 1;
    while (true) {
      std::size_t bigger = size * 2;
      if (a % bigger != 0 || a + bigger > space) break;
      bool full = true;
      for (std::size_t i = a; i < a + bigger; ++i) full = full && in[i];
      if (!full) break;
      size = bigger;
    }
    int len = 32;
    for (std::size_t s = size; s > 1; s /= 2) --len;
    out.push_back(Cidr{Family::V4, kBase + a, len});
    a += size;
  }
  return out;
}

TEST(CidrCoverTest, ExactCoverMatchesNaiveOnRandomLists) {
  std::mt19937 rng(11);
  constexpr std::size_t kSpace = 4096;
  for (int round = 0; round < 200; ++round) {
    std::vector<AddressRange> ranges;
    int n = std::uniform_int_distribution<int>(1, 30)(rng);
    for (int i = 0; i < n; ++i) {
      int len = std::uniform_int_distribution<int>(22, 32)(rng);
      u128 size = static_cast<u128>(1) << (32 - len);
      u128 addr =
          kBase + (std::uniform_int_distribution<unsigned>(0, kSpace - 1)(rng) & ~static_cast<unsigned>(size - 1));
      if (i % 5 == 4) {  // a plain range now and then
        u128 hi = std::min<u128>(addr + std::uniform_int_distribution<unsigned>(0, 40)(rng), kBase + kSpace - 1);
        ranges.push_back({Family::V4, addr, hi});
      } else {
        ranges.push_back({Family::V4, addr, addr + size - 1});
      }
    }
    EXPECT_EQ(exact_cover(ranges), naive_cover(ranges, kSpace)) << "round " << round;
  }
}

TEST(CidrCoverTest, ExactCoverHandlesWholeSpacesAndFamilies) {
  std::vector<AddressRange> r{
      {Family::V6, 0, ~static_cast<u128>(0)}, {Family::V4, 0, 0x7fffffff}, {Family::V4, 0x80000000, 0xffffffff}};
  auto c = exact_cover(r);
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].str(), "0.0.0.0/0");
  EXPECT_EQ(c[1].str(), "::/0");
}

// Brute force: cover the lowest uncovered address with one of the prefixes holding it (inside the
// 64-address space), up to k prefixes; the least total added.
u128 brute_k(std::uint64_t set, std::uint64_t covered, std::size_t k) {
  std::uint64_t left = set & ~covered;
  if (left == 0) return static_cast<u128>(__builtin_popcountll(covered & ~set));
  if (k == 0) return ~static_cast<u128>(0);
  int a = __builtin_ctzll(left);
  u128 best = ~static_cast<u128>(0);
  for (int host = 0; host <= 6; ++host) {
    int start = a & ~((1 << host) - 1);
    std::uint64_t block = host == 6 ? ~0ull : (((1ull << (1 << host)) - 1) << start);
    best = std::min(best, brute_k(set, covered | block, k - 1));
  }
  return best;
}

TEST(CidrCoverTest, KCoverMatchesBruteForceOnSmallInputs) {
  std::mt19937_64 rng(5);
  for (int round = 0; round < 300; ++round) {
    std::uint64_t set = rng() & rng();  // about a quarter of 64 addresses
    if (round % 3 == 0) set &= rng();
    if (set == 0) continue;
    std::vector<AddressRange> ranges;
    for (int a = 0; a < 64; ++a)
      if (set >> a & 1) ranges.push_back({Family::V4, kBase + static_cast<u128>(a), kBase + static_cast<u128>(a)});
    auto exact = exact_cover(ranges);
    for (std::size_t k = 1; k <= 4; ++k) {
      KCover got = optimal_k_cover(exact, k);
      ASSERT_LE(got.prefixes.size(), k);
      // The cover really covers, and its stated extra is its real extra.
      std::uint64_t mask = 0;
      u128 extra = 0;
      for (const auto& p : got.prefixes) {
        int host = 32 - p.cidr.len;
        int start = static_cast<int>(p.cidr.addr - kBase);
        std::uint64_t block = host == 6 ? ~0ull : (((1ull << (1 << host)) - 1) << start);
        EXPECT_EQ(mask & block, 0u) << "prefixes overlap";
        mask |= block;
        EXPECT_EQ(p.extra, static_cast<u128>(__builtin_popcountll(block & ~set)));
        extra += p.extra;
      }
      EXPECT_EQ(mask & set, set);
      EXPECT_EQ(extra, got.extra);
      EXPECT_EQ(got.extra, brute_k(set, 0, k)) << "round " << round << " k " << k;
    }
  }
}

TEST(CidrCoverTest, KCoverAtLeastExactSizeIsExact) {
  std::vector<AddressRange> r{{Family::V4, 10, 20}, {Family::V4, 100, 100}};
  auto exact = exact_cover(r);
  KCover k = optimal_k_cover(exact, exact.size());
  EXPECT_EQ(k.extra, 0u);
  ASSERT_EQ(k.prefixes.size(), exact.size());
  for (std::size_t i = 0; i < exact.size(); ++i) EXPECT_EQ(k.prefixes[i].cidr, exact[i]);
}

TEST(CidrCoverTest, KCoverOfIpv6CountsHugeExtrasExactly) {
  // Two /128s at both ends of the space: one prefix must be ::/0, adding 2^128 - 2 addresses.
  std::vector<AddressRange> r{{Family::V6, 0, 0}, {Family::V6, ~static_cast<u128>(0), ~static_cast<u128>(0)}};
  KCover k = optimal_k_cover(exact_cover(r), 1);
  ASSERT_EQ(k.prefixes.size(), 1u);
  EXPECT_EQ(k.prefixes[0].cidr.str(), "::/0");
  EXPECT_EQ(k.extra, ~static_cast<u128>(0) - 1);
}

TEST(CidrCoverTest, UncoveredInListsTheGaps) {
  std::vector<Cidr> exact{{Family::V4, kBase, 26}, {Family::V4, kBase + 128, 25}};
  auto gaps = uncovered_in(Cidr{Family::V4, kBase, 24}, exact);
  ASSERT_EQ(gaps.size(), 1u);
  EXPECT_EQ(gaps[0].str(), "10.0.0.64/26");
}

}  // namespace
}  // namespace sgopt
