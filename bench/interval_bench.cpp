// Boost.ICL against the hand-written interval code, on the work sgopt gives them: the union of
// many 1-D intervals (CIDR lists, port sets; exact_cover's merge) and nested boxes of
// address x protocol x port (the packet-set engine: union, difference, equality). IPv4 only:
// ICL's numeric traits need std::numeric_limits, which unsigned __int128 lacks in ISO C++ mode, so
// IPv6 could not use ICL at all. The numbers are quoted in solver/packet_set.h.
#include "model/cidr_cover.h"
#include "solver/packet_set.h"

#include <benchmark/benchmark.h>
#include <boost/icl/interval_map.hpp>
#include <boost/icl/interval_set.hpp>

#include <algorithm>
#include <cstdint>
#include <random>
#include <utility>
#include <vector>

namespace {

namespace icl = boost::icl;
using sgopt::Box;
using sgopt::PacketSet;

// Closed intervals [lo, hi] of IPv4 addresses shaped like CIDR blocks of /16 to /32 near a few bases.
std::vector<std::pair<std::uint32_t, std::uint32_t>> random_blocks(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::pair<std::uint32_t, std::uint32_t>> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    int len = 16 + static_cast<int>(rng() % 17);
    std::uint32_t base = static_cast<std::uint32_t>(rng() % 8) << 28;
    std::uint32_t addr = base | (static_cast<std::uint32_t>(rng()) & 0x0fffffffu);
    std::uint32_t mask = len == 32 ? 0 : (0xffffffffu >> len);
    out.push_back({addr & ~mask, (addr & ~mask) | mask});
  }
  return out;
}

void BM_Union1D_SortMerge(benchmark::State& state) {
  auto blocks = random_blocks(static_cast<std::size_t>(state.range(0)), 1);
  for (auto _ : state) {
    auto v = blocks;
    std::sort(v.begin(), v.end());
    std::vector<std::pair<std::uint32_t, std::uint32_t>> out;
    for (const auto& [lo, hi] : v) {
      if (!out.empty() && static_cast<std::uint64_t>(out.back().second) + 1 >= lo) {
        out.back().second = std::max(out.back().second, hi);
      } else {
        out.push_back({lo, hi});
      }
    }
    benchmark::DoNotOptimize(out);
  }
}

void BM_Union1D_IclIntervalSet(benchmark::State& state) {
  auto blocks = random_blocks(static_cast<std::size_t>(state.range(0)), 1);
  for (auto _ : state) {
    icl::interval_set<std::uint32_t> set;
    for (const auto& [lo, hi] : blocks) set += icl::discrete_interval<std::uint32_t>::closed(lo, hi);
    benchmark::DoNotOptimize(set);
  }
}

// exact_cover as it is (sort, merge, split into CIDR blocks), for scale.
void BM_ExactCoverHandWritten(benchmark::State& state) {
  auto blocks = random_blocks(static_cast<std::size_t>(state.range(0)), 1);
  std::vector<sgopt::AddressRange> ranges;
  for (const auto& [lo, hi] : blocks) ranges.push_back({sgopt::Family::V4, lo, hi});
  for (auto _ : state) benchmark::DoNotOptimize(sgopt::exact_cover(ranges));
}

// The same cover with ICL doing the merge.
void BM_ExactCoverIclMerge(benchmark::State& state) {
  auto blocks = random_blocks(static_cast<std::size_t>(state.range(0)), 1);
  for (auto _ : state) {
    icl::interval_set<std::uint32_t> set;
    for (const auto& [lo, hi] : blocks) set += icl::discrete_interval<std::uint32_t>::closed(lo, hi);
    std::vector<sgopt::Cidr> out;
    for (const auto& iv : set) sgopt::append_range_cidrs(sgopt::Family::V4, icl::first(iv), icl::last(iv), out);
    benchmark::DoNotOptimize(out);
  }
}

// ----- nested boxes: address x protocol x port -----

