// Every redundancy, minimize and diff claim on the real corpus, re-checked in both worlds: with
// references open (every membership) and resolved from each export's own interfaces and
// prefix-list entries (closed world). Claims are checked by Z3 and by the reference evaluator on
// the rules' boundary packets, packets from members of every reference, and the resolved members'
// address edges.
#include "model/aws/loader.h"
#include "model/packet.h"
#include "passes/analyses/redundant_rules.h"
#include "passes/compare/diff.h"
#include "passes/transforms/minimize.h"
#include "solver/encoding.h"
#include "tests/support/builders.h"
#include "tests/support/corpus.h"
#include "tests/support/packets.h"

#include <gtest/gtest.h>

namespace sgopt {
namespace {

std::vector<Packet> probes(const std::vector<SgRule>& a, const std::vector<SgRule>& b, const References& refs) {
  std::vector<SgRule> both = a;
  both.insert(both.end(), b.begin(), b.end());
  std::vector<Packet> out = test_support::boundary_packets(both);
  for (const ReferenceInfo& info : refs.all())
    for (const Cidr& c : info.addresses)
      for (u128 addr : {c.first(), c.last(), c.first() - 1, c.last() + 1})
        for (const Packet& p : test_support::boundary_packets(a))
          out.push_back(Packet{c.family, addr & max_address(c.family), std::nullopt, p.protocol, p.port_key});
  return out;
}

struct Tally {
  int lists = 0, redundant = 0, removable = 0, minimized = 0, closed = 0;
};

void check_world(const Snapshot& s, const References& refs, z3::context& ctx, Tally& t) {
  bool closed = refs.any_resolved();
  for (const SecurityGroup& g : s.groups)
    for (Direction d : {Direction::Ingress, Direction::Egress}) {
      const auto& rules = g.rules(d);
      if (rules.empty()) continue;
      SCOPED_TRACE(g.id + " " + direction_name(d) + (closed ? " closed" : " open"));
      ++t.lists;
      // Redundancy: each claimed rule's packets are allowed by the others.
      RedundancyAnalysis a = analyze_redundancy(rules, &refs);
      MinimizedRules m = minimize_sg_rules(rules, g.id, &s);
      auto packets = probes(rules, m.rules, refs);
      for (const RuleRedundancy& red : a.redundant) {
        ++t.redundant;
        std::vector<SgRule> others = test_support::without(rules, {red.rule});
        std::vector<SgRule> cover;
        for (std::size_t j : red.cover) cover.push_back(rules[j]);
        for (const Packet& p : packets)
          if (rule_matches(rules[red.rule], p, &refs)) {
            ASSERT_TRUE(sg_allows(others, p, &refs)) << p.str();
            ASSERT_TRUE(sg_allows(cover, p, &refs)) << p.str();
          }
      }
      // The removable set, proved by Z3 in this world.
      if (!a.removable.empty()) {
        ++t.removable;
        auto kept = test_support::without(rules, a.removable);
        PeerTable peers;
        Encoder enc(ctx, peers);
        Prover prover(enc);
        EXPECT_EQ(prover.equal(enc.sg(kept, &refs), enc.sg(rules, &refs)).status, ProofStatus::Proved);
        for (const Packet& p : packets) ASSERT_EQ(sg_allows(kept, p, &refs), sg_allows(rules, p, &refs)) << p.str();
      }
      // Minimize proves for every membership, so its output is equivalent in this world too, and
      // diff says so.
      if (m.changed) ++t.minimized;
      for (const Packet& p : packets) ASSERT_EQ(sg_allows(m.rules, p, &refs), sg_allows(rules, p, &refs)) << p.str();
      auto shared = std::make_shared<const References>(refs);
      PeerTable peers;
      DirectionDiff diff = compare_rules(RuleList{false, rules, {}, shared, std::nullopt},
                                         RuleList{false, m.rules, {}, shared, std::nullopt}, d, peers);
      EXPECT_EQ(diff.native, Verdict::Equivalent);
      if (diff.world == World::Closed) ++t.closed;
    }
}

TEST(ReferencesCorpusTest, EveryClaimHoldsOpenAndClosed) {
  auto exports = test_support::realdata_exports();
  if (exports.empty()) GTEST_SKIP() << "no ../shared/realdata beside the checkout";
  z3::context ctx;
  Tally open, closed;
  for (const auto& files : exports) {
    Snapshot s = load_inputs(files, LoadOptions{true, ReferenceMode::Resolve});
    check_world(s, s.references.open(), ctx, open);
    if (s.references.any_resolved()) check_world(s, s.references, ctx, closed);
    if (HasFailure()) return;
  }
  // Seen on the corpus: 245 lists, 9 redundant rules, 4 minimized open; 58 lists resolved, where
  // 17 rules are redundant (a resolved reference covered by CIDR rules) and 12 diffs closed.
  EXPECT_GT(open.lists, 200);
  EXPECT_GE(open.redundant, 5);
  EXPECT_GE(open.minimized, 3);
  EXPECT_GT(closed.lists, 30);
  EXPECT_GT(closed.redundant, open.redundant);
  EXPECT_GE(closed.closed, 5);
}

}  // namespace
}  // namespace sgopt
