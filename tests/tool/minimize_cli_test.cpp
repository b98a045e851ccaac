// `sgopt minimize` end to end: the written file is equivalent (reloaded and compared), idempotent,
// deterministic, never an input file; the plan authorizes before it revokes.
#include "model/aws/loader.h"
#include "solver/rule_sets.h"
#include "tests/support/corpus.h"
#include "tests/tool/run_cli.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace sgopt::testing {
namespace {

// Every group direction and ACL direction of b allows what the same object of a allows.
void expect_equivalent(const std::string& a_file, const std::string& b_file) {
  Snapshot a = load_inputs({a_file}), b = load_inputs({b_file});
  ASSERT_EQ(a.groups.size(), b.groups.size());
  for (std::size_t i = 0; i < a.groups.size(); ++i) {
    EXPECT_EQ(a.groups[i].id, b.groups[i].id);
    EXPECT_EQ(a.groups[i].name, b.groups[i].name);
    EXPECT_EQ(a.groups[i].tags, b.groups[i].tags);
    for (Direction d : {Direction::Ingress, Direction::Egress}) {
      PeerTable peers;
      EXPECT_EQ(sg_set(a.groups[i].rules(d), peers), sg_set(b.groups[i].rules(d), peers)) << a.groups[i].id;
    }
  }
  ASSERT_EQ(a.acls.size(), b.acls.size());
  for (std::size_t i = 0; i < a.acls.size(); ++i)
    for (Direction d : {Direction::Ingress, Direction::Egress})
      EXPECT_EQ(nacl_allowed_set(a.acls[i].entries(d)), nacl_allowed_set(b.acls[i].entries(d))) << a.acls[i].id;
}

TEST(MinimizeCliTest, WritesAnEquivalentSmallerFileAndReports) {
  std::string dir = temp_dir();
  auto r = run_sgopt({"minimize", sample("web-sprawl.json"), "-o", dir + "/out.json"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("ingress IPv4 15 -> 8 (optimal)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("proved (native engine and Z3)"), std::string::npos);
  expect_equivalent(sample("web-sprawl.json"), dir + "/out.json");
  std::string out = read_text(dir + "/out.json");
  EXPECT_NE(out.find("merged: tcp 22 0.0.0.0/1"), std::string::npos);
}

TEST(MinimizeCliTest, DiffSaysTheOutputIsEquivalent) {
  if (run_sgopt({"--help"}).out.find("\n  diff ") == std::string::npos)
    GTEST_SKIP() << "this build has no `sgopt diff`";
  std::string dir = temp_dir();
  for (const char* name : {"web-sprawl.json", "nacl-shadowed.json", "refactor-before.json"}) {
    SCOPED_TRACE(name);
    ASSERT_EQ(run_sgopt({"minimize", sample(name), "-o", dir + "/out.json"}).status, 0);
    auto d = run_sgopt({"diff", sample(name), dir + "/out.json"});
    EXPECT_EQ(d.status, 0) << d.out << d.err;
  }
}

TEST(MinimizeCliTest, IsIdempotentAndDeterministic) {
  std::string dir = temp_dir();
  for (const char* name : {"web-sprawl.json", "nacl-shadowed.json", "refactor-before.json"}) {
    SCOPED_TRACE(name);
    ASSERT_EQ(run_sgopt({"minimize", sample(name), "-o", dir + "/a.json"}).status, 0);
    ASSERT_EQ(run_sgopt({"minimize", sample(name), "-o", dir + "/b.json"}).status, 0);
    EXPECT_EQ(read_text(dir + "/a.json"), read_text(dir + "/b.json"));
    ASSERT_EQ(run_sgopt({"minimize", dir + "/a.json", "-o", dir + "/c.json"}).status, 0);
    EXPECT_EQ(read_text(dir + "/a.json"), read_text(dir + "/c.json"));
    expect_equivalent(sample(name), dir + "/a.json");
  }
}

TEST(MinimizeCliTest, OutputIsTheSameOnOneWorkerAndOnMany) {
  // Groups are minimized by several workers; the document, the plan and the report never depend
  // on how many or on their timing. Every realdata export and the samples, in one run each.
  std::string dir = temp_dir();
  std::vector<std::vector<std::string>> inputs{{sample("web-sprawl.json"), sample("network-interfaces.json")},
                                               {sample("nacl-shadowed.json")},
                                               {sample("partners-over-quota.json")}};
  for (const auto& files : test_support::realdata_exports()) inputs.push_back(files);
  for (const auto& input : inputs) {
    SCOPED_TRACE(input.front());
    std::string outs[3];
    const char* threads[3] = {"1", "2", "7"};
    for (int k = 0; k < 3; ++k) {
      std::string base = fmt::format("{}/t{}", dir, threads[k]);
      std::vector<std::string> args{"--lenient",  "minimize", "-o",   base + ".json", "--plan",
                                    base + ".sh", "--format", "json", "--threads",    threads[k]};
      args.insert(args.end(), input.begin(), input.end());
      auto r = run_sgopt(args);
      if (r.status == 2 && r.err.find("no security groups or network ACLs") != std::string::npos) break;
      ASSERT_NE(r.status, 2) << r.err;
      outs[k] = r.out + read_text(base + ".json") + read_text(base + ".sh") + read_text(base + ".sh.json");
      // The report names its own output files; make the runs comparable.
      for (auto* name : {".json", ".sh"}) {
        std::string own = base + name, neutral = std::string("OUT") + name;
        for (std::size_t at; (at = outs[k].find(own)) != std::string::npos;) outs[k].replace(at, own.size(), neutral);
      }
    }
    EXPECT_EQ(outs[0], outs[1]);
    EXPECT_EQ(outs[0], outs[2]);
  }
}

TEST(MinimizeCliTest, PlanAuthorizesBeforeItRevokes) {
  std::string dir = temp_dir();
  auto r = run_sgopt({"minimize", sample("web-sprawl.json"), "-o", dir + "/out.json", "--plan", dir + "/plan.sh"});
  ASSERT_EQ(r.status, 0) << r.err;
  std::string sh = read_text(dir + "/plan.sh");
  auto first_revoke = sh.find("revoke-security-group");
  auto last_authorize = sh.rfind("authorize-security-group");
  ASSERT_NE(first_revoke, std::string::npos);
  ASSERT_NE(last_authorize, std::string::npos);
  EXPECT_LT(last_authorize, first_revoke);
  EXPECT_NE(sh.find("--ip-permissions '[{"), std::string::npos);
  std::string json = read_text(dir + "/plan.sh.json");
  EXPECT_NE(json.find("\"every_step_equivalent\": true"), std::string::npos);
}

TEST(MinimizeCliTest, JsonReportCarriesTheCounts) {
  std::string dir = temp_dir();
  auto r = run_sgopt({"minimize", sample("web-sprawl.json"), "-o", dir + "/out.json", "--format", "json"});
  ASSERT_EQ(r.status, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  const auto& b = j["groups"][0]["directions"][0]["buckets"][0];
  EXPECT_EQ(b["family"], "IPv4");
  EXPECT_EQ(b["before"], 15);
  EXPECT_EQ(b["after"], 8);
  EXPECT_EQ(b["lower_bound"], 8);
  EXPECT_EQ(b["optimal"], true);
  EXPECT_EQ(j["total"]["rules_after"], 16);
}

TEST(MinimizeCliTest, RefusesToOverwriteAnInput) {
  std::string dir = temp_dir();
  write_text(dir + "/in.json", read_text(sample("web-sprawl.json")));
  auto r = run_sgopt({"minimize", dir + "/in.json", "-o", dir + "/in.json"});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(read_text(dir + "/in.json"), read_text(sample("web-sprawl.json")));
}

TEST(MinimizeCliTest, OverQuotaIsReportedWithExitOne) {
  std::string dir = temp_dir();
  auto r = run_sgopt({"minimize", sample("web-sprawl.json"), "-o", dir + "/out.json", "--quota", "3"});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.out.find("no equivalent set fits (lower bound 8)"), std::string::npos) << r.out;
}

TEST(MinimizeCliTest, PartnersSampleProvesNoEquivalentSetFitsAndProposesTheCheapestWidening) {
  std::string dir = temp_dir();
  auto r = run_sgopt({"minimize", sample("partners-over-quota.json"), "-o", dir + "/out.json"});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.out.find("IPv4 68 -> 67 (optimal) over the quota of 60: no equivalent set fits (lower bound 67)"),
            std::string::npos)
      << r.out;
  // 66 odd hosts; seven rules must go: the eight odd hosts of one /28 become that /28 (8 more hosts).
  EXPECT_NE(r.out.find("1. join addresses: 60 rules, admits 8 more"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("split: 2 groups"), std::string::npos) << r.out;
}

TEST(MinimizeCliTest, WideningIsProposedAndAppliedOnlyWhenAsked) {
  std::string dir = temp_dir();
  std::string ranges;
  for (int i = 0; i < 40; i += 3) ranges += "{\"CidrIp\": \"198.51.100." + std::to_string(i) + "/32\"},";
  ranges.pop_back();
  write_text(dir + "/in.json",
             "{\"SecurityGroups\": [{\"GroupId\": \"sg-1\", \"GroupName\": \"p\", "
             "\"IpPermissions\": [{\"IpProtocol\": \"tcp\", \"FromPort\": 443, \"ToPort\": 443, "
             "\"IpRanges\": [" +
                 ranges + "]}], \"IpPermissionsEgress\": []}]}");
  auto r = run_sgopt({"minimize", dir + "/in.json", "-o", dir + "/a.json", "--quota", "2"});
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.out.find("widening plans for IPv4"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("split: 7 groups"), std::string::npos) << r.out;
  expect_equivalent(dir + "/in.json", dir + "/a.json");
  auto w = run_sgopt({"minimize", dir + "/in.json", "-o", dir + "/b.json", "--quota", "2", "--widen-to-fit"});
  EXPECT_EQ(w.status, 0) << w.out;
  EXPECT_NE(w.out.find("applied: join addresses"), std::string::npos) << w.out;
  Snapshot b = load_inputs({dir + "/b.json"});
  ASSERT_EQ(b.groups.size(), 1u);
  EXPECT_EQ(b.groups[0].ingress.size(), 2u);
}

}  // namespace
}  // namespace sgopt::testing
