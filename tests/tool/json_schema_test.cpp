// Every command's JSON output validates against its schema in docs/ (which share the shapes of
// docs/common.schema.json), on the samples and on the real-world corpus.
#include "tests/support/corpus.h"
#include "tests/tool/run_cli.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sgopt {
namespace {

using testing::run_sgopt;
using testing::sample;

/// Runs sgopt with each argument list and keeps what it printed, one file per run.
class Outputs {
 public:
  Outputs() : dir_(testing::temp_dir()) {}
  void run(std::vector<std::string> args, std::initializer_list<int> statuses = {0, 1, 3}) {
    auto r = run_sgopt(args);
    bool expected = false;
    for (int s : statuses) expected = expected || r.status == s;
    std::string cmd;
    for (const auto& a : args) cmd += " " + a;
    ASSERT_TRUE(expected) << "sgopt" << cmd << " exited " << r.status << ": " << r.err;
    std::string path = dir_ + "/out" + std::to_string(files_.size()) + ".json";
    testing::write_text(path, r.out);
    files_.push_back(path);
  }
  /// Like run, but a run that fails on its input (status 2: an export with neither groups nor
  /// ACLs, or test fixtures that reuse one id or name on a side) is left out.
  void run_if_loadable(const std::vector<std::string>& args) {
    auto r = run_sgopt(args);
    if (r.status == 2) return;
    run(args);
  }
  const std::vector<std::string>& files() const { return files_; }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  std::vector<std::string> files_;
};

class JsonSchemaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::have_schema_validator()) GTEST_SKIP() << "python3 with jsonschema is not installed";
  }
};

