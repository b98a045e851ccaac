// redundant-rules: exact redundancy, covering sets and the maximal removable set, checked against
// the Z3 encoding and the reference evaluator.
#include "passes/analyses/redundant_rules.h"

#include "passes/pass.h"
#include "solver/encoding.h"
#include "solver/rule_sets.h"
#include "tests/support/builders.h"
#include "tests/support/packets.h"
#include "tests/support/rule_gen.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace sgopt {
namespace {

using test_support::sg_rule;
using test_support::tcp;

const RuleRedundancy* find(const RedundancyAnalysis& a, std::size_t rule) {
  for (const auto& r : a.redundant)
    if (r.rule == rule) return &r;
  return nullptr;
}

std::vector<SgRule> pick(const std::vector<SgRule>& rules, const std::vector<std::size_t>& idx) {
  std::vector<SgRule> out;
  for (std::size_t i : idx) out.push_back(rules[i]);
  return out;
}

using test_support::without;

TEST(RedundancyTest, SlashTwentyFourCoveredByTwoSlashTwentyFivesIsRedundant) {
  std::vector<SgRule> rules = {tcp(8080, 8080, "10.20.0.0/25"), tcp(8080, 8080, "10.20.0.128/25"),
                               tcp(8080, 8080, "10.20.0.0/24")};
  auto a = analyze_redundancy(rules);
  const auto* r = find(a, 2);
  ASSERT_NE(r, nullptr);
  EXPECT_FALSE(r->duplicate_of);
  EXPECT_EQ(r->cover, (std::vector<std::size_t>{0, 1}));
  // Each /25 is covered by the /24, but they cannot all go: the removable set keeps the /24's
  // packets allowed.
  EXPECT_NE(find(a, 0), nullptr);
  EXPECT_NE(find(a, 1), nullptr);
  PeerTable peers;
  EXPECT_EQ(sg_set(without(rules, a.removable), peers), sg_set(rules, peers));
  EXPECT_EQ(a.removable, (std::vector<std::size_t>{2}));
}

TEST(RedundancyTest, PortCoveredBySplitRangesNeedsBothRules) {
  std::vector<SgRule> rules = {tcp(0, 21, "10.30.0.0/16"), tcp(22, 1023, "10.30.0.0/16"), tcp(0, 1023, "10.30.4.0/24")};
  auto a = analyze_redundancy(rules);
  ASSERT_EQ(a.redundant.size(), 1u);
  EXPECT_EQ(a.redundant[0].rule, 2u);
  EXPECT_EQ(a.redundant[0].cover, (std::vector<std::size_t>{0, 1}));
}

TEST(RedundancyTest, HalfInternetPairCoversWholeInternetRule) {
  std::vector<SgRule> rules = {tcp(22, 22, "0.0.0.0/1"), tcp(22, 22, "128.0.0.0/1"), tcp(22, 22, "0.0.0.0/0")};
  auto a = analyze_redundancy(rules);
  const auto* r = find(a, 2);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->cover, (std::vector<std::size_t>{0, 1}));
}

TEST(RedundancyTest, SameRuleSpelledDifferentlyIsADuplicate) {
  // "6" and "tcp" are the same protocol; 0-65535 and no ports are the same range for udp.
  std::vector<SgRule> rules = {sg_rule(6, 22, 22, "203.0.113.0/24"), tcp(22, 22, "203.0.113.0/24"),
                               sg_rule(17, 0, 65535, "10.0.0.0/8"),
                               sg_rule(17, std::nullopt, std::nullopt, "10.0.0.0/8")};
  auto a = analyze_redundancy(rules);
  ASSERT_EQ(a.redundant.size(), 4u);
  for (const auto& r : a.redundant) EXPECT_TRUE(r.duplicate_of) << r.rule;
  EXPECT_EQ(*find(a, 0)->duplicate_of, 1u);
  EXPECT_EQ(*find(a, 1)->duplicate_of, 0u);
  // Only one of each pair can go, and the first written stays.
  EXPECT_EQ(a.removable, (std::vector<std::size_t>{1, 3}));
}

