// The SARIF of `sgopt analyze` and `sgopt diff` meets GitHub code scanning's upload rules, checked
// by tests/tool/check_sarif_github.py on the samples (plus a path with a space, a % and more, and
// standard input), and the shapes those rules exist for: one severity per rule, a category per
// command, locations at the rule that makes a difference, Terraform addresses, stable hashes.
#include "passes/pass.h"
#include "tests/support/corpus.h"
#include "tests/tool/run_cli.h"
#include "tool/findings_output.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace sgopt::testing {
namespace {

namespace fs = std::filesystem;

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string checker() { return SGOPT_SOURCE_DIR "/tests/tool/check_sarif_github.py"; }

bool have_python() { return std::system("python3 -c 'import json' >/dev/null 2>&1") == 0; }

/// Runs sgopt in `dir` (so that relative paths are relative to it) and returns its exit status;
/// standard output goes to `out`.
int run_in(const std::string& dir, const std::vector<std::string>& args, const std::string& out,
           const std::string& stdin_file = "/dev/null") {
  std::string cmd = "cd " + quote(dir) + " && " + quote(SGOPT_BINARY);
  for (const auto& a : args) cmd += " " + quote(a);
  cmd += " <" + quote(stdin_file) + " >" + quote(out) + " 2>/dev/null";
  int raw = std::system(cmd.c_str());
  return raw != -1 && WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
}

/// The SARIF logs of one command, each run's output kept in a file.
class Logs {
 public:
  explicit Logs(std::string dir, std::string name) : dir_(std::move(dir)), name_(std::move(name)) {}
  /// Runs sgopt with `args` in `cwd`; expects exit status 0 or 1 (clean or findings) and SARIF.
  /// With `loadable_only`, a run that fails on its input (status 2) is left out.
  nlohmann::json run(const std::vector<std::string>& args, const std::string& cwd = fs::current_path().string(),
                     const std::string& stdin_file = "/dev/null", bool loadable_only = false) {
    std::string path = fmt::format("{}/{}-{}.sarif", dir_, name_, files_.size());
    int status = run_in(cwd, args, path, stdin_file);
    if (loadable_only && status == 2) return {};
    std::string cmd;
    for (const auto& a : args) cmd += " " + a;
    EXPECT_TRUE(status == 0 || status == 1) << "sgopt" << cmd << " exited " << status;
    files_.push_back(path);
    try {
      return nlohmann::json::parse(read_text(path));
    } catch (const std::exception& e) {
      ADD_FAILURE() << "sgopt" << cmd << " wrote no JSON: " << e.what();
      return {};
    }
  }
  const std::vector<std::string>& files() const { return files_; }

 private:
  std::string dir_, name_;
  std::vector<std::string> files_;
};

/// The samples sgopt reads alone: samples/*.json and samples/iac/*.json.
std::vector<std::string> sample_inputs() {
  std::vector<std::string> out;
  for (const char* dir : {SGOPT_SOURCE_DIR "/samples", SGOPT_SOURCE_DIR "/samples/iac"})
    for (const auto& e : fs::directory_iterator(dir))
      if (e.is_regular_file() && e.path().extension() == ".json") out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

/// Where a result points: the primary location's uri and start line.
std::pair<std::string, int> where(const nlohmann::json& result) {
  const auto& p = result["locations"][0]["physicalLocation"];
  return {p["artifactLocation"]["uri"], p["region"]["startLine"]};
}

const nlohmann::json& rule_of(const nlohmann::json& run, const std::string& id) {
  for (const auto& r : run["tool"]["driver"]["rules"])
    if (r["id"] == id) return r;
  static const nlohmann::json none;
  ADD_FAILURE() << "no rule " << id;
  return none;
}

/// Copies a sample to a folder whose path needs every kind of escape a URI has.
std::string odd_copy(const std::string& root, const std::string& sample_name, const std::string& as) {
  std::string dir = root + "/dir with space %41 #1 ?x caf\xc3\xa9";
  fs::create_directories(dir);
  std::string path = dir + "/" + as;
  fs::copy_file(sample(sample_name), path, fs::copy_options::overwrite_existing);
  return path;
}

/// True when check_sarif_github.py finds no violation in the logs (it prints each one).
bool meets_github_rules(const Logs& analyze, const Logs& diff) {
  std::string cmd = "python3 " + quote(checker()) + " --group analyze";
  for (const auto& f : analyze.files()) cmd += " " + quote(f);
  cmd += " --group diff";
  for (const auto& f : diff.files()) cmd += " " + quote(f);
  return std::system(cmd.c_str()) == 0;
}

class SarifGithubTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!have_python()) GTEST_SKIP() << "python3 is not installed";
    dir_ = temp_dir();
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  std::string dir_;
};