std::vector<std::string> with(std::vector<std::string> args, const std::vector<std::string>& more) {
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

TEST_F(JsonSchemaTest, ShowOutputValidates) {
  Outputs o;
  for (const auto& f : test_support::sample_files()) o.run({"--lenient", "show", f, "--format", "json"}, {0});
  for (const char* f : {"iac/tf-change.plan.json", "iac/tf-unknown.plan.json", "iac/tf-state.json"})
    o.run({"show", sample(f), "--format", "json"}, {0});
  for (const auto& files : test_support::realdata_exports())
    o.run(with({"--lenient", "show", "--format", "json"}, files), {0});
  EXPECT_TRUE(testing::schema_valid("show.schema.json", o.files()));
}

TEST_F(JsonSchemaTest, QueryOutputValidates) {
  Outputs o;
  const std::string web = sample("web-sprawl.json"), acl = sample("nacl-shadowed.json");
  o.run({"query", web, "--group", "sg-0a1b2c3d4e5f60001", "--proto", "tcp", "--port", "22", "--peer", "203.0.113.9",
         "--format", "json"});
  o.run({"query", web, "--group", "sg-0a1b2c3d4e5f60001", "--group", "sg-0a1b2c3d4e5f60002", "--proto", "udp", "--port",
         "53", "--peer", "2001:db8::1", "--format", "json"});
  o.run({"query", web, "--group", "sg-0a1b2c3d4e5f60001", "--egress", "--proto", "icmp", "--icmp-type", "3",
         "--icmp-code", "4", "--peer", "10.0.0.1", "--format", "json"});
  o.run({"query", web, "--group", "sg-0a1b2c3d4e5f60001", "--proto", "tcp", "--port", "443", "--peer", "10.9.9.9",
         "--member-of", "sg-0a1b2c3d4e5f60002", "--format", "json"});
  o.run({"query", web, sample("network-interfaces.json"), "--group", "sg-0a1b2c3d4e5f60001", "--proto", "tcp", "--port",
         "8080", "--peer", "10.0.1.20", "--format", "json"});
  o.run({"query", acl, "--acl", "acl-0a1b2c3d4e5f60001", "--proto", "tcp", "--port", "22", "--peer", "10.0.0.1",
         "--format", "json"});
  o.run({"query", acl, "--acl", "acl-0a1b2c3d4e5f60001", "--proto", "50", "--peer", "192.0.2.1", "--format", "json"});
  const std::string tiers = sample("three-tier.json");
  o.run({"query", tiers, "--interface", "eni-0web", "--proto", "tcp", "--port", "443", "--peer", "203.0.113.9",
         "--format", "json"},
        {1});
  o.run({"query", tiers, "--interface", "eni-0app", "--egress", "--proto", "tcp", "--port", "5432", "--peer",
         "10.0.3.10", "--client-port", "40000", "--format", "json"},
        {0, 1});
  o.run({"query", tiers, "--interface", "eni-0db", "--proto", "icmp", "--icmp-type", "8", "--peer", "10.0.3.7",
         "--format", "json"},
        {0, 1});
  EXPECT_TRUE(testing::schema_valid("query.schema.json", o.files()));
}

TEST_F(JsonSchemaTest, DiffOutputValidates) {
  Outputs o;
  const std::string before = sample("refactor-before.json");
  o.run({"diff", before, sample("refactor-after.json"), "--format", "json"});
  o.run({"diff", before, sample("refactor-after-wrong.json"), "--format", "json"});
  o.run({"diff", before, sample("refactor-after-wrong.json"), "--format", "json", "--no-prove", "--expect",
         "tighter-or-equal"});
  o.run({"diff", "--old", sample("web-sprawl.json"), "--old", sample("network-interfaces.json"), "--new",
         sample("web-sprawl.json"), "--new", sample("network-interfaces.json"), "--format", "json"});
  o.run({"diff", sample("web-sprawl.json"), "--left", "sg-0a1b2c3d4e5f60001", "--right", "sg-0a1b2c3d4e5f60002",
         "--format", "json"});
  // Plans: both sides from one input, unknown values and partial groups.
  for (const char* plan : {"iac/tf-change.plan.json", "iac/tf-unknown.plan.json"})
    o.run({"diff", sample(plan), "--format", "json", "--expect", "tighter-or-equal"}, {1});
  int n = 0;
  for (const auto& files : test_support::realdata_exports()) {
    std::string min = o.dir() + "/min" + std::to_string(n++) + ".json";
    auto m = run_sgopt(with({"--lenient", "minimize", "-o", min}, files));
    if (m.status == 2) continue;  // an export with neither groups nor ACLs
    std::vector<std::string> args = {"--lenient", "diff"};
    for (const auto& f : files) args.insert(args.end(), {"--old", f});
    args.insert(args.end(), {"--new", min, "--format", "json"});
    o.run_if_loadable(args);
  }
  if (!test_support::realdata_exports().empty()) {
    EXPECT_GE(o.files().size(), 15u);  // most of the 15 exports
  }
  EXPECT_TRUE(testing::schema_valid("diff.schema.json", o.files()));
}

TEST_F(JsonSchemaTest, MinimizeOutputValidates) {
  Outputs o;
  int n = 0;
  auto out = [&] { return o.dir() + "/written" + std::to_string(n++) + ".json"; };
  for (const char* s : {"web-sprawl.json", "partners-over-quota.json", "nacl-shadowed.json", "refactor-before.json"})
    o.run({"minimize", sample(s), "-o", out(), "--format", "json"});
  o.run({"minimize", sample("partners-over-quota.json"), "-o", out(), "--widen-to-fit", "--plan", o.dir() + "/plan.sh",
         "--format", "json"});
  for (const auto& files : test_support::realdata_exports())
    o.run_if_loadable(with({"--lenient", "minimize", "-o", out(), "--format", "json"}, files));
  if (!test_support::realdata_exports().empty()) {
    EXPECT_GE(o.files().size(), 19u);  // every export with groups or ACLs
  }
  EXPECT_TRUE(testing::schema_valid("minimize.schema.json", o.files()));
}

}  // namespace
}  // namespace sgopt
