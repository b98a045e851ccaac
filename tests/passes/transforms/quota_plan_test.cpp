// Quota planning: widenings are supersets with exactly the stated extra traffic, the CIDR-list
// widening is the optimal K-prefix cover, port joins take the cheapest gaps; splits are equivalent.
#include "passes/transforms/quota_plan.h"

#include "model/cidr_cover.h"
#include "model/protocol.h"
#include "solver/rule_sets.h"

#include <gtest/gtest.h>

#include <random>

namespace sgopt {
namespace {

SgRule tcp(int from, int to, u128 addr, int len) {
  SgRule r;
  r.protocol = kTcp;
  r.from_port = from;
  r.to_port = to;
  r.peer.type = PeerType::Ipv4;
  r.peer.cidr = Cidr{Family::V4, addr, len};
  return r;
}

// The plan allows a superset, and what it adds is exactly its stated count.
void expect_exact_extra(const std::vector<SgRule>& before, const WideningPlan& p) {
  PeerTable peers;
  PacketSet a = sg_set(before, peers), b = sg_set(p.rules, peers);
  EXPECT_TRUE(a.subset_of(b));
  EXPECT_EQ(b.subtract(a).count(), p.extra);
}

TEST(QuotaPlanTest, OneCidrListWidensByTheOptimalKCover) {
  std::mt19937 rng(8);
  for (int round = 0; round < 20; ++round) {
    std::vector<SgRule> rules;
    std::vector<AddressRange> ranges;
    for (int i = 0; i < 30; ++i) {
      u128 a = 0xc6336400u + (rng() % 1024);
      rules.push_back(tcp(443, 443, a, 32));
      ranges.push_back({Family::V4, a, a});
    }
    auto exact = exact_cover(ranges);
    std::vector<SgRule> minimal;
    for (const Cidr& c : exact) minimal.push_back(tcp(443, 443, c.addr, c.len));
    int budget = 3 + round % 7;
    auto plans = widening_plans(minimal, Family::V4, budget, nullptr);
    ASSERT_FALSE(plans.empty());
    const WideningPlan& best = plans.front();
    EXPECT_EQ(best.how, "addresses");
    EXPECT_LE(best.bucket_rules, budget);
    u128 optimal = optimal_k_cover(exact, static_cast<std::size_t>(budget)).extra;
    EXPECT_EQ(best.extra, BigCount(static_cast<std::uint64_t>(optimal)));
    expect_exact_extra(minimal, best);
  }
}

TEST(QuotaPlanTest, PortJoinsTakeTheCheapestGaps) {
  // One /24 with ports 80, 82 and 90: one rule must cover 80-90, adding 81 and 83-89 (8 ports).
  std::vector<SgRule> rules{tcp(80, 80, 0x0a000000u, 24), tcp(82, 82, 0x0a000000u, 24), tcp(90, 90, 0x0a000000u, 24)};
  auto plans = widening_plans(rules, Family::V4, 1, nullptr);
  ASSERT_EQ(plans.size(), 1u);
  EXPECT_EQ(plans[0].how, "ports");
  EXPECT_EQ(plans[0].extra, BigCount(8 * 256));
  expect_exact_extra(rules, plans[0]);
  auto two = widening_plans(rules, Family::V4, 2, nullptr);
  ASSERT_FALSE(two.empty());
  EXPECT_EQ(two[0].extra, BigCount(256));  // only the gap at 81
}

TEST(QuotaPlanTest, SplitPartsFitAndTogetherAllowTheSame) {
  std::vector<SgRule> rules;
  for (int i = 0; i < 130; ++i) rules.push_back(tcp(i, i, 0x0a000000u, 8));
  SecurityGroup g;
  g.id = "sg-1";
  Snapshot s;
  NetworkInterface eni;
  eni.id = "eni-1";
  eni.group_ids = {"sg-1", "sg-2", "sg-3"};
  s.interfaces.push_back(eni);
  SplitPlan plan = split_plan(g, rules, Family::V4, 60, s);
  ASSERT_EQ(plan.parts.size(), 3u);
  std::vector<SgRule> all;
  for (const auto& part : plan.parts) {
    EXPECT_LE(part.size(), 60u);
    all.insert(all.end(), part.begin(), part.end());
  }
  PeerTable peers;
  EXPECT_EQ(sg_set(all, peers), sg_set(rules, peers));
  EXPECT_EQ(plan.interfaces, std::vector<std::string>{"eni-1"});
  EXPECT_TRUE(plan.fits) << plan.why;  // 3 + 2 new groups = 5, and 60 x 5 <= 1,000
  s.interfaces[0].group_ids.push_back("sg-4");
  SplitPlan crowded = split_plan(g, rules, Family::V4, 60, s);
  EXPECT_FALSE(crowded.fits);
  EXPECT_NE(crowded.why.find("eni-1"), std::string::npos);
}

}  // namespace
}  // namespace sgopt
