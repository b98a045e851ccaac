// diff speed: verdict plus exact difference (both directions, as regions) of two random security
// groups of 1,000 and 10,000 rules with the native engine (targets: under 10 ms and under 1 s),
// the same with the Z3 proofs `sgopt diff` runs by default, and Z3 alone deciding the verdict.
// "Equal" pairs are a group and a rewrite of it (split CIDRs and ports, duplicates, shuffled);
// "Differ" pairs shift the ports of one rewritten rule in a hundred and add a rule on each side.
#include "passes/compare/diff.h"
#include "solver/encoding.h"
#include "tests/support/rule_gen.h"

#include <benchmark/benchmark.h>

#include <random>

namespace {

using namespace sgopt;

struct Pair {
  RuleList a, b;
};

Pair make_pair(std::size_t n, bool equal) {
  std::mt19937_64 rng(n + (equal ? 0 : 1));
  Pair p;
  p.a.rules = test_support::random_sg_rules(rng, n, test_support::Breadth::Narrow);
  p.b.rules = test_support::equivalent_sg_rules(p.a.rules, rng);
  if (!equal) {
    // One rule in a hundred of the rewrite moves its port range up by one, and one new rule each
    // side: both directions differ in many small places.
    for (std::size_t i = 0; i < p.b.rules.size(); i += 100) {
      auto& r = p.b.rules[i];
      if (r.from_port && r.to_port && *r.from_port >= 0 && *r.to_port >= 0 && *r.to_port < 65535) {
        r.from_port = *r.from_port + 1;
        r.to_port = *r.to_port + 1;
      }
    }
    for (const auto& r : test_support::random_sg_rules(rng, 1, test_support::Breadth::Narrow)) p.a.rules.push_back(r);
    for (const auto& r : test_support::random_sg_rules(rng, 1, test_support::Breadth::Narrow)) p.b.rules.push_back(r);
  }
  return p;
}

void BM_Native(benchmark::State& state, bool equal) {
  Pair p = make_pair(static_cast<std::size_t>(state.range(0)), equal);
  std::size_t regions = 0;
  for (auto _ : state) {
    PeerTable peers;
    DirectionDiff d = compare_rules(p.a, p.b, Direction::Ingress, peers);
    regions = d.gained_regions.size() + d.lost_regions.size();
    benchmark::DoNotOptimize(d);
  }
  state.counters["rules_a"] = static_cast<double>(p.a.rules.size());
  state.counters["rules_b"] = static_cast<double>(p.b.rules.size());
  state.counters["regions"] = static_cast<double>(regions);
}

void BM_NativeThenZ3Proof(benchmark::State& state, bool equal) {
  Pair p = make_pair(static_cast<std::size_t>(state.range(0)), equal);
  for (auto _ : state) {
    PeerTable peers;
    DirectionDiff d = compare_rules(p.a, p.b, Direction::Ingress, peers);
    prove_directions({&d}, peers, 600000);
    if (d.proof != ProofState::Proved) state.SkipWithError("Z3 could not prove the verdict");
  }
}

// Z3 alone: the verdict only (both inclusions), no difference.
void BM_Z3Verdict(benchmark::State& state, bool equal) {
  Pair p = make_pair(static_cast<std::size_t>(state.range(0)), equal);
  z3::context ctx;
  for (auto _ : state) {
    PeerTable peers;
    Encoder enc(ctx, peers);
    Prover prover(enc, 600000);
    z3::expr a = enc.sg(p.a.rules), b = enc.sg(p.b.rules);
    auto within = prover.subset(b, a);
    auto without = prover.subset(a, b);
    if (within.status == ProofStatus::Unknown || without.status == ProofStatus::Unknown)
      state.SkipWithError("Z3 returned unknown");
    benchmark::DoNotOptimize(within);
  }
}

BENCHMARK_CAPTURE(BM_Native, Equal, true)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Native, Differ, false)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_NativeThenZ3Proof, Equal, true)
    ->Arg(1000)
    ->Arg(10000)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_NativeThenZ3Proof, Differ, false)
    ->Arg(1000)
    ->Arg(10000)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Z3Verdict, Equal, true)->Arg(1000)->Arg(10000)->Iterations(1)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Z3Verdict, Differ, false)->Arg(1000)->Arg(10000)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
