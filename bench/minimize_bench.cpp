// minimize speed and quality: 600 generated groups of sprawl holding about 3,000 rules, proofs
// included (target under 2 s), and the compression ratio (rules after / before) on that sprawl and
// on the real corpus in ../shared/realdata.
#include "model/aws/loader.h"
#include "passes/transforms/minimize.h"
#include "tests/support/rule_gen.h"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <filesystem>
#include <random>

namespace {

namespace fs = std::filesystem;

struct Corpus {
  std::vector<std::vector<sgopt::SgRule>> lists;
  int rules = 0;
  int known = 0;  // sprawl only: rules of the sets before they were sprawled
};

// Known small rule sets (1 to 5 rules), each sprawled: split, duplicated, covered copies added.
Corpus sprawl(std::size_t groups) {
  std::mt19937_64 rng(42);
  Corpus c;
  for (std::size_t i = 0; i < groups; ++i) {
    auto known = sgopt::test_support::random_sg_rules(rng, 1 + i % 5);
    c.known += static_cast<int>(known.size());
    c.lists.push_back(sgopt::test_support::equivalent_sg_rules(known, rng));
    c.rules += static_cast<int>(c.lists.back().size());
  }
  return c;
}

Corpus real_corpus() {
  Corpus c;
  fs::path dir = SGOPT_SOURCE_DIR "/../shared/realdata/describe";
  if (!fs::exists(dir)) return c;
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".json") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    sgopt::Snapshot s = sgopt::load_inputs({f}, sgopt::LoadOptions{true});
    for (const auto& g : s.groups)
      for (sgopt::Direction d : {sgopt::Direction::Ingress, sgopt::Direction::Egress})
        if (!g.rules(d).empty()) {
          c.lists.push_back(g.rules(d));
          c.rules += static_cast<int>(g.rules(d).size());
        }
  }
  return c;
}

void run(benchmark::State& state, const Corpus& c, bool z3) {
  sgopt::MinimizeOptions o;
  o.prove_with_z3 = z3;
  int after = 0, failed = 0;
  for (auto _ : state) {
    after = failed = 0;
    for (const auto& rules : c.lists) {
      auto m = sgopt::minimize_sg_rules(rules, "sg-bench", nullptr, o);
      after += m.buckets[0].after + m.buckets[1].after;
      failed += m.proof == sgopt::Proof::Failed ? 1 : 0;
    }
  }
  state.counters["lists"] = static_cast<double>(c.lists.size());
  state.counters["rules_before"] = c.rules;
  state.counters["rules_after"] = after;
  if (c.known) state.counters["rules_known"] = c.known;
  state.counters["ratio"] = c.rules ? static_cast<double>(after) / c.rules : 0;
  state.counters["unproven"] = failed;
}

void BM_MinimizeSprawl600(benchmark::State& state) {
  static const Corpus c = sprawl(600);
  run(state, c, state.range(0) != 0);
}
BENCHMARK(BM_MinimizeSprawl600)->Arg(1)->Arg(0)->ArgName("z3")->Unit(benchmark::kMillisecond);

void BM_MinimizeRealCorpus(benchmark::State& state) {
  static const Corpus c = real_corpus();
  if (c.lists.empty()) {
    state.SkipWithError("no ../shared/realdata beside the checkout");
    return;
  }
  run(state, c, true);
}
BENCHMARK(BM_MinimizeRealCorpus)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
