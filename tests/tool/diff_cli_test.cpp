// `sgopt diff` end to end on the samples: verdicts, exit statuses, JSON/SARIF shape, SMT-LIB2 proofs.
#include "tests/tool/run_cli.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace sgopt::testing {
namespace {

TEST(DiffCliTest, CleanRefactorIsEquivalentAndExitsZero) {
  auto r = run_sgopt({"diff", sample("refactor-before.json"), sample("refactor-after.json")});
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("equivalent"), std::string::npos);
  EXPECT_NE(r.out.find("proved by Z3"), std::string::npos);
  EXPECT_EQ(r.out.find("newly allowed"), std::string::npos);
}

TEST(DiffCliTest, IdenticalSidesSayIdenticalWithoutASolverAndThreadsChangeNothing) {
  auto same = run_sgopt({"diff", sample("web-sprawl.json"), sample("web-sprawl.json")});
  EXPECT_EQ(same.status, 0) << same.err;
  EXPECT_NE(same.out.find("identical rules"), std::string::npos) << same.out;
  EXPECT_EQ(same.out.find("proved by Z3"), std::string::npos) << same.out;
  for (const char* right : {"refactor-after.json", "refactor-after-wrong.json"}) {
    std::string one, many;
    for (const char* t : {"1", "3"}) {
      auto r = run_sgopt({"diff", sample("refactor-before.json"), sample(right), "--format", "json", "--threads", t});
      EXPECT_NE(r.status, 2) << r.err;
      (std::string(t) == "1" ? one : many) = r.out;
    }
    EXPECT_EQ(one, many) << right;
    EXPECT_NE(one.find("\"proved\""), std::string::npos) << one;
  }
}