TEST(RedundancyTest, PartlyCoveredRuleIsNotRedundant) {
  std::vector<SgRule> rules = {
      tcp(8080, 8080, "10.20.0.0/25"), tcp(8080, 8080, "10.20.0.0/24"), tcp(22, 22, "::/0"),
      tcp(22, 22, "0.0.0.0/0"),        sg_rule(1, 3, -1, "0.0.0.0/0"),  sg_rule(1, -1, -1, "10.0.0.0/8")};
  auto a = analyze_redundancy(rules);
  // Only the /25 is covered; IPv6 never covers IPv4; icmp type 3 from everywhere is not inside
  // all icmp from 10/8.
  ASSERT_EQ(a.redundant.size(), 1u);
  EXPECT_EQ(a.redundant[0].rule, 0u);
}

TEST(RedundancyTest, ReferencedGroupIsCoveredOnlyByTheSameReference) {
  std::vector<SgRule> rules = {sg_rule(-1, std::nullopt, std::nullopt, "sg-lb"), tcp(443, 443, "sg-lb"),
                               tcp(443, 443, "sg-other"), sg_rule(-1, std::nullopt, std::nullopt, "0.0.0.0/0")};
  auto a = analyze_redundancy(rules);
  ASSERT_EQ(a.redundant.size(), 1u);
  EXPECT_EQ(a.redundant[0].rule, 1u);
  EXPECT_EQ(a.redundant[0].cover, (std::vector<std::size_t>{0}));
}

TEST(RedundancyTest, CoveredTwiceHoldsExactlyThePacketsOfTwoRules) {
  std::vector<PacketSet> sets = {PacketSet::from_box(kind_box(kPeerIpv4, 0, 99, 6, 6, 0, 10)),
                                 PacketSet::from_box(kind_box(kPeerIpv4, 50, 149, 6, 6, 0, 10)),
                                 PacketSet::from_box(kind_box(kPeerIpv4, 140, 200, 6, 6, 5, 5))};
  PacketSet expected =
      PacketSet::from_boxes({kind_box(kPeerIpv4, 50, 99, 6, 6, 0, 10), kind_box(kPeerIpv4, 140, 149, 6, 6, 5, 5)});
  EXPECT_EQ(covered_twice(sets), expected);
  EXPECT_TRUE(covered_twice({}).empty());
}

// Random groups: every claim against the Z3 encoding and the reference evaluator.
TEST(RedundancyTest, RandomGroupsAgreeWithZ3AndTheReferenceEvaluator) {
  z3::context ctx;
  std::mt19937_64 rng(3);
  int redundant_seen = 0, removable_seen = 0;
  for (int round = 0; round < 8; ++round) {
    auto rules = test_support::random_sg_rules(rng, 4 + static_cast<std::size_t>(round % 6));
    // Add covered copies so that redundancy is common.
    auto extra = test_support::equivalent_sg_rules(rules, rng);
    rules.insert(rules.end(), extra.begin(), extra.begin() + static_cast<long>(std::min<std::size_t>(extra.size(), 5)));
    auto a = analyze_redundancy(rules);
    PeerTable peers;
    Encoder enc(ctx, peers);
    Prover prover(enc);
    auto packets = test_support::boundary_packets(rules);
    for (std::size_t i = 0; i < rules.size(); ++i) {
      const RuleRedundancy* r = find(a, i);
      auto others = without(rules, {i});
      ProofResult z3 = prover.subset(enc.rule(rules[i]), enc.sg(others));
      ASSERT_NE(z3.status, ProofStatus::Unknown);
      EXPECT_EQ(r != nullptr, z3.status == ProofStatus::Proved) << "round " << round << " rule " << i;
      if (!r) continue;
      ++redundant_seen;
      auto cover = pick(rules, r->cover);
      EXPECT_EQ(prover.subset(enc.rule(rules[i]), enc.sg(cover)).status, ProofStatus::Proved);
      for (const auto& p : packets) {
        if (rule_matches(rules[i], p)) {
          EXPECT_TRUE(sg_allows(cover, p)) << p.str();
        }
      }
      if (r->duplicate_of) {
        EXPECT_EQ(prover.equal(enc.rule(rules[i]), enc.rule(rules[*r->duplicate_of])).status, ProofStatus::Proved);
      }
    }
    // The removable set leaves the group equivalent (native, Z3, reference) ...
    auto kept = without(rules, a.removable);
    removable_seen += static_cast<int>(a.removable.size());
    EXPECT_EQ(sg_set(kept, peers), sg_set(rules, peers));
    EXPECT_EQ(prover.equal(enc.sg(kept), enc.sg(rules)).status, ProofStatus::Proved) << "round " << round;
    for (const auto& p : packets) EXPECT_EQ(sg_allows(kept, p), sg_allows(rules, p)) << p.str();
    // ... and is maximal: removing any further redundant rule changes the group.
    for (const auto& r : a.redundant) {
      if (std::find(a.removable.begin(), a.removable.end(), r.rule) != a.removable.end()) continue;
      auto more = a.removable;
      more.push_back(r.rule);
      EXPECT_FALSE(sg_set(without(rules, more), peers) == sg_set(rules, peers)) << "round " << round;
    }
    if (HasFailure()) break;
  }
  EXPECT_GT(redundant_seen, 5);
  EXPECT_GT(removable_seen, 3);
}