using PortSetI = icl::interval_set<int>;
using ProtoMapI = icl::interval_map<int, PortSetI>;
using AddrMapI = icl::interval_map<std::uint32_t, ProtoMapI>;

struct RuleBox {
  std::uint32_t lo, hi;
  int proto, port_lo, port_hi;
};

std::vector<RuleBox> random_rule_boxes(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto blocks = random_blocks(n, seed);
  std::vector<RuleBox> out;
  for (const auto& [lo, hi] : blocks) {
    int proto = rng() % 2 ? 6 : 17;
    int port = static_cast<int>(rng() % 2000);
    int width = rng() % 4 == 0 ? static_cast<int>(rng() % 1000) : 0;
    out.push_back({lo, hi, proto, port, std::min(65535, port + width)});
  }
  return out;
}

AddrMapI icl_box(const RuleBox& b) {
  PortSetI ports;
  ports += icl::discrete_interval<int>::closed(b.port_lo, b.port_hi);
  ProtoMapI protos;
  protos += std::make_pair(icl::discrete_interval<int>::closed(b.proto, b.proto), ports);
  AddrMapI m;
  m += std::make_pair(icl::discrete_interval<std::uint32_t>::closed(b.lo, b.hi), protos);
  return m;
}

void BM_NestedUnion_PacketSet(benchmark::State& state) {
  auto boxes = random_rule_boxes(static_cast<std::size_t>(state.range(0)), 2);
  std::vector<Box> bs;
  for (const auto& b : boxes)
    bs.push_back(sgopt::kind_box(sgopt::kPeerIpv4, b.lo, b.hi, b.proto, b.proto, b.port_lo, b.port_hi));
  for (auto _ : state) benchmark::DoNotOptimize(PacketSet::from_boxes(bs));
}

void BM_NestedUnion_Icl(benchmark::State& state) {
  auto boxes = random_rule_boxes(static_cast<std::size_t>(state.range(0)), 2);
  for (auto _ : state) {
    AddrMapI m;
    for (const auto& b : boxes) m += icl_box(b);
    benchmark::DoNotOptimize(m);
  }
}

// Difference and equality of two unions of the same size (what diff and redundancy do).
void BM_NestedSubtractEqual_PacketSet(benchmark::State& state) {
  auto n = static_cast<std::size_t>(state.range(0));
  auto a = random_rule_boxes(n, 3), b = random_rule_boxes(n, 4);
  std::vector<Box> ba, bb;
  for (const auto& x : a)
    ba.push_back(sgopt::kind_box(sgopt::kPeerIpv4, x.lo, x.hi, x.proto, x.proto, x.port_lo, x.port_hi));
  for (const auto& x : b)
    bb.push_back(sgopt::kind_box(sgopt::kPeerIpv4, x.lo, x.hi, x.proto, x.proto, x.port_lo, x.port_hi));
  PacketSet sa = PacketSet::from_boxes(ba), sb = PacketSet::from_boxes(bb);
  for (auto _ : state) {
    PacketSet d = sa.subtract(sb);
    benchmark::DoNotOptimize(d == sa);
  }
}

void BM_NestedSubtractEqual_Icl(benchmark::State& state) {
  auto n = static_cast<std::size_t>(state.range(0));
  auto a = random_rule_boxes(n, 3), b = random_rule_boxes(n, 4);
  AddrMapI ma, mb;
  for (const auto& x : a) ma += icl_box(x);
  for (const auto& x : b) mb += icl_box(x);
  for (auto _ : state) {
    AddrMapI d = ma;
    d -= mb;
    benchmark::DoNotOptimize(d == ma);
  }
}

BENCHMARK(BM_Union1D_SortMerge)->Arg(1000)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Union1D_IclIntervalSet)->Arg(1000)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ExactCoverHandWritten)->Arg(1000000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ExactCoverIclMerge)->Arg(1000000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_NestedUnion_PacketSet)->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_NestedUnion_Icl)->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_NestedSubtractEqual_PacketSet)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_NestedSubtractEqual_Icl)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
