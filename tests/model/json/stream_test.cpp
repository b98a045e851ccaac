// write_streamed_object writes byte for byte what dump() writes for the whole object, for every
// shape a report or a describe document has (empty and one-element arrays, nested objects and
// arrays, strings that need escapes, members written whole), in both styles used: show's (nlohmann::json, indent 2,
// empty arrays written) and minimize's (ordered_json, indent 4, empty members left out).
#include "model/json/stream.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace sgopt::json {
namespace {

template <class J>
J random_value(std::mt19937& rng, int depth) {
  switch (depth > 2 ? rng() % 4 : rng() % 7) {
    case 0: return static_cast<int>(rng() % 1000) - 500;
    case 1: return std::string("a\"b\\n\\t") + std::to_string(rng() % 10) + "\n";
    case 2: return rng() % 2 == 0;
    case 3: return nullptr;
    case 4: {
      J a = J::array();
      for (auto i = rng() % 3; i > 0; --i) a.push_back(random_value<J>(rng, depth + 1));
      return a;
    }
    default: {
      J o = J::object();
      for (auto i = rng() % 4; i > 0; --i) o["k" + std::to_string(rng() % 9)] = random_value<J>(rng, depth + 1);
      return o;
    }
  }
}

template <class J>
void expect_streamed_is_dumped(const StreamStyle& style) {
  std::mt19937 rng(5);
  const std::vector<std::string> keys{"acls", "groups", "interfaces"};
  for (int round = 0; round < 300; ++round) {
    J whole = J::object();
    std::vector<std::vector<J>> arrays;
    for (const auto& key : keys) {
      std::vector<J> items;
      for (auto i = rng() % 4; i > 0; --i) items.push_back(random_value<J>(rng, 0));
      if (!items.empty() || !style.skip_empty) {
        whole[key] = J::array();
        for (const auto& x : items) whole[key].push_back(x);
      }
      arrays.push_back(items);
    }
    std::vector<StreamedArray<J>> members;
    for (std::size_t m = 0; m < arrays.size(); ++m)
      members.push_back({keys[m], arrays[m].size(), [&, m](std::size_t i) { return arrays[m][i]; }, std::nullopt});
    // And a member written whole, as reports carry their summary.
    J summary = random_value<J>(rng, 0);
    whole["summary"] = summary;
    members.push_back({"summary", 0, {}, summary});
    std::string streamed;
    write_streamed_object<J>([&](std::string_view piece) { streamed += piece; }, members, style);
    ASSERT_EQ(streamed, whole.dump(style.indent) + "\n") << "round " << round;
  }
}

TEST(JsonStreamTest, ShowStyleIsWhatDumpWrites) { expect_streamed_is_dumped<nlohmann::json>(StreamStyle{}); }

TEST(JsonStreamTest, DescribeStyleIsWhatDumpWrites) {
  expect_streamed_is_dumped<nlohmann::ordered_json>(StreamStyle{4, true, nlohmann::detail::error_handler_t::replace});
}

TEST(JsonStreamTest, NoMembersIsAnEmptyObject) {
  std::string out;
  write_streamed_object<nlohmann::json>([&](std::string_view p) { out += p; }, {}, StreamStyle{});
  EXPECT_EQ(out, "{}\n");
}

}  // namespace
}  // namespace sgopt::json