TEST(RedundancyTest, PassReportsDuplicatesCoversAndTheRemovableSetWithConfirmedWitnesses) {
  Snapshot s;
  s.groups.push_back(test_support::group(
      "sg-1", {tcp(8080, 8080, "10.20.0.0/25"), tcp(8080, 8080, "10.20.0.128/25"), tcp(8080, 8080, "10.20.0.0/24"),
               tcp(22, 22, "203.0.113.0/24"), sg_rule(6, 22, 22, "203.0.113.0/24")}));
  auto findings = run_analyses(s, {find_pass("redundant-rules")}, AnalysisOptions{});
  int duplicates = 0, redundant = 0, sets = 0;
  for (const auto& f : findings) {
    EXPECT_EQ(f.resource_id, "sg-1");
    if (f.kind == "removable-set") {
      ++sets;
      continue;
    }
    duplicates += f.kind == "duplicate";
    redundant += f.kind == "redundant";
    ASSERT_TRUE(f.witness);
    ASSERT_EQ(f.rules.size(), 1u);
    ASSERT_FALSE(f.causes.empty());
    const auto& rules = s.groups[0].ingress;
    auto it = std::find_if(rules.begin(), rules.end(),
                           [&](const SgRule& r) { return r.source.permission_index == f.rules[0].permission_index; });
    ASSERT_NE(it, rules.end());
    EXPECT_TRUE(rule_matches(*it, *f.witness));
  }
  EXPECT_EQ(duplicates, 2);
  EXPECT_EQ(redundant, 3);
  EXPECT_EQ(sets, 1);
}

// Closed world: a reference whose loaded members or entries are none allows nothing, alone in its
// direction too, and the finding says why; in the open world the same rule is not redundant.
TEST(RedundancyTest, AResolvedReferenceWithoutMembersAllowsNothing) {
  Snapshot s;
  s.groups.push_back(test_support::group("sg-1", {tcp(22, 22, "sg-2")}, {tcp(443, 443, "pl-1")}));
  s.groups.push_back(test_support::group("sg-2", {}));
  NetworkInterface eni;
  eni.id = "eni-1";
  eni.group_ids = {"sg-1"};
  eni.private_ipv4 = {0x0a000005};
  s.interfaces.push_back(eni);
  PrefixList list;
  list.id = "pl-1";
  list.entries_loaded = true;
  s.prefix_lists.push_back(list);
  s.resolve_references(ReferenceMode::Resolve);
  auto findings = run_analyses(s, {find_pass("redundant-rules")}, AnalysisOptions{});
  ASSERT_EQ(findings.size(), 2u);
  for (const auto& f : findings) {
    EXPECT_EQ(f.kind, "redundant");
    EXPECT_EQ(f.world, World::Closed);
    EXPECT_TRUE(f.causes.empty());
    EXPECT_FALSE(f.witness);  // there is no packet it allows
  }
  EXPECT_EQ(findings[0].message, "ingress tcp 22 sg-2 allows nothing: no loaded network interface carries sg-2");
  EXPECT_NE(findings[0].fix.find("once it has members"), std::string::npos) << findings[0].fix;
  EXPECT_EQ(findings[1].message, "egress tcp 443 pl-1 allows nothing: the loaded entries of pl-1 are empty");
  s.resolve_references(ReferenceMode::Open);
  EXPECT_TRUE(run_analyses(s, {find_pass("redundant-rules")}, AnalysisOptions{}).empty());
}

}  // namespace
}  // namespace sgopt
