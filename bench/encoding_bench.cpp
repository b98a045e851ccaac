// Equality of two random security groups of 100 and 1,000 rules, from rules to verdict: Z3 alone
// (encode both, prove equal) against the native packet-set engine (build both sets, compare).
// "Equal" pairs are a group and a rewrite of it (a full proof); "Differ" pairs lack one rule of
// the rewrite (a witness, or a proof when the dropped rule was covered).
#include "solver/encoding.h"
#include "solver/rule_sets.h"
#include "tests/support/rule_gen.h"

#include <benchmark/benchmark.h>

#include <random>
#include <stdexcept>

namespace {

using namespace sgopt;

struct Pair {
  std::vector<SgRule> a, b;
};

Pair make_pair(std::size_t n, bool equal) {
  std::mt19937_64 rng(n);
  Pair p;
  // Narrow rules: a thousand rules of every breadth usually allow everything, which is no test.
  p.a = test_support::random_sg_rules(rng, n, test_support::Breadth::Narrow);
  p.b = test_support::equivalent_sg_rules(p.a, rng);
  if (!equal) p.b.erase(p.b.begin() + static_cast<std::ptrdiff_t>(rng() % p.b.size()));
  return p;
}

void BM_Z3(benchmark::State& state, bool equal) {
  Pair p = make_pair(static_cast<std::size_t>(state.range(0)), equal);
  z3::context ctx;
  for (auto _ : state) {
    PeerTable peers;
    Encoder enc(ctx, peers);
    Prover prover(enc, 600000);
    auto res = prover.equal(enc.sg(p.a), enc.sg(p.b));
    if (res.status == ProofStatus::Unknown) throw std::runtime_error("z3: " + res.reason);
    benchmark::DoNotOptimize(res.status);
  }
}

void BM_Native(benchmark::State& state, bool equal) {
  Pair p = make_pair(static_cast<std::size_t>(state.range(0)), equal);
  for (auto _ : state) {
    PeerTable peers;
    bool same = sg_set(p.a, peers) == sg_set(p.b, peers);
    benchmark::DoNotOptimize(same);
  }
}

BENCHMARK_CAPTURE(BM_Z3, Equal, true)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Native, Equal, true)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Z3, Differ, false)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Native, Differ, false)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
