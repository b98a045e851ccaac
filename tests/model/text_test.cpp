// Text (model/text.h) behaves like a string value, and a rule stays compact with it.
#include "model/text.h"

#include "model/network_acl.h"
#include "model/rule.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <utility>
#include <vector>

namespace sgopt {
namespace {

TEST(TextTest, HoldsWhatItIsGivenLikeAString) {
  Text empty;
  EXPECT_TRUE(empty.empty());
  EXPECT_EQ(empty.size(), 0u);
  EXPECT_EQ(empty.view(), "");
  Text t = std::string("sgr-0123456789abcdef0");
  EXPECT_FALSE(t.empty());
  EXPECT_EQ(t.size(), 21u);
  EXPECT_EQ(t, "sgr-0123456789abcdef0");
  EXPECT_EQ(fmt::format("[{}]", t), "[sgr-0123456789abcdef0]");
  EXPECT_EQ("id " + t, "id sgr-0123456789abcdef0");
  Text from_empty = std::string_view();
  EXPECT_TRUE(from_empty.empty());  // an empty text holds nothing
  std::string with_nul("a\0b", 3);
  EXPECT_EQ(Text(with_nul).view(), with_nul);  // every byte, a NUL too
}

TEST(TextTest, CopiesAreIndependentAndMovesLeaveNothingBehind) {
  Text a = "first";
  Text b = a;
  b = "second";
  EXPECT_EQ(a, "first");
  EXPECT_EQ(b, "second");
  Text c = std::move(b);
  EXPECT_EQ(c, "second");
  const Text& same = a;
  a = same;  // self-assignment keeps the text
  EXPECT_EQ(a, "first");
  a = a.view().substr(1);  // assigning a view of itself reads it before letting it go
  EXPECT_EQ(a, "irst");
  a.clear();
  EXPECT_TRUE(a.empty());
}

TEST(TextTest, AgreesWithStdStringOnRandomOperations) {
  std::mt19937 rng(7);
  std::vector<Text> texts(8);
  std::vector<std::string> strings(8);
  for (int step = 0; step < 5000; ++step) {
    std::size_t i = rng() % 8, j = rng() % 8;
    switch (rng() % 4) {
      case 0: {
        std::string s(rng() % 40, 'a');
        for (char& ch : s) ch = static_cast<char>(rng() % 256);
        texts[i] = s;
        strings[i] = s;
        break;
      }
      case 1:
        texts[i] = texts[j];
        strings[i] = strings[j];
        break;
      case 2:
        texts[i] = std::move(texts[j]);
        strings[i] = std::move(strings[j]);
        texts[j] = Text();  // a moved-from value is only ever reassigned
        strings[j].clear();
        break;
      default: texts[i].clear(); strings[i].clear();
    }
    for (std::size_t k = 0; k < 8; ++k) ASSERT_EQ(texts[k].view(), strings[k]) << "step " << step;
  }
}

TEST(TextTest, RulesStayCompact) {
  // The sizes that keep a 300,000-rule account near its input size (libstdc++ on x86-64): a CIDR
  // without padding, and a rule whose rarely set strings are one word each.
  EXPECT_EQ(sizeof(Text), sizeof(void*));
  EXPECT_LE(sizeof(Cidr), 32u);
  EXPECT_LE(sizeof(Peer), 96u);
  EXPECT_LE(sizeof(SgRule), 208u);
  EXPECT_LE(sizeof(NaclEntry), 160u);
}

}  // namespace
}  // namespace sgopt
