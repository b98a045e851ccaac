// analyze speed: complete redundancy on one 1,000-rule random group (target under 100 ms), all
// passes over N generated 60-rule groups (target: 10,000 under 10 s, linear in N, both cores), and
// all passes over the real corpus (../shared/realdata/describe).
#include "model/aws/loader.h"
#include "passes/analyses/redundant_rules.h"
#include "passes/pass.h"
#include "tests/support/rule_gen.h"

#include <benchmark/benchmark.h>

#include <filesystem>
#include <map>
#include <random>

namespace {

using namespace sgopt;

void time_redundancy(benchmark::State& state, const std::vector<SgRule>& rules) {
  std::size_t redundant = 0, removable = 0;
  for (auto _ : state) {
    auto a = analyze_redundancy(rules);
    redundant = a.redundant.size();
    removable = a.removable.size();
    benchmark::DoNotOptimize(a);
  }
  state.counters["redundant"] = static_cast<double>(redundant);
  state.counters["removable"] = static_cast<double>(removable);
}

void BM_CompleteRedundancy(benchmark::State& state) {
  std::mt19937_64 rng(1);
  time_redundancy(state, test_support::random_sg_rules(rng, static_cast<std::size_t>(state.range(0))));
}
BENCHMARK(BM_CompleteRedundancy)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);

// A harder group: tcp/udp rules from /16../28 blocks of 10.0.0.0/16 with random port ranges, so
// that rules overlap partly and few are covered by one wide rule.
std::vector<SgRule> sprawl(std::size_t n, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::vector<SgRule> out;
  for (std::size_t i = 0; i < n; ++i) {
    SgRule r;
    r.protocol = rng() % 2 ? 6 : 17;
    int lo = static_cast<int>(rng() % 300), width = static_cast<int>(rng() % 3 ? rng() % 10 : rng() % 500);
    r.from_port = lo;
    r.to_port = lo + width;
    int len = 16 + static_cast<int>(rng() % 13);
    u128 size = static_cast<u128>(1) << (32 - len);
    u128 addr = (0x0a000000u | (rng() & 0x0000ffffu)) & ~(size - 1) & 0xffffffffu;
    r.peer.type = PeerType::Ipv4;
    r.peer.cidr = Cidr{Family::V4, addr, len};
    out.push_back(r);
  }
  return out;
}

void BM_CompleteRedundancySprawl(benchmark::State& state) {
  time_redundancy(state, sprawl(static_cast<std::size_t>(state.range(0)), 4));
}
BENCHMARK(BM_CompleteRedundancySprawl)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);

Snapshot generated_groups(std::size_t n) {
  std::mt19937_64 rng(2);
  Snapshot s;
  for (std::size_t i = 0; i < n; ++i) {
    SecurityGroup g;
    g.id = "sg-" + std::to_string(i);
    g.ingress = test_support::random_sg_rules(rng, 45);
    g.egress = test_support::random_sg_rules(rng, 15);
    s.groups.push_back(std::move(g));
  }
  return s;
}

// state.range(0) groups of 60 rules, state.range(1) worker threads.
void BM_AllPassesGeneratedGroups(benchmark::State& state) {
  Snapshot s = generated_groups(static_cast<std::size_t>(state.range(0)));
  std::size_t findings = 0;
  for (auto _ : state)
    findings = run_analyses(s, all_passes(), AnalysisOptions{}, static_cast<unsigned>(state.range(1))).size();
  state.counters["findings"] = static_cast<double>(findings);
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_AllPassesGeneratedGroups)
    ->Args({1000, 1})
    ->Args({1000, 2})
    ->Args({10000, 2})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// One pass at a time over 1,000 generated groups (state.range(0): index in the registry).
void BM_OnePassGeneratedGroups(benchmark::State& state) {
  static const Snapshot s = generated_groups(1000);
  const Pass* pass = all_passes().at(static_cast<std::size_t>(state.range(0)));
  state.SetLabel(std::string(pass->name()));
  for (auto _ : state) benchmark::DoNotOptimize(run_analyses(s, {pass}, AnalysisOptions{}, 1));
}
BENCHMARK(BM_OnePassGeneratedGroups)->DenseRange(0, 4)->Iterations(1)->Unit(benchmark::kMillisecond);

void BM_AllPassesRealCorpus(benchmark::State& state) {
  const std::string dir = SGOPT_SOURCE_DIR "/../shared/realdata/describe";
  if (!std::filesystem::exists(dir)) {
    state.SkipWithError("no real corpus");
    return;
  }
  std::map<std::string, std::vector<std::string>> by;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    std::string name = e.path().filename().string();
    if (e.path().extension() == ".json") by[name.substr(0, name.find('.'))].push_back(e.path().string());
  }
  std::vector<Snapshot> snaps;
  std::size_t groups = 0;
  for (auto& [k, files] : by) {
    std::sort(files.begin(), files.end());
    snaps.push_back(load_inputs(files, LoadOptions{true}));
    groups += snaps.back().groups.size();
  }
  std::size_t findings = 0;
  for (auto _ : state) {
    findings = 0;
    for (const auto& s : snaps) findings += run_analyses(s, all_passes(), AnalysisOptions{}).size();
  }
  state.counters["groups"] = static_cast<double>(groups);
  state.counters["findings"] = static_cast<double>(findings);
}
BENCHMARK(BM_AllPassesRealCorpus)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
