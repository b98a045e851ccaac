// The real-world corpus in ../shared/realdata: every describe file loads, with the counts INDEX.md
// states, and survives a write and a second load unchanged.
#include "model/aws/loader.h"
#include "model/aws/writer.h"
#include "tests/model/aws/load_helpers.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace sgopt {
namespace {

namespace fs = std::filesystem;

const fs::path kRealdata = SGOPT_SOURCE_DIR "/../shared/realdata";

struct Counts {
  int groups = 0, rules = 0, acls = 0, entries = 0, enis = 0;
  bool operator==(const Counts&) const = default;
};

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t");
  auto e = s.find_last_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

std::vector<std::string> cells(const std::string& row) {
  std::vector<std::string> out;
  std::stringstream in(row);
  std::string cell;
  std::getline(in, cell, '|');  // text before the first bar
  while (std::getline(in, cell, '|')) out.push_back(trim(cell));
  if (!out.empty() && out.back().empty()) out.pop_back();
  return out;
}

/// INDEX.md's table: describe file -> counts, read by column name.
std::map<std::string, Counts> read_index() {
  std::ifstream in(kRealdata / "INDEX.md");
  std::map<std::string, Counts> out;
  std::map<std::string, std::size_t> column;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("| file", 0) == 0) {
      auto head = cells(line);
      for (std::size_t i = 0; i < head.size(); ++i) column[head[i]] = i;
      continue;
    }
    if (line.rfind("| describe/", 0) != 0 || column.empty()) continue;
    auto row = cells(line);
    auto num = [&](const char* name) { return std::stoi(row.at(column.at(name))); };
    out[row.at(column.at("file"))] = Counts{num("groups"), num("rules"), num("ACLs"), num("entries"), num("ENIs")};
  }
  return out;
}

Counts count(const Snapshot& s) {
  Counts c;
  c.groups = static_cast<int>(s.groups.size());
  for (const auto& g : s.groups) c.rules += static_cast<int>(g.ingress.size() + g.egress.size());
  c.acls = static_cast<int>(s.acls.size());
  for (const auto& a : s.acls) c.entries += static_cast<int>(a.ingress.size() + a.egress.size());
  c.enis = static_cast<int>(s.interfaces.size());
  return c;
}

std::vector<fs::path> describe_files() {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(kRealdata / "describe"))
    if (e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

// batfish-test.SecurityGroups.json is a Batfish test fixture, not an AWS export: three groups share
// one id and one rule has ICMP type -1 with code 9. Lenient loading keeps them, with warnings.
const LoadOptions kLenient{true};

TEST(RealdataTest, EveryDescribeFileLoadsWithTheCountsOfIndex) {
  if (!fs::exists(kRealdata / "INDEX.md")) GTEST_SKIP() << "no ../shared/realdata beside the checkout";
  auto index = read_index();
  ASSERT_FALSE(index.empty()) << "INDEX.md has no describe rows";
  auto files = describe_files();
  EXPECT_EQ(files.size(), index.size()) << "every describe file has a row in INDEX.md and back";
  for (const auto& f : files) {
    std::string name = "describe/" + f.filename().string();
    SCOPED_TRACE(name);
    ASSERT_TRUE(index.count(name)) << "no INDEX.md row";
    Snapshot s = load_inputs({f.string()}, kLenient);
    Counts want = index[name], got = count(s);
    // INDEX.md counts the objects of the file; of one id defined again, only the first is used.
    int ignored = 0;
    for (const auto& w : s.warnings)
      if (w.message.find("defined twice") != std::string::npos) ++ignored;
    EXPECT_EQ(got.groups + ignored, want.groups);
    if (ignored == 0) {
      EXPECT_EQ(got.rules, want.rules);
    } else {
      EXPECT_LT(got.rules, want.rules);
    }
    EXPECT_EQ(got.acls, want.acls);
    EXPECT_EQ(got.entries, want.entries);
    EXPECT_EQ(got.enis, want.enis);
  }
}

TEST(RealdataTest, OnlyTheBatfishFixtureNeedsLenientLoading) {
  if (!fs::exists(kRealdata / "INDEX.md")) GTEST_SKIP() << "no ../shared/realdata beside the checkout";
  for (const auto& f : describe_files()) {
    SCOPED_TRACE(f.filename().string());
    if (f.filename() == "batfish-test.SecurityGroups.json") {
      EXPECT_THROW(load_inputs({f.string()}), InputError);
    } else {
      EXPECT_NO_THROW(load_inputs({f.string()}));
    }
  }
}

TEST(RealdataTest, EveryDescribeFileSurvivesAWriteAndASecondLoad) {
  if (!fs::exists(kRealdata / "INDEX.md")) GTEST_SKIP() << "no ../shared/realdata beside the checkout";
  for (const auto& f : describe_files()) {
    SCOPED_TRACE(f.filename().string());
    Snapshot s = load_inputs({f.string()}, kLenient);
    std::string groups = write_security_groups(s.groups), acls = write_network_acls(s.acls);
    Snapshot back;
    load_document(back, groups, "groups.json", kLenient);
    load_document(back, acls, "acls.json", kLenient);
    testing::expect_same_model(s, back);
    // Nothing changed, so every field of every object comes out as it went in.
    std::ifstream in(f);
    auto original = nlohmann::json::parse(in);
    // Of an id defined twice (--lenient), the first definition is the one kept.
    auto first_of_each = [](const nlohmann::json& list, const char* id_key) {
      nlohmann::json out = nlohmann::json::array();
      std::set<std::string> seen;
      for (const auto& o : list)
        if (seen.insert(o.value(id_key, std::string())).second) out.push_back(o);
      return out;
    };
    if (original.contains("SecurityGroups")) {
      EXPECT_EQ(nlohmann::json::parse(groups)["SecurityGroups"], first_of_each(original["SecurityGroups"], "GroupId"));
    }
    if (original.contains("NetworkAcls")) {
      EXPECT_EQ(nlohmann::json::parse(acls)["NetworkAcls"], first_of_each(original["NetworkAcls"], "NetworkAclId"));
    }
  }
}

}  // namespace
}  // namespace sgopt
