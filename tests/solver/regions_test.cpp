// Regions of a packet set: exactly the set (native engine, Z3, reference packets), short, readable.
#include "solver/regions.h"

#include "model/protocol.h"
#include "solver/encoding.h"
#include "solver/rule_sets.h"
#include "tests/support/builders.h"
#include "tests/support/packets.h"
#include "tests/support/rule_gen.h"

#include <gtest/gtest.h>

#include <random>

namespace sgopt {
namespace {

using test_support::rule;
using test_support::v4;
using test_support::v6;

std::vector<std::string> strs(const std::vector<Cidr>& cidrs) {
  std::vector<std::string> out;
  for (const auto& c : cidrs) out.push_back(c.str());
  return out;
}

TEST(RegionsTest, RangeCidrsAreTheAlignedBlocksOfTheRange) {
  using V = std::vector<std::string>;
  EXPECT_EQ(strs(range_cidrs(Family::V4, v4("10.0.0.0/23").first(), v4("10.0.0.0/23").last())), V{"10.0.0.0/23"});
  // 10.0.0.1 .. 10.0.0.6: a /32, two /31s and a /32.
  EXPECT_EQ(strs(range_cidrs(Family::V4, v4("10.0.0.1/32").first(), v4("10.0.0.6/32").first())),
            (V{"10.0.0.1/32", "10.0.0.2/31", "10.0.0.4/31", "10.0.0.6/32"}));
  EXPECT_EQ(strs(range_cidrs(Family::V4, 0, max_address(Family::V4))), V{"0.0.0.0/0"});
  EXPECT_EQ(strs(range_cidrs(Family::V6, 0, max_address(Family::V6))), V{"::/0"});
  EXPECT_EQ(strs(range_cidrs(Family::V6, 1, max_address(Family::V6))).size(), 128u);
}

TEST(RegionsTest, RangeCidrsCoverExactlyTheRange) {
  std::mt19937_64 rng(3);
  for (int i = 0; i < 2000; ++i) {
    u128 a = rng() & 0xffffffffu, b = rng() & 0xffffffffu;
    if (i % 3 == 0) b = a + (rng() % 300);
    if (a > b) std::swap(a, b);
    b = std::min(b, max_address(Family::V4));
    auto cidrs = range_cidrs(Family::V4, a, b);
    ASSERT_FALSE(cidrs.empty());
    u128 next = a;
    for (const auto& c : cidrs) {
      ASSERT_EQ(c.first(), next);
      next = c.last() + 1;
    }
    ASSERT_EQ(next, b + 1);
    // At most two blocks per prefix length: the greedy split is the minimal one.
    ASSERT_LE(cidrs.size(), 62u);
  }
}

TEST(RegionsTest, AllProtocolsIsOneRegion) {
  PeerTable peers;
  auto set = sg_set({rule(kAllProtocols, std::nullopt, std::nullopt, v4("10.0.0.0/8"))}, peers);
  auto regions = regions_of(set);
  ASSERT_EQ(regions.size(), 1u);
  EXPECT_EQ(region_text(regions[0], peers), "all protocols from 10.0.0.0/8");
}

TEST(RegionsTest, SameServiceFromSeveralPeersIsOneRegionWithMinimalCidrs) {
  PeerTable peers;
  SgRule ref = rule(kTcp, 22, 22, v4("10.0.0.0/8"));
  ref.peer.type = PeerType::Group;
  ref.peer.ref = "sg-1";
  auto set = sg_set({rule(kTcp, 22, 22, v4("10.0.0.0/25")), rule(kTcp, 22, 22, v4("10.0.0.128/25")),
                     rule(kTcp, 22, 22, v6("2001:db8::/32")), rule(kTcp, 22, 22, v4("10.0.2.0/24")), ref},
                    peers);
  auto regions = regions_of(set);
  ASSERT_EQ(regions.size(), 1u);
  EXPECT_EQ(region_text(regions[0], peers),
            "tcp port 22 from 10.0.0.0/24, 10.0.2.0/24, 2001:db8::/32, members of sg-1");
}

TEST(RegionsTest, PeerWithWiderAccessKeepsItsOwnRegion) {
  // 10/8 may do everything, 11/8 only tcp: two regions, not one per protocol run.
  PeerTable peers;
  auto set = sg_set(
      {rule(kAllProtocols, std::nullopt, std::nullopt, v4("10.0.0.0/8")), rule(kTcp, 0, 65535, v4("11.0.0.0/8"))},
      peers);
  auto regions = regions_of(set);
  ASSERT_EQ(regions.size(), 2u);
  EXPECT_EQ(region_text(regions[0], peers), "all protocols from 10.0.0.0/8");
  EXPECT_EQ(region_text(regions[1], peers), "tcp all ports from 11.0.0.0/8");
}

TEST(RegionsTest, IcmpKeysReadAsTypesAndCodes) {
  PeerTable peers;
  auto one = regions_of(sg_set({rule(kIcmp, 3, 4, v4("0.0.0.0/0"))}, peers));
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(region_traffic_text(one[0]), "icmp type 3 code 4");
  auto type = regions_of(sg_set({rule(kIcmp, 3, -1, v4("0.0.0.0/0"))}, peers));
  ASSERT_EQ(type.size(), 1u);
  EXPECT_EQ(region_traffic_text(type[0]), "icmp type 3");
  EXPECT_EQ(region_witness(type[0], peers).port_key, 3 * 256);
}

// Every random set: the regions' union is the set (native engine and Z3), each witness lies in the
// set, and the reference evaluator agrees on the rules' boundary packets.
TEST(RegionsTest, RegionsAreExactlyTheSetOnRandomRuleSets) {
  z3::context ctx;
  std::mt19937_64 rng(99);
  for (int round = 0; round < 60; ++round) {
    PeerTable peers;
    auto rules = test_support::random_sg_rules(rng, 1 + static_cast<std::size_t>(round % 12));
    auto drop = test_support::random_sg_rules(rng, 1 + static_cast<std::size_t>(round % 5));
    PacketSet set = sg_set(rules, peers).subtract(sg_set(drop, peers));
    auto regions = regions_of(set);
    ASSERT_EQ(regions_set(regions), set) << "round " << round;
    for (const auto& r : regions) ASSERT_TRUE(set.contains(region_witness(r, peers), peers)) << "round " << round;
    for (const auto& p : test_support::boundary_packets(rules)) {
      bool expected = sg_allows(rules, p) && !sg_allows(drop, p);
      ASSERT_EQ(regions_set(regions).contains(p, peers), expected) << p.str() << " round " << round;
    }
    if (round % 6 == 0) {
      Encoder enc(ctx, peers);
      Prover prover(enc);
      z3::expr_vector any(ctx);
      for (const auto& r : regions)
        for (const auto& b : region_boxes(r)) any.push_back(enc.box(b));
      EXPECT_EQ(prover.equal(z3::mk_or(any), enc.sg(rules) && !enc.sg(drop)).status, ProofStatus::Proved)
          << "round " << round;
    }
  }
}

TEST(RegionsTest, RegionsAreDeterministicAndSorted) {
  std::mt19937_64 rng(5);
  PeerTable peers;
  auto rules = test_support::random_sg_rules(rng, 40);
  auto a = regions_of(sg_set(rules, peers));
  std::shuffle(rules.begin(), rules.end(), rng);
  EXPECT_EQ(regions_of(sg_set(rules, peers)), a);
}

}  // namespace
}  // namespace sgopt
