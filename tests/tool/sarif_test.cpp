// The generic SARIF writer: the shape GitHub code scanning needs.
#include "tool/sarif.h"

#include <gtest/gtest.h>

namespace sgopt::sarif {
namespace {

TEST(SarifTest, LogCarriesRulesResultsAndLocations) {
  Rule rule{"pass/kind",  "Kind", "Something is wrong.", "", "https://example.org/help", "",
            Level::Error, "8.0",  {"security"}};
  Result res;
  res.rule_id = "pass/kind";
  res.level = Level::Error;
  res.message = "it is wrong";
  res.locations.push_back(Location{"in.json", "/SecurityGroups/0/IpPermissions/2", 0});
  res.logical_name = "sg-1";
  res.fingerprint = fingerprint("sg-1 pass/kind");
  auto log = nlohmann::json::parse(make_log("sgopt", "0.1.0", "", {rule}, {res}));
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
  EXPECT_EQ(loc["physicalLocation"]["region"]["startLine"], 1);
  EXPECT_EQ(loc["logicalLocations"][0]["fullyQualifiedName"], "/SecurityGroups/0/IpPermissions/2");
  EXPECT_EQ(run["artifacts"][0]["location"]["uri"], "in.json");
  EXPECT_EQ(r["partialFingerprints"]["sgoptFinding/v1"].get<std::string>().size(), 16u);
}

TEST(SarifTest, UndeclaredRuleIsAnError) {
  Result res;
  res.rule_id = "missing";
  EXPECT_THROW(make_log("sgopt", "1", "", {}, {res}), std::logic_error);
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
    std::string text = make_log("sgopt", "1", "", {rule}, results);
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
  LogWriter writer([&](std::string_view piece) { text += piece; }, "sgopt", "1", "", {rule}, {"in.json"});
  EXPECT_THROW(writer.add(res), std::logic_error);
}

}  // namespace
}  // namespace sgopt::sarif
