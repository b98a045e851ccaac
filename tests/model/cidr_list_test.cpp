// Reading plain-text CIDR lists: comments, families, ranges, host bits and line-numbered errors.
#include "model/cidr_list.h"

#include <gtest/gtest.h>

namespace sgopt {
namespace {

TEST(CidrListTest, ReadsCidrsAddressesRangesAndComments) {
  auto l = parse_cidr_list(
      "# office\n10.0.0.0/8\n\n  192.0.2.7  # host\n2001:db8::/32\n"
      "198.51.100.10 - 198.51.100.20\r\n",
      "f.txt");
  EXPECT_TRUE(l.errors.empty());
  EXPECT_TRUE(l.warnings.empty());
  ASSERT_EQ(l.ranges.size(), 4u);
  EXPECT_EQ(l.ranges[0], (AddressRange{Family::V4, 0x0a000000, 0x0affffff}));
  EXPECT_EQ(l.ranges[1], (AddressRange{Family::V4, 0xc0000207, 0xc0000207}));
  EXPECT_EQ(l.ranges[2].family, Family::V6);
  EXPECT_EQ(l.ranges[3], (AddressRange{Family::V4, 0xc633640a, 0xc6336414}));
}

TEST(CidrListTest, HostBitsAreClearedWithAWarning) {
  auto l = parse_cidr_list("10.0.0.5/24\n", "f.txt");
  ASSERT_EQ(l.ranges.size(), 1u);
  EXPECT_EQ(l.ranges[0].lo, 0x0a000000u);
  ASSERT_EQ(l.warnings.size(), 1u);
  EXPECT_EQ(l.warnings[0].where.line, 1);
  EXPECT_NE(l.warnings[0].message.find("10.0.0.0/24"), std::string::npos);
}

TEST(CidrListTest, BadLinesAreNamedByFileAndLine) {
  auto l = parse_cidr_list("10.0.0.0/8\nnot-an-address\n10.0.0.0/40\n10.0.0.9-10.0.0.1\n", "list.txt");
  ASSERT_EQ(l.errors.size(), 3u);
  EXPECT_EQ(l.errors[0].str().substr(0, 11), "list.txt:2:");
  EXPECT_EQ(l.errors[1].where.line, 3);
  EXPECT_EQ(l.errors[2].where.line, 4);
}

}  // namespace
}  // namespace sgopt
