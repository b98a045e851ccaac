// fit-cidrs speed: the exact cover of 1,000,000 random IPv4 prefixes, and the optimal K-prefix cover
// of 100,000 prefixes for K up to 10,000 (targets: no slower than iprange; under 1 s).
#include "model/cidr_cover.h"

#include <benchmark/benchmark.h>

#include <random>

namespace {

std::vector<sgopt::AddressRange> random_prefixes(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  const int lens[] = {16, 20, 22, 24, 24, 26, 28, 30, 32, 32, 32};
  std::vector<sgopt::AddressRange> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    int len = lens[rng() % std::size(lens)];
    u128 size = static_cast<u128>(1) << (32 - len);
    u128 addr = static_cast<u128>(rng()) & ~(size - 1) & 0xffffffffu;
    out.push_back({sgopt::Family::V4, addr, addr + size - 1});
  }
  return out;
}

void BM_ExactCover(benchmark::State& state) {
  auto input = random_prefixes(static_cast<std::size_t>(state.range(0)), 1);
  for (auto _ : state) benchmark::DoNotOptimize(sgopt::exact_cover(input));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ExactCover)->Arg(1000000)->Unit(benchmark::kMillisecond);

void BM_KCover(benchmark::State& state) {
  auto exact = sgopt::exact_cover(random_prefixes(100000, 2));
  auto k = static_cast<std::size_t>(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(sgopt::optimal_k_cover(exact, k));
  state.counters["blocks"] = static_cast<double>(exact.size());
}
BENCHMARK(BM_KCover)->Arg(60)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
