// Where every rule is: the pointer a describe-security-groups rule implies (SgRule::where) names the
// element it was read from, and its line is the one the generic line finder gives that pointer,
// whatever the order of keys and lists in the text; a mapped file loads as its text does, and the
// passes over the text report their progress in order.
#include "model/aws/loader.h"
#include "model/json/lines.h"
#include "model/json/reader.h"
#include "tests/model/aws/load_helpers.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <random>

namespace sgopt {
namespace {

using Ordered = nlohmann::ordered_json;

// A random describe-security-groups document; `reversed` writes every object's keys, and the peer
// lists of each permission, in the opposite of the order sgopt reads them.
Ordered random_groups(std::mt19937& rng, int groups, bool reversed) {
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  Ordered list = Ordered::array();
  for (int g = 0; g < groups; ++g) {
    Ordered group;
    group["GroupId"] = fmt::format("sg-{:04x}", g);
    group["GroupName"] = fmt::format("g{}", g);
    for (const char* key : {"IpPermissions", "IpPermissionsEgress"}) {
      Ordered perms = Ordered::array();
      for (int j = pick(0, 3); j > 0; --j) {
        Ordered perm;
        perm["IpProtocol"] = "tcp";
        int port = pick(0, 65000);
        perm["FromPort"] = port;
        perm["ToPort"] = port + pick(0, 100);
        std::vector<std::pair<const char*, Ordered>> lists;
        Ordered v4 = Ordered::array(), v6 = Ordered::array(), pls = Ordered::array(), pairs = Ordered::array();
        for (int k = pick(0, 3); k > 0; --k) v4.push_back({{"CidrIp", fmt::format("10.{}.0.0/16", pick(0, 255))}});
        for (int k = pick(0, 2); k > 0; --k)
          v6.push_back({{"CidrIpv6", fmt::format("2001:db8:{:x}::/48", pick(0, 999))}});
        for (int k = pick(0, 1); k > 0; --k) pls.push_back({{"PrefixListId", fmt::format("pl-{}", pick(0, 9))}});
        for (int k = pick(0, 2); k > 0; --k)
          pairs.push_back({{"GroupId", fmt::format("sg-{:04x}", pick(0, groups - 1))}, {"Description", "peer"}});
        if (v4.empty() && v6.empty() && pls.empty() && pairs.empty()) v4.push_back({{"CidrIp", "0.0.0.0/0"}});
        lists = {{"IpRanges", v4}, {"Ipv6Ranges", v6}, {"PrefixListIds", pls}, {"UserIdGroupPairs", pairs}};
        if (reversed) std::reverse(lists.begin(), lists.end());
        for (auto& [name, l] : lists) perm[name] = l;
        perms.push_back(perm);
      }
      group[key] = perms;
    }
    if (reversed) {
      Ordered flipped;
      std::vector<std::string> keys;
      for (auto it = group.begin(); it != group.end(); ++it) keys.push_back(it.key());
      for (auto k = keys.rbegin(); k != keys.rend(); ++k) flipped[*k] = group[*k];
      group = flipped;
    }
    list.push_back(group);
  }
  return Ordered{{"SecurityGroups", list}};
}

// Every rule's pointer names, in the document, a peer element that is the rule's peer, and its line
// is the one the generic line finder gives that pointer.
void expect_rules_where_they_were_read(const Snapshot& s, const Ordered& doc, const std::string& text) {
  std::size_t rules = 0;
  for (const SecurityGroup& g : s.groups)
    for (Direction d : {Direction::Ingress, Direction::Egress})
      for (const SgRule& r : g.rules(d)) {
        ++rules;
        Location at = r.where();
        SCOPED_TRACE(at.str());
        const Ordered& element = doc.at(Ordered::json_pointer(at.json_pointer.str()));
        switch (r.peer.type) {
          case PeerType::Ipv4: EXPECT_EQ(element.at("CidrIp"), r.peer.cidr.str()); break;
          case PeerType::Ipv6: EXPECT_EQ(element.at("CidrIpv6"), r.peer.cidr.str()); break;
          case PeerType::PrefixList: EXPECT_EQ(element.at("PrefixListId"), r.peer.ref.str()); break;
          case PeerType::Group: EXPECT_EQ(element.at("GroupId"), r.peer.ref.str()); break;
        }
        Location reference{at.file, at.json_pointer, 0};
        resolve_lines(text, {&reference});
        EXPECT_GT(reference.line, 0);
        EXPECT_EQ(at.line, reference.line);
      }
  EXPECT_GT(rules, 0u);
}

TEST(RuleLocationsTest, ImpliedPointersAndLinesMatchTheText) {
  std::mt19937 rng(7);
  for (bool reversed : {false, true})
    for (int indent : {-1, 1, 4}) {
      SCOPED_TRACE(fmt::format("reversed {} indent {}", reversed, indent));
      Ordered doc = random_groups(rng, 25, reversed);
      std::string text = doc.dump(indent);
      Snapshot s = testing::load_text(text, "groups.json");
      expect_rules_where_they_were_read(s, doc, text);
    }
}

TEST(RuleLocationsTest, AnIgnoredSecondDefinitionLeavesTheFirstsLines) {
  std::mt19937 rng(11);
  Ordered doc = random_groups(rng, 3, false);
  Ordered again = doc["SecurityGroups"][0];
  again["IpPermissions"] = Ordered::array({{{"IpProtocol", "-1"}, {"IpRanges", {{{"CidrIp", "192.0.2.0/24"}}}}}});
  doc["SecurityGroups"].push_back(again);
  std::string text = doc.dump(2);
  LoadOptions lenient;
  lenient.lenient = true;
  Snapshot s = testing::load_text(text, "groups.json", lenient);
  ASSERT_EQ(s.groups.size(), 3u);
  Ordered first_only = doc;
  first_only["SecurityGroups"].erase(3);
  expect_rules_where_they_were_read(s, first_only, text);
}

class MappedInputTest : public testing::TempDirTest {};

// Large enough for several progress reports of each pass over the text.
TEST_F(MappedInputTest, AMappedFileLoadsAsItsTextAndEachPassReportsInOrder) {
  std::mt19937 rng(3);
  Ordered doc = random_groups(rng, 10000, false);
  std::string text = doc.dump(2);
  ASSERT_GT(text.size(), 2 * json::kReadPastStep);
  write("big.json", text);
  std::string path = (dir_ / "big.json").string();

  Snapshot mapped = load_inputs({path});
  Snapshot read;
  load_document(read, text, path);
  testing::expect_same_model(mapped, read);
  ASSERT_EQ(mapped.groups.size(), read.groups.size());
  for (std::size_t i = 0; i < mapped.groups.size(); i += 97)
    for (Direction d : {Direction::Ingress, Direction::Egress})
      for (std::size_t k = 0; k < mapped.groups[i].rules(d).size(); ++k)
        EXPECT_EQ(mapped.groups[i].rules(d)[k].where().str(), read.groups[i].rules(d)[k].where().str());

  std::vector<std::size_t> offsets;
  json::ReadPast record = [&](std::size_t offset) { offsets.push_back(offset); };
  json::parse_document(text, path, "a document", nullptr, record);
  // The depth check, then the parse: each reports every kReadPastStep bytes, in order.
  std::size_t per_pass = (text.size() - 1) / json::kReadPastStep;
  ASSERT_EQ(offsets.size(), 2 * per_pass);
  for (std::size_t i = 0; i < offsets.size(); ++i) {
    EXPECT_EQ(offsets[i], (i % per_pass + 1) * json::kReadPastStep);
    EXPECT_LT(offsets[i], text.size());
  }
  offsets.clear();
  Location last{path, "/SecurityGroups/9999", 0};
  resolve_lines(text, {&last}, record);
  EXPECT_GT(last.line, 0);
  ASSERT_FALSE(offsets.empty());
  for (std::size_t i = 1; i < offsets.size(); ++i) EXPECT_GT(offsets[i], offsets[i - 1]);
  EXPECT_LT(offsets.back(), text.size());
}

}  // namespace
}  // namespace sgopt