TEST_F(SarifGithubTest, CheckerCatchesEachViolation) {
  EXPECT_EQ(std::system(("python3 " + quote(checker()) + " --self-test").c_str()), 0);
}

// Every log analyze and diff write on the samples passes every rule the checker knows, and the
// two commands' categories differ.
TEST_F(SarifGithubTest, AnalyzeAndDiffLogsMeetGithubRules) {
  Logs analyze(dir_, "analyze"), diff(dir_, "diff");
  for (const auto& f : sample_inputs()) analyze.run({"analyze", f, "--format", "sarif"});
  analyze.run({"analyze", sample("web-sprawl.json"), sample("network-interfaces.json"), "--format", "sarif"});
  analyze.run({"analyze", "-", "--format", "sarif"}, fs::current_path().string(), sample("three-tier.json"));
  std::string odd = odd_copy(dir_, "web-sprawl.json", "web sprawl%25 #2.json");
  analyze.run({"analyze", odd, "--format", "sarif"});  // absolute: a file: URI
  analyze.run({"analyze", fs::path(odd).filename().string(), "--format", "sarif"},
              fs::path(odd).parent_path().string());                                            // relative to %SRCROOT%
  analyze.run({"analyze", "dir with space %41 #1 ?x caf\xc3\xa9", "--format", "sarif"}, dir_);  // a folder

  diff.run({"diff", sample("refactor-before.json"), sample("refactor-after-wrong.json"), "--format", "sarif"});
  diff.run({"diff", sample("refactor-before.json"), sample("refactor-after.json"), "--format", "sarif"});
  diff.run({"diff", sample("refactor-before.json"), "-", "--format", "sarif"}, fs::current_path().string(),
           sample("refactor-after-wrong.json"));
  for (const char* plan : {"iac/tf-change.plan.json", "iac/tf-refactor.plan.json", "iac/tf-unknown.plan.json"})
    diff.run({"diff", sample(plan), "--format", "sarif"});
  std::string before = odd_copy(dir_, "refactor-before.json", "before 100%.json");
  std::string after = odd_copy(dir_, "refactor-after-wrong.json", "after #1.json");
  diff.run({"diff", fs::path(before).filename().string(), fs::path(after).filename().string(), "--format", "sarif"},
           fs::path(before).parent_path().string());
  diff.run({"diff", "--old", sample("three-tier.json"), "--new", sample("three-tier.json"), "--format", "sarif"});

  ASSERT_GT(analyze.files().size(), sample_inputs().size());
  EXPECT_TRUE(meets_github_rules(analyze, diff));
}

// The same on the real-world corpus beside the checkout, when it is there.
TEST_F(SarifGithubTest, RealWorldLogsMeetGithubRules) {
  Logs analyze(dir_, "analyze"), diff(dir_, "diff");
  for (const auto& files : test_support::realdata_exports()) {
    std::vector<std::string> args{"--lenient", "analyze", "--format", "sarif"};
    args.insert(args.end(), files.begin(), files.end());
    analyze.run(args, fs::current_path().string(), "/dev/null", true);
  }
  const fs::path plans = SGOPT_SOURCE_DIR "/../shared/realdata/terraform";
  if (fs::exists(plans))
    for (const auto& e : fs::directory_iterator(plans))
      if (e.path().extension() == ".json") {
        analyze.run({"analyze", e.path().string(), "--format", "sarif"}, fs::current_path().string(), "/dev/null",
                    true);
        diff.run({"diff", e.path().string(), "--format", "sarif"}, fs::current_path().string(), "/dev/null", true);
      }
  if (analyze.files().empty()) GTEST_SKIP() << "the real-world corpus is not there";
  EXPECT_TRUE(meets_github_rules(analyze, diff));
}

TEST_F(SarifGithubTest, EachCommandHasItsOwnCategoryAndOneToolName) {
  Logs logs(dir_, "category");
  auto a = logs.run({"analyze", sample("web-sprawl.json"), "--format", "sarif"});
  auto d = logs.run({"diff", sample("refactor-before.json"), sample("refactor-after-wrong.json"), "--format", "sarif"});
  EXPECT_EQ(a["runs"][0]["automationDetails"]["id"], "sgopt/analyze/");
  EXPECT_EQ(d["runs"][0]["automationDetails"]["id"], "sgopt/diff/");
  EXPECT_EQ(a["runs"][0]["tool"]["driver"]["name"], "sgopt");
  EXPECT_EQ(d["runs"][0]["tool"]["driver"]["name"], "sgopt");
}