TEST(DiffCliTest, WrongRefactorShowsEveryChangeAndExitsOne) {
  auto r = run_sgopt({"diff", sample("refactor-before.json"), sample("refactor-after-wrong.json")});
  EXPECT_EQ(r.status, 1) << r.err;
  // The /24 became a /23, the IPv6 rule is gone, ICMP type 3 lost its code, egress became all.
  EXPECT_NE(r.out.find("tcp port 8443 from 10.20.1.0/24"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("tcp port 8443 from 2001:db8:20::/48"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("icmp type 3"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("incomparable"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("looser"), std::string::npos) << r.out;
}

TEST(DiffCliTest, ExpectDecidesTheExitStatus) {
  auto same = run_sgopt(
      {"diff", sample("refactor-before.json"), sample("refactor-after.json"), "--expect", "tighter-or-equal"});
  EXPECT_EQ(same.status, 0) << same.err;
  auto looser =
      run_sgopt({"diff", sample("refactor-before.json"), sample("refactor-after.json"), "--expect", "looser"});
  EXPECT_EQ(looser.status, 1);
  auto bad = run_sgopt({"diff", sample("refactor-before.json"), sample("refactor-after.json"), "--expect", "same"});
  EXPECT_EQ(bad.status, 2);
}

TEST(DiffCliTest, JsonCarriesVerdictsRegionsAndWitnesses) {
  auto r = run_sgopt({"diff", sample("refactor-before.json"), sample("refactor-after-wrong.json"), "--format", "json"});
  ASSERT_EQ(r.status, 1) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["resources"].size(), 1u);
  const auto& res = j["resources"][0];
  EXPECT_EQ(res["status"], "matched");
  const auto& egress = res["directions"][1];
  EXPECT_EQ(egress["direction"], "egress");
  EXPECT_EQ(egress["verdict"], "looser");
  EXPECT_EQ(egress["proof"], "proved");
  ASSERT_FALSE(egress["newly_allowed"]["regions"].empty());
  const auto& region = egress["newly_allowed"]["regions"][0];
  EXPECT_TRUE(region.contains("witness"));
  EXPECT_TRUE(region["peers"].is_array());
  EXPECT_EQ(j["met"], false);
}

TEST(DiffCliTest, SarifHasOneResultPerDifference) {
  auto r =
      run_sgopt({"diff", sample("refactor-before.json"), sample("refactor-after-wrong.json"), "--format", "sarif"});
  ASSERT_EQ(r.status, 1) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["version"], "2.1.0");
  auto json =
      run_sgopt({"diff", sample("refactor-before.json"), sample("refactor-after-wrong.json"), "--format", "json"});
  auto d = nlohmann::json::parse(json.out);
  std::size_t regions = 0;
  for (const auto& dir : d["resources"][0]["directions"])
    regions += dir["newly_allowed"]["regions"].size() + dir["no_longer_allowed"]["regions"].size();
  EXPECT_EQ(j["runs"][0]["results"].size(), regions);
}

TEST(DiffCliTest, LeftAndRightCompareTwoGroupsOfOneFile) {
  auto r = run_sgopt(
      {"diff", sample("web-sprawl.json"), "--left", "sg-0a1b2c3d4e5f60001", "--right", "sg-0a1b2c3d4e5f60001"});
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  auto missing = run_sgopt({"diff", sample("web-sprawl.json"), "--left", "sg-0a1b2c3d4e5f60001", "--right", "sg-nope"});
  EXPECT_EQ(missing.status, 2);
  EXPECT_NE(missing.err.find("sg-nope"), std::string::npos);
}

TEST(DiffCliTest, InterfacesAreComparedWhenBothSidesCarryThem) {
  auto r = run_sgopt({"diff", "--old", sample("web-sprawl.json"), "--old", sample("network-interfaces.json"), "--new",
                      sample("web-sprawl.json"), "--new", sample("network-interfaces.json")});
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("network interface eni-0a1b2c3d4e5f60001"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("judged through its network interfaces"), std::string::npos) << r.out;
}

TEST(DiffCliTest, EmptyRuleListsAreFalseForBothSolvers) {
  // A group without rules on either side, and one that loses every rule: empty disjunctions.
  std::string dir = temp_dir();
  auto group = [](const std::string& perms) {
    return R"({"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [)" + perms +
           R"(], "IpPermissionsEgress": []}, {"GroupId": "sg-2", "IpPermissions": [], "IpPermissionsEgress": []}]})";
  };
  write_text(dir + "/old.json",
             group(R"({"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]})"));
  write_text(dir + "/new.json", group(""));
  std::string smt2 = temp_dir();
  auto r = run_sgopt({"diff", dir + "/old.json", dir + "/new.json", "--emit-smt2", smt2});
  ASSERT_EQ(r.status, 1) << r.err;
  const std::size_t n = expect_all_unsat(smt2);
  EXPECT_GE(n, 4u);
  for (const auto& f : std::filesystem::directory_iterator(smt2))
    EXPECT_EQ(read_text(f.path().string()).find("(or)"), std::string::npos) << f.path();
}

TEST(DiffCliTest, EmittedObligationsAreUnsatForZ3AndCvc5) {
  if (std::system("z3 -version >/dev/null 2>&1") != 0) GTEST_SKIP() << "z3 binary not installed";
  std::string same = temp_dir();
  auto r = run_sgopt({"diff", sample("refactor-before.json"), sample("refactor-after.json"), "--emit-smt2", same});
  ASSERT_EQ(r.status, 0) << r.err;
  // One "equal" obligation per direction.
  EXPECT_EQ(expect_all_unsat(same), 2u);
  std::string wrong = temp_dir();
  r = run_sgopt({"diff", sample("refactor-before.json"), sample("refactor-after-wrong.json"), "--emit-smt2", wrong});
  ASSERT_EQ(r.status, 1) << r.err;
  // ingress: two region lists; egress: old-within-new and one region list.
  EXPECT_EQ(expect_all_unsat(wrong), 4u);
}

}  // namespace
}  // namespace sgopt::testing
