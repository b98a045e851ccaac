// `sgopt analyze` through the real binary: the samples' findings, formats, exit statuses and errors.
#include "tests/tool/run_cli.h"
#include "tool/sarif.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

namespace sgopt::testing {
namespace {

const nlohmann::json* find_finding(const nlohmann::json& report, const std::string& id, const std::string& resource,
                                   const std::string& about = "") {
  for (const auto& f : report["findings"]) {
    if (f["id"] != id || f["resource"] != resource) continue;
    if (about.empty()) return &f;
    for (const auto& r : f["rules"])
      if (r["peer"] == about || (r.contains("rule_number") && std::to_string(r["rule_number"].get<int>()) == about))
        return &f;
  }
  return nullptr;
}

std::vector<std::string> peers_of(const nlohmann::json& refs) {
  std::vector<std::string> out;
  for (const auto& r : refs) out.push_back(r["peer"]);
  std::sort(out.begin(), out.end());
  return out;
}

TEST(AnalyzeCliTest, WebSprawlFindingsAsTheSamplesReadmeLists) {
  auto r = run_sgopt({"analyze", sample("web-sprawl.json"), sample("network-interfaces.json"), "--format", "json"});
  ASSERT_EQ(r.status, 1) << r.err;  // high findings, default --fail-on medium
  auto j = nlohmann::json::parse(r.out);
  const std::string web = "sg-0a1b2c3d4e5f60001";
  // SSH open to the world through the two half-internet CIDRs.
  const auto* ssh = find_finding(j, "overly-permissive/open-admin-port", web, "0.0.0.0/1");
  ASSERT_NE(ssh, nullptr);
  EXPECT_EQ((*ssh)["exposure"]["addresses"], "4294967296");
  EXPECT_EQ((*ssh)["witness"]["port"], 22);
  // The /24 is covered by the two /25s.
  const auto* slash24 = find_finding(j, "redundant-rules/redundant", web, "10.20.0.0/24");
  ASSERT_NE(slash24, nullptr);
  EXPECT_EQ(peers_of((*slash24)["causes"]), (std::vector<std::string>{"10.20.0.0/25", "10.20.0.128/25"}));
  // Monitoring SSH is covered by the 22-1023 rule.
  const auto* mon = find_finding(j, "redundant-rules/redundant", web, "10.30.4.0/24");
  ASSERT_NE(mon, nullptr);
  // The second load-balancer reference is covered by the first.
  EXPECT_NE(find_finding(j, "redundant-rules/redundant", web, "sg-0a1b2c3d4e5f60002"), nullptr);
  // The removable set, and the default group allowing traffic.
  EXPECT_NE(find_finding(j, "redundant-rules/removable-set", web), nullptr);
  const auto* def = find_finding(j, "overly-permissive/default-group-open", "sg-0a1b2c3d4e5f60000");
  ASSERT_NE(def, nullptr);
  EXPECT_NE(std::find((*def)["controls"].begin(), (*def)["controls"].end(), "EC2.2"), (*def)["controls"].end());
  // Every finding points at the input file.
  for (const auto& f : j["findings"])
    EXPECT_NE(f["location"]["file"].get<std::string>().find(".json"), std::string::npos);
}

TEST(AnalyzeCliTest, NaclShadowedFindings) {
  auto r = run_sgopt({"analyze", sample("nacl-shadowed.json"), "--format", "json"});
  ASSERT_EQ(r.status, 1) << r.err;
  auto j = nlohmann::json::parse(r.out);
  const std::string acl = "acl-0a1b2c3d4e5f60001";
  const auto* f150 = find_finding(j, "nacl-shadowing/shadowed-conflict", acl, "150");
  ASSERT_NE(f150, nullptr);
  EXPECT_EQ((*f150)["severity"], "high");
  EXPECT_EQ((*f150)["causes"][0]["rule_number"], 140);
  EXPECT_NE(find_finding(j, "nacl-shadowing/redundant", acl, "200"), nullptr);
  const auto* rdp = find_finding(j, "overly-permissive/open-admin-port", acl);
  ASSERT_NE(rdp, nullptr);
  EXPECT_EQ((*rdp)["witness"]["port"], 3389);
}

TEST(AnalyzeCliTest, FailOnSetsTheExitStatus) {
  EXPECT_EQ(run_sgopt({"analyze", sample("nacl-shadowed.json"), "--fail-on", "none"}).status, 0);
  EXPECT_EQ(run_sgopt({"analyze", sample("nacl-shadowed.json"), "--fail-on", "critical"}).status, 0);
  EXPECT_EQ(run_sgopt({"analyze", sample("nacl-shadowed.json"), "--fail-on", "high"}).status, 1);
  EXPECT_EQ(run_sgopt({"analyze", sample("nacl-shadowed.json"), "--fail-on", "severe"}).status, 2);
}

TEST(AnalyzeCliTest, TextIsGroupedByResourceWithoutColourWhenPiped) {
  auto r = run_sgopt({"analyze", sample("web-sprawl.json")});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.out.find("security group sg-0a1b2c3d4e5f60001 (web-public)"), std::string::npos);
  EXPECT_NE(r.out.find("witness:"), std::string::npos);
  EXPECT_EQ(r.out.find("\033["), std::string::npos);
}

TEST(AnalyzeCliTest, SarifHasRulesLevelsAndLocations) {
  auto r = run_sgopt({"analyze", sample("web-sprawl.json"), "--format", "sarif"});
  ASSERT_EQ(r.status, 1) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["version"], "2.1.0");
  const auto& run = j["runs"][0];
  std::vector<std::string> ids;
  for (const auto& rule : run["tool"]["driver"]["rules"]) {
    ids.push_back(rule["id"]);
    EXPECT_FALSE(rule["shortDescription"]["text"].get<std::string>().empty());
  }
  ASSERT_FALSE(run["results"].empty());
  for (const auto& res : run["results"]) {
    EXPECT_NE(std::find(ids.begin(), ids.end(), res["ruleId"]), ids.end());
    EXPECT_TRUE(res["level"] == "error" || res["level"] == "warning" || res["level"] == "note");
    const auto& loc = res["locations"][0];
    // A path as a URI: an absolute one outside the folder sgopt runs in (tests run in the build
    // folder) is a file: URI, one inside it is relative to %SRCROOT%.
    const std::string cwd = std::filesystem::current_path().string();
    EXPECT_EQ(loc["physicalLocation"]["artifactLocation"]["uri"],
              sarif::artifact_uri(sample("web-sprawl.json"), cwd).uri);
    EXPECT_TRUE(
        loc["physicalLocation"]["artifactLocation"]["uri"].get<std::string>().ends_with("samples/web-sprawl.json"));
    EXPECT_GE(loc["physicalLocation"]["region"]["startLine"].get<int>(), 1);
    EXPECT_EQ(loc["logicalLocations"][0]["fullyQualifiedName"].get<std::string>().rfind("/SecurityGroups/", 0), 0u);
  }
}