// A direction that rests on a value the plan knows only after apply is a result of its own, at the
// value's line, so that a gate's SARIF never reads as clean when the verdict is unknown.
TEST_F(SarifGithubTest, UnknownVerdictsAreResultsAtTheValueTheyDependOn) {
  Logs logs(dir_, "unknown");
  auto d = logs.run({"diff", sample("iac/tf-unknown.plan.json"), "--format", "sarif"});
  int unknown = 0;
  for (const auto& r : d["runs"][0]["results"]) {
    if (r["ruleId"] != "sgopt.diff.unknown") continue;
    ++unknown;
    EXPECT_GE(r["locations"][0]["physicalLocation"]["region"]["startLine"].get<int>(), 2) << r.dump();
  }
  EXPECT_EQ(unknown, 3);
}

// open-admin-port is high on a group, medium on an ACL and low behind ACLs that deny it: three
// rules, each with one severity and the level it implies.
TEST_F(SarifGithubTest, AKindReportedAtSeveralSeveritiesIsSeveralRules) {
  Logs logs(dir_, "severity");
  const std::map<std::string, std::pair<std::string, std::string>> expected{
      {"web-sprawl.json", {"overly-permissive/open-admin-port", "8.0"}},
      {"nacl-shadowed.json", {"overly-permissive/open-admin-port/medium", "5.5"}},
      {"three-tier.json", {"overly-permissive/open-admin-port/low", "3.0"}}};
  const std::map<std::string, std::string> level{{"8.0", "error"}, {"5.5", "warning"}, {"3.0", "note"}};
  for (const auto& [file, rule] : expected) {
    auto log = logs.run({"analyze", sample(file), "--format", "sarif"});
    const auto& run = log["runs"][0];
    bool found = false;
    for (const auto& res : run["results"]) {
      if (res["ruleId"] != rule.first) continue;
      found = true;
      EXPECT_EQ(res["level"], level.at(rule.second)) << file;
      EXPECT_FALSE(res["properties"].contains("security-severity")) << file;
    }
    EXPECT_TRUE(found) << file << " has no " << rule.first;
    const auto& r = rule_of(run, rule.first);
    EXPECT_EQ(r["properties"]["security-severity"], rule.second) << file;
    EXPECT_EQ(r["defaultConfiguration"]["level"], level.at(rule.second)) << file;
    // Every rule of the three is declared in every log, whichever severities occur.
    for (const auto& [f, other] : expected) EXPECT_EQ(rule_of(run, other.first)["id"], other.first);
  }
}

// Every kind says why it matters and how to fix it; only exposure is security; each severity
// case differs from its kind's default and from the others.
TEST(SarifRulesTest, EveryKindIsDescribedForAPerson) {
  for (const Pass* p : all_passes())
    for (const FindingKind* k : p->kinds()) {
      std::string id = fmt::format("{}/{}", p->name(), k->id);
      EXPECT_GT(std::string(k->why).size(), 20u) << id;
      EXPECT_GT(std::string(k->fix).size(), 10u) << id;
      std::set<Severity> seen{k->severity};
      for (const SeverityCase& c : k->cases) {
        EXPECT_TRUE(seen.insert(c.severity).second) << id << ": a severity appears twice";
        EXPECT_GT(std::string(c.when).size(), 10u) << id;
      }
    }
  ReportInfo info;
  for (const Pass* p : all_passes()) info.passes.emplace_back(p->name());
  std::set<std::string> ids;
  for (const auto& r : sarif_rules(info)) {
    EXPECT_TRUE(ids.insert(r.id).second) << r.id;
    EXPECT_FALSE(r.full_description.empty()) << r.id;
    EXPECT_FALSE(r.help_text.empty()) << r.id;
    EXPECT_FALSE(r.help_markdown.empty()) << r.id;
    bool security = std::find(r.tags.begin(), r.tags.end(), "security") != r.tags.end();
    EXPECT_EQ(security, !r.security_severity.empty()) << r.id;
    if (r.id.starts_with("redundant-rules/") || r.id.starts_with("quota/") || r.id.starts_with("hygiene/")) {
      EXPECT_FALSE(security) << r.id << " is not about exposure";
    }
    if (r.id.starts_with("overly-permissive/")) {
      EXPECT_TRUE(security) << r.id;
    }
  }
}

