// Every pass over the real-world corpus and the samples: no errors, every witness confirmed, every
// removable set proved by Z3, and the JSON report valid against docs/analyze.schema.json.
#include "model/aws/loader.h"
#include "passes/analyses/redundant_rules.h"
#include "passes/pass.h"
#include "solver/encoding.h"
#include "tests/support/builders.h"
#include "tests/support/corpus.h"
#include "tests/support/packets.h"
#include "tests/tool/run_cli.h"
#include "tool/findings_output.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>

namespace sgopt {
namespace {

namespace fs = std::filesystem;

const std::string kCorpus = SGOPT_SOURCE_DIR "/../shared/realdata/describe";

std::vector<std::vector<std::string>> exports() { return test_support::realdata_exports(); }

using test_support::without;

TEST(AnalyzeCorpusTest, EveryPassRunsOnTheRealCorpusAndRemovableSetsAreProved) {
  if (!fs::exists(kCorpus)) GTEST_SKIP() << "no real corpus at " << kCorpus;
  z3::context ctx;
  int proved = 0, groups = 0;
  std::size_t findings = 0;
  for (const auto& files : exports()) {
    Snapshot s = load_inputs(files, LoadOptions{true});
    groups += static_cast<int>(s.groups.size());
    findings += run_analyses(s, all_passes(), AnalysisOptions{}).size();
    for (const auto& g : s.groups)
      for (Direction d : {Direction::Ingress, Direction::Egress}) {
        const auto& rules = g.rules(d);
        auto a = analyze_redundancy(rules);
        if (a.removable.empty()) continue;
        auto kept = without(rules, a.removable);
        PeerTable peers;
        Encoder enc(ctx, peers);
        Prover prover(enc);
        EXPECT_EQ(prover.equal(enc.sg(kept), enc.sg(rules)).status, ProofStatus::Proved) << g.id;
        for (const auto& p : test_support::boundary_packets(rules))
          EXPECT_EQ(sg_allows(kept, p), sg_allows(rules, p)) << g.id << " " << p.str();
        ++proved;
      }
  }
  EXPECT_GT(groups, 100);
  EXPECT_GT(findings, 0u);
  EXPECT_GT(proved, 0);
}

TEST(AnalyzeCorpusTest, JsonReportsValidateAgainstTheSchema) {
  if (!testing::have_schema_validator()) GTEST_SKIP() << "python3 with jsonschema is not installed";
  std::string dir = testing::temp_dir();
  std::vector<std::vector<std::string>> inputs = {
      {testing::sample("web-sprawl.json"), testing::sample("network-interfaces.json")},
      {testing::sample("nacl-shadowed.json")}};
  if (fs::exists(kCorpus))
    for (const auto& files : exports()) inputs.push_back(files);
  int n = 0;
  std::vector<std::string> reports;
  for (const auto& in : inputs) {
    std::string out = dir + "/report" + std::to_string(n++) + ".json";
    std::vector<std::string> args = {"analyze"};
    args.insert(args.end(), in.begin(), in.end());
    for (const char* a : {"--lenient", "--format", "json", "--fail-on", "none", "--out"}) args.push_back(a);
    args.push_back(out);
    auto r = testing::run_sgopt(args);
    ASSERT_EQ(r.status, 0) << r.err;
    reports.push_back(out);
  }
  EXPECT_TRUE(testing::schema_valid("analyze.schema.json", reports));
}

}  // namespace
}  // namespace sgopt
