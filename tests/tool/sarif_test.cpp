// The generic SARIF writer: the shape GitHub code scanning needs (rules with one severity and
// help, valid URIs relative to %SRCROOT%, fingerprints that ignore positions, at most 25,000 results).
#include "tool/sarif.h"

#include <gtest/gtest.h>

namespace sgopt::sarif {
namespace {

RunInfo test_run(const std::string& version = "1") {
  RunInfo run;
  run.tool_version = version;
  run.automation_id = "sgopt/test/";
  run.source_root = "/work/repo";
  return run;
}

TEST(SarifTest, LogCarriesRulesResultsAndLocations) {
  Rule rule;
  rule.id = "pass/kind";
  rule.name = "Kind";
  rule.short_description = "Something is wrong.";
  rule.help_uri = "https://example.org/help";
  rule.default_level = Level::Error;
  rule.security_severity = "8.0";
  rule.tags = {"security"};
  Result res;
  res.rule_id = "pass/kind";
  res.level = Level::Error;
  res.message = "it is wrong";
  res.locations.push_back(Location{"in.json", "/SecurityGroups/0/IpPermissions/2", 0});
  res.logical_name = "sg-1";
  res.fingerprint = fingerprint("sg-1 pass/kind");
  auto log = nlohmann::json::parse(make_log(test_run("0.1.0"), {rule}, {res}));
  EXPECT_EQ(log["version"], "2.1.0");
  const auto& run = log["runs"][0];
  EXPECT_EQ(run["tool"]["driver"]["rules"][0]["id"], "pass/kind");
  EXPECT_EQ(run["tool"]["driver"]["rules"][0]["helpUri"], "https://example.org/help");
  EXPECT_EQ(run["tool"]["driver"]["rules"][0]["properties"]["security-severity"], "8.0");
  const auto& r = run["results"][0];
  EXPECT_EQ(r["ruleIndex"], 0);
  EXPECT_EQ(r["level"], "error");
  const auto& loc = r["locations"][0];
  EXPECT_EQ(loc["physicalLocation"]["artifactLocation"]["uri"], "in.json");
  EXPECT_EQ(loc["physicalLocation"]["artifactLocation"]["uriBaseId"], kSourceRoot);
  EXPECT_EQ(loc["physicalLocation"]["region"]["startLine"], 1);
  EXPECT_FALSE(loc["physicalLocation"]["region"].contains("endLine"));  // the line is not known
  EXPECT_EQ(loc["logicalLocations"][0]["fullyQualifiedName"], "/SecurityGroups/0/IpPermissions/2");
  EXPECT_EQ(run["artifacts"][0]["location"]["uri"], "in.json");
  EXPECT_EQ(run["originalUriBaseIds"][kSourceRoot]["uri"], "file:///work/repo/");
  EXPECT_EQ(run["automationDetails"]["id"], "sgopt/test/");
  EXPECT_EQ(r["partialFingerprints"]["sgoptFinding/v1"].get<std::string>().size(), 16u);
  EXPECT_EQ(r["partialFingerprints"]["primaryLocationLineHash"], fingerprint("pass/kind|it is wrong") + ":1");
}

TEST(SarifTest, RuleHasOneSeverityHelpAndTags) {
  RuleHelp help{"Port 22 is open.", "It gets scanned.", "Close it.", "", "From a test."};
  Rule security = make_rule("p/open", "Open", help, Severity::High, "security", "https://example.org");
  EXPECT_EQ(security.default_level, Level::Error);
  EXPECT_EQ(security.security_severity, "8.0");
  EXPECT_EQ(security.full_description, "Port 22 is open. It gets scanned.");
  EXPECT_NE(security.help_text.find("How to fix: Close it."), std::string::npos);
  EXPECT_NE(security.help_markdown.find("[AWS documentation](https://example.org)"), std::string::npos);
  EXPECT_EQ(security.tags, (std::vector<std::string>{"security", "aws"}));
  Rule upkeep = make_rule("p/dup", "Dup", help, Severity::Medium, "maintainability");
  EXPECT_EQ(upkeep.default_level, Level::Warning);
  EXPECT_TRUE(upkeep.security_severity.empty());
  EXPECT_EQ(level_of(Severity::Low), Level::Note);
  EXPECT_EQ(level_of(Severity::Info), Level::Note);
  EXPECT_EQ(level_of(Severity::Critical), Level::Error);
  auto log = nlohmann::json::parse(make_log(test_run(), {security, upkeep}, {}));
  const auto& rules = log["runs"][0]["tool"]["driver"]["rules"];
  EXPECT_EQ(rules[0]["properties"]["security-severity"], "8.0");
  EXPECT_EQ(rules[0]["help"]["text"], security.help_text);
  EXPECT_EQ(rules[0]["help"]["markdown"], security.help_markdown);
  EXPECT_EQ(rules[0]["fullDescription"]["text"], security.full_description);
  EXPECT_FALSE(rules[1]["properties"].contains("security-severity"));
}

TEST(SarifTest, PathsBecomeValidUriReferences) {
  EXPECT_EQ(percent_encode_path("a b/c%d#e?f"), "a%20b/c%25d%23e%3Ff");
  EXPECT_EQ(percent_encode_path("caf\xc3\xa9.json"), "caf%C3%A9.json");
  EXPECT_EQ(folder_uri("/work/a b"), "file:///work/a%20b/");
  EXPECT_EQ(folder_uri("/"), "file:///");
  auto in = artifact_uri("exports/web sprawl%.json", "/work/repo");
  EXPECT_EQ(in.uri, "exports/web%20sprawl%25.json");
  EXPECT_TRUE(in.relative);
  EXPECT_EQ(artifact_uri("./a/../b.json", "/work/repo").uri, "b.json");
  auto inside = artifact_uri("/work/repo/x/y.json", "/work/repo/");
  EXPECT_EQ(inside.uri, "x/y.json");
  EXPECT_TRUE(inside.relative);
  auto outside = artifact_uri("/tmp/a b.json", "/work/repo");
  EXPECT_EQ(outside.uri, "file:///tmp/a%20b.json");
  EXPECT_FALSE(outside.relative);
  EXPECT_EQ(artifact_uri("../up.json", "/work/repo").uri, "file:///work/up.json");
  EXPECT_EQ(artifact_uri("/work/repository.json", "/work/repo").uri, "file:///work/repository.json");
  auto in_stdin = artifact_uri(kStdinName, "/work/repo");
  EXPECT_EQ(in_stdin.uri, "%3Cstdin%3E");
  EXPECT_FALSE(in_stdin.relative);
}

// The hash GitHub tracks an alert by comes from the result's identity, not its position, and
// tells apart results that share one.
TEST(SarifTest, PrimaryLocationLineHashIgnoresPositions) {
  Rule rule;
  rule.id = "pass/kind";
  rule.short_description = "a rule";
  auto result = [](int line) {
    Result res;
    res.rule_id = "pass/kind";
    res.message = "at line " + std::to_string(line);
    res.identity = "pass/kind|sg-1|tcp 22 0.0.0.0/0";
    res.locations.push_back(Location{"in.json", "/SecurityGroups/0", line});
    return res;
  };
  auto log = nlohmann::json::parse(make_log(test_run(), {rule}, {result(3), result(9)}));
  const auto& results = log["runs"][0]["results"];
  std::string hash = fingerprint("pass/kind|sg-1|tcp 22 0.0.0.0/0");
  EXPECT_EQ(results[0]["partialFingerprints"]["primaryLocationLineHash"], hash + ":1");
  EXPECT_EQ(results[1]["partialFingerprints"]["primaryLocationLineHash"], hash + ":2");
  EXPECT_EQ(results[1]["locations"][0]["physicalLocation"]["region"]["endLine"], 9);
}

// A rule declared after results were written is in the log, which is still the dump of the whole.
TEST(SarifTest, RulesCanBeDeclaredWhileResultsAreWritten) {
  Rule first, late;
  first.id = "pass/kind";
  late.id = "pass/kind/low";
  std::string text;
  LogWriter writer([&](std::string_view piece) { text += piece; }, test_run(), {first}, {"in.json"});
  Result res;
  res.rule_id = "pass/kind";
  res.message = "one";
  res.locations.push_back(Location{"in.json", "", 2});
  writer.add(res);
  EXPECT_FALSE(writer.has_rule("pass/kind/low"));
  writer.declare(late);
  writer.declare(late);  // once
  res.rule_id = "pass/kind/low";
  writer.add(res);
  writer.finish();
  auto log = nlohmann::json::parse(text);
  EXPECT_EQ(text, log.dump(2));
  ASSERT_EQ(log["runs"][0]["tool"]["driver"]["rules"].size(), 2u);
  EXPECT_EQ(log["runs"][0]["results"][1]["ruleIndex"], 1);
}

TEST(SarifTest, ResultsPastTheLimitAreCountedNotWritten) {
  Rule rule;
  rule.id = "pass/kind";
  RunInfo run = test_run();
  run.max_results = 2;
  std::vector<Result> results(3);
  for (auto& res : results) {
    res.rule_id = "pass/kind";
    res.message = "m";
  }
  std::size_t omitted = 0;
  std::string text = make_log(run, {rule}, results, &omitted);
  auto log = nlohmann::json::parse(text);
  EXPECT_EQ(text, log.dump(2));
  EXPECT_EQ(log["runs"][0]["results"].size(), 2u);
  EXPECT_EQ(omitted, 1u);
  EXPECT_EQ(kMaxResults, 25000u);
}

TEST(SarifTest, UndeclaredRuleIsAnError) {
  Result res;
  res.rule_id = "missing";
  EXPECT_THROW(make_log(test_run(), {}, {res}), std::logic_error);
}

TEST(SarifTest, FingerprintIsStableAndDiscriminates) {
  EXPECT_EQ(fingerprint("a"), fingerprint("a"));
  EXPECT_NE(fingerprint("a"), fingerprint("b"));
}

// The log written a result at a time is, byte for byte, what dump(2) writes of the whole log.
TEST(SarifTest, StreamedLogIsTheDumpOfTheWholeLog) {
  Rule rule;
  rule.id = "pass/kind";
  rule.short_description = "a rule";
  for (std::size_t n : {0u, 1u, 3u}) {
    std::vector<Result> results;
    for (std::size_t i = 0; i < n; ++i) {
      Result res;
      res.rule_id = "pass/kind";
      res.message = "result " + std::to_string(i);
      res.locations.push_back(Location{i % 2 ? "b.json" : "a.json", "/SecurityGroups/" + std::to_string(i), 3});
      res.properties = {{"n", i}, {"list", {1, 2}}};
      results.push_back(res);
    }
    std::string text = make_log(test_run(), {rule}, results);
    auto log = nlohmann::json::parse(text);
    EXPECT_EQ(text, log.dump(2)) << n << " results";
    ASSERT_EQ(log["runs"][0]["results"].size(), n);
    for (std::size_t i = 0; i < n; ++i) {
      EXPECT_EQ(log["runs"][0]["results"][i]["message"]["text"], "result " + std::to_string(i));
      int file = log["runs"][0]["results"][i]["locations"][0]["physicalLocation"]["artifactLocation"]["index"];
      EXPECT_EQ(log["runs"][0]["artifacts"][static_cast<std::size_t>(file)]["location"]["uri"],
                i % 2 ? "b.json" : "a.json");
    }
  }
}

TEST(SarifTest, UndeclaredFileIsAnError) {
  Rule rule;
  rule.id = "pass/kind";
  Result res;
  res.rule_id = "pass/kind";
  res.locations.push_back(Location{"other.json", "", 1});
  std::string text;
  LogWriter writer([&](std::string_view piece) { text += piece; }, test_run(), {rule}, {"in.json"});
  EXPECT_THROW(writer.add(res), std::logic_error);
}

}  // namespace
}  // namespace sgopt::sarif