TEST_F(SarifGithubTest, StandardInputAndOddPathsAreValidUris) {
  Logs logs(dir_, "uri");
  auto in = logs.run({"analyze", "-", "--format", "sarif"}, fs::current_path().string(), sample("web-sprawl.json"));
  ASSERT_FALSE(in["runs"][0]["results"].empty());
  for (const auto& res : in["runs"][0]["results"]) {
    const auto& art = res["locations"][0]["physicalLocation"]["artifactLocation"];
    EXPECT_EQ(art["uri"], "%3Cstdin%3E");
    EXPECT_FALSE(art.contains("uriBaseId"));
  }
  std::string odd = odd_copy(dir_, "web-sprawl.json", "web sprawl%25.json");
  std::string parent = fs::path(odd).parent_path().string();
  auto abs = logs.run({"analyze", odd, "--format", "sarif"});
  EXPECT_EQ(where(abs["runs"][0]["results"][0]).first,
            "file://" + sarif::percent_encode_path(dir_) +
                "/dir%20with%20space%20%2541%20%231%20%3Fx%20caf%C3%A9/web%20sprawl%2525.json");
  auto rel = logs.run({"analyze", "web sprawl%25.json", "--format", "sarif"}, parent);
  const auto& run = rel["runs"][0];
  EXPECT_EQ(where(run["results"][0]).first, "web%20sprawl%2525.json");
  EXPECT_EQ(run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"], "%SRCROOT%");
  EXPECT_EQ(run["originalUriBaseIds"]["%SRCROOT%"]["uri"], sarif::folder_uri(parent));
}

// A diff result points at the rule that makes the difference, not at its group's first line.
TEST_F(SarifGithubTest, DiffResultsPointAtTheRuleThatMakesTheDifference) {
  Logs logs(dir_, "diff");
  auto log =
      logs.run({"diff", sample("refactor-before.json"), sample("refactor-after-wrong.json"), "--format", "sarif"});
  const std::string text_new = read_text(sample("refactor-after-wrong.json"));
  const std::string text_old = read_text(sample("refactor-before.json"));
  auto line_of = [](const std::string& text, int line) {
    std::size_t at = 0;
    for (int i = 1; i < line && at != std::string::npos; ++i) at = text.find('\n', at) + 1;
    return text.substr(at, text.find('\n', at) - at);
  };
  const auto& results = log["runs"][0]["results"];
  ASSERT_GE(results.size(), 2u);
  std::set<int> lines;
  for (const auto& res : results) {
    auto [uri, line] = where(res);
    lines.insert(line);
    bool gained = res["ruleId"] == "sgopt.diff.newly-allowed";
    EXPECT_TRUE(uri.ends_with(gained ? "refactor-after-wrong.json" : "refactor-before.json")) << uri;
    // The line is a peer of the rule (a CIDR), which the message names.
    std::string at = line_of(gained ? text_new : text_old, line);
    EXPECT_NE(at.find("Cidr"), std::string::npos) << res["message"]["text"] << " at " << at;
    EXPECT_NE(res["message"]["text"].get<std::string>().find("allowed"), std::string::npos);
  }
  EXPECT_GT(lines.size(), 1u) << "every result is on one line";
}

TEST_F(SarifGithubTest, TerraformAddressesAreLogicalLocations) {
  Logs logs(dir_, "iac");
  auto addresses = [](const nlohmann::json& log) {
    std::set<std::string> out;
    for (const auto& res : log["runs"][0]["results"])
      for (const auto& l : res["locations"][0]["logicalLocations"])
        if (l["kind"] == "resource" && l.contains("fullyQualifiedName")) out.insert(l["fullyQualifiedName"]);
    return out;
  };
  auto a = addresses(logs.run({"analyze", sample("iac/tf-change.plan.json"), "--format", "sarif"}));
  EXPECT_TRUE(a.count("aws_security_group.app")) << fmt::format("{}", fmt::join(a, ", "));
  auto d = addresses(logs.run({"diff", sample("iac/tf-change.plan.json"), "--format", "sarif"}));
  EXPECT_TRUE(d.count("aws_security_group_rule.app_https")) << fmt::format("{}", fmt::join(d, ", "));
  EXPECT_TRUE(d.count("module.net.aws_security_group.web")) << fmt::format("{}", fmt::join(d, ", "));
}

// Moving every rule down the file changes every line but no primaryLocationLineHash.
TEST_F(SarifGithubTest, HashesSurviveRulesMoving) {
  Logs logs(dir_, "hash");
  std::string moved = dir_ + "/moved.json";
  write_text(moved, "\n\n\n" + read_text(sample("web-sprawl.json")));
  auto hashes = [](const nlohmann::json& log) {
    std::multiset<std::string> out;
    for (const auto& res : log["runs"][0]["results"])
      out.insert(res["ruleId"].get<std::string>() + " " +
                 res["partialFingerprints"]["primaryLocationLineHash"].get<std::string>());
    return out;
  };
  auto a = logs.run({"analyze", sample("web-sprawl.json"), "--format", "sarif"});
  auto b = logs.run({"analyze", moved, "--format", "sarif"});
  EXPECT_EQ(hashes(a), hashes(b));
  EXPECT_NE(where(a["runs"][0]["results"][0]).second, where(b["runs"][0]["results"][0]).second);
}

}  // namespace
}  // namespace sgopt::testing