TEST(AnalyzeCliTest, ListPassesSelectionAndOut) {
  auto list = run_sgopt({"analyze", "--list-passes"});
  EXPECT_EQ(list.status, 0);
  for (const char* p : {"redundant-rules", "redundant-on-interface", "nacl-shadowing", "overly-permissive", "quota"})
    EXPECT_NE(list.out.find(p), std::string::npos) << p;
  auto only = run_sgopt({"analyze", sample("web-sprawl.json"), "--passes", "quota", "--format", "json"});
  EXPECT_EQ(only.status, 0);
  EXPECT_TRUE(nlohmann::json::parse(only.out)["findings"].empty());
  EXPECT_EQ(run_sgopt({"analyze", sample("web-sprawl.json"), "--passes", "bogus"}).status, 2);
  EXPECT_EQ(run_sgopt({"analyze"}).status, 2);
  std::string out = temp_dir() + "/report.json";
  auto r = run_sgopt({"analyze", sample("nacl-shadowed.json"), "--format", "json", "--out", out});
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(r.out.empty());
  EXPECT_FALSE(nlohmann::json::parse(read_text(out))["findings"].empty());
}

}  // namespace
}  // namespace sgopt::testing

namespace sgopt::testing {
namespace {

// Threads of this user, which RLIMIT_NPROC counts.
std::size_t threads_of_user(uid_t uid) {
  std::size_t n = 0;
  std::error_code ec;
  for (const auto& proc : std::filesystem::directory_iterator("/proc", ec)) {
    struct stat st {};
    if (::stat(proc.path().c_str(), &st) != 0 || st.st_uid != uid) continue;
    for (const auto& t : std::filesystem::directory_iterator(proc.path() / "task", ec)) {
      (void)t;
      ++n;
    }
  }
  return n;
}

TEST(AnalyzeCliTest, AThreadLimitMeansFewerWorkersNeverACrash) {
  // Root is exempt from the process limit: run as nobody then.
  std::string as;
  std::size_t limit = 0;
  if (::geteuid() == 0) {
    if (std::system("command -v runuser >/dev/null 2>&1 && id nobody >/dev/null 2>&1") != 0)
      GTEST_SKIP() << "needs runuser and the user nobody when run as root";
    as = "runuser -u nobody -- ";
    limit = threads_of_user(65534) + 6;
  } else {
    limit = threads_of_user(::geteuid()) + 6;
  }
  std::string dir = temp_dir();
  std::filesystem::permissions(dir, std::filesystem::perms::all);
  std::string groups;
  for (int i = 0; i < 300; ++i)
    groups += fmt::format(R"({}{{"GroupId": "sg-{:05d}", "IpPermissions": [{{"IpProtocol": "tcp", "FromPort": 22,
        "ToPort": 22, "IpRanges": [{{"CidrIp": "0.0.0.0/0"}}]}}]}})",
                          i ? ", " : "", i);
  write_text(dir + "/many.json", R"({"SecurityGroups": [)" + groups + "]}");
  std::filesystem::permissions(dir + "/many.json", std::filesystem::perms::all);
  std::string cmd = fmt::format(
      "{}bash -c 'ulimit -u {} && exec {} analyze {}/many.json --threads 200 --format json' >{}/out 2>{}/err", as,
      limit, SGOPT_BINARY, dir, dir, dir);
  int raw = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(raw)) << read_text(dir + "/err");
  EXPECT_EQ(WEXITSTATUS(raw), 1) << read_text(dir + "/err");  // findings: SSH open to the internet
  EXPECT_NE(read_text(dir + "/err").find("worker threads"), std::string::npos) << read_text(dir + "/err");
  // One SSH finding a group (the 300 groups are also duplicates of each other: hygiene's findings).
  std::size_t ssh = 0;
  const auto report = nlohmann::json::parse(read_text(dir + "/out"));
  for (const auto& f : report["findings"]) ssh += f["pass"] == "overly-permissive";
  EXPECT_EQ(ssh, 300u);
  std::filesystem::remove_all(dir);
  // And a sane cap on what may be asked.
  EXPECT_EQ(run_sgopt({"analyze", sample("web-sprawl.json"), "--threads", "100000"}).status, 2);
}

}  // namespace
}  // namespace sgopt::testing
