// Addresses: parsing as inet_pton reads them, printing as RFC 5952 (checked against inet_ntop),
// and CIDR canonicalisation, on edge and random inputs.
#include "model/ip.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <random>
#include <string>

namespace sgopt {
namespace {

std::string ntop6(u128 v) {
  unsigned char bytes[16];
  for (int i = 15; i >= 0; --i, v >>= 8) bytes[i] = static_cast<unsigned char>(v & 0xff);
  char buf[INET6_ADDRSTRLEN];
  return inet_ntop(AF_INET6, bytes, buf, sizeof buf);
}

// An address with runs of zero groups, the case RFC 5952's "::" rule is about.
u128 random_v6(std::mt19937_64& rng) {
  u128 v = 0;
  for (int g = 0; g < 8; ++g) {
    std::uint64_t group = rng() % 3 == 0 ? 0 : rng() % 0x10000;
    if (rng() % 5 == 0) group = rng() % 16;
    v = (v << 16) | group;
  }
  return v;
}

// inet_ntop writes IPv4-mapped, -compatible and -translated addresses with a dotted tail; sgopt
// always writes hexadecimal groups (as AWS prints IPv6 CIDRs).
bool has_dotted_tail(u128 v) {
  u128 high96 = v >> 32;
  return high96 == 0xffff || (high96 == 0 && (v >> 16) != 0) || high96 == (static_cast<u128>(0xffff) << 16);
}

TEST(IpTest, Ipv4EdgeInputs) {
  EXPECT_EQ(parse_ipv4("0.0.0.0"), u128{0});
  EXPECT_EQ(parse_ipv4("255.255.255.255"), u128{0xffffffffu});
  EXPECT_EQ(parse_ipv4("10.1.2.3"), u128{0x0a010203u});
  for (const char* bad : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.-4", "01.2.3.4", "1.2.3.04", " 1.2.3.4",
                          "1.2.3.4 ", "1..2.3", "a.b.c.d", "1.2.3.4/8", "0x1.2.3.4", "1.2.3.4\n"})
    EXPECT_FALSE(parse_ipv4(bad)) << "'" << bad << "'";
}

TEST(IpTest, Ipv6EdgeInputs) {
  EXPECT_EQ(parse_ipv6("::"), u128{0});
  EXPECT_EQ(parse_ipv6("::1"), u128{1});
  EXPECT_EQ(parse_ipv6("1:2:3:4:5:6:7::"), parse_ipv6("1:2:3:4:5:6:7:0"));
  EXPECT_EQ(parse_ipv6("::ffff:1.2.3.4"), (static_cast<u128>(0xffff) << 32) | 0x01020304u);
  EXPECT_EQ(parse_ipv6("2001:DB8::A"), parse_ipv6("2001:db8::a"));
  for (const char* bad : {"", ":", ":::", "1::2::3", ":1::", "1:2:3:4:5:6:7:8::", "12345::", "1:2:3:4:5:6:7",
                          "::01.2.3.4", "1:2:3:4:5:6:7:1.2.3.4", "g::1", "::1/64", "1:2:3:4:5:6:7:8:9"})
    EXPECT_FALSE(parse_ipv6(bad)) << "'" << bad << "'";
}

TEST(IpTest, Ipv6PrintsAsInetNtopAndReadsBack) {
  std::mt19937_64 rng(20261201);
  int compared = 0;
  for (int i = 0; i < 20000; ++i) {
    u128 v = random_v6(rng);
    std::string text = format_address(Family::V6, v);
    ASSERT_EQ(parse_ipv6(text), v) << text;
    if (has_dotted_tail(v)) continue;
    ASSERT_EQ(text, ntop6(v));
    ++compared;
  }
  EXPECT_GT(compared, 15000);
}

TEST(IpTest, Ipv4PrintsAndReadsBack) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 20000; ++i) {
    u128 v = rng() & 0xffffffffu;
    char buf[INET_ADDRSTRLEN];
    unsigned char bytes[4] = {static_cast<unsigned char>(v >> 24), static_cast<unsigned char>(v >> 16),
                              static_cast<unsigned char>(v >> 8), static_cast<unsigned char>(v)};
    std::string text = format_address(Family::V4, v);
    ASSERT_EQ(text, inet_ntop(AF_INET, bytes, buf, sizeof buf));
    ASSERT_EQ(parse_ipv4(text), v);
  }
}

TEST(IpTest, CidrsAreCanonicalisedAsAwsDoes) {
  auto c = parse_cidr("10.1.2.3/8", Family::V4, nullptr);
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->host_bits_cleared);
  EXPECT_EQ(c->cidr.str(), "10.0.0.0/8");
  auto six = parse_cidr("2001:db8::1/32", Family::V6, nullptr);
  ASSERT_TRUE(six);
  EXPECT_EQ(six->cidr.str(), "2001:db8::/32");
  EXPECT_EQ(parse_cidr("0.0.0.0/0", Family::V4, nullptr)->cidr.last(), u128{0xffffffffu});
  EXPECT_EQ(parse_cidr("::/0", Family::V6, nullptr)->cidr.last(), ~u128{0});
  std::string why;
  for (const char* bad :
       {"10.0.0.0", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/", "10.0.0.0/8x", "010.0.0.0/8", "2001:db8::/24"}) {
    EXPECT_FALSE(parse_cidr(bad, Family::V4, &why)) << bad;
    EXPECT_FALSE(why.empty());
  }
  EXPECT_FALSE(parse_cidr("::/129", Family::V6, &why));
}

TEST(IpTest, LargeNumbersPrintInDecimal) {
  EXPECT_EQ(u128_to_string(0), "0");
  EXPECT_EQ(u128_to_string(~u128{0}), "340282366920938463463374607431768211455");
  EXPECT_EQ(u128_to_string(static_cast<u128>(1) << 64), "18446744073709551616");
}

}  // namespace
}  // namespace sgopt
