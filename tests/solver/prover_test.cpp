// Z3 against the native engine on whole sets: equality and subset proofs agree with PacketSet's
// == and subset_of, every refutation's witness is confirmed by the reference evaluator, and every
// box of a native set lies inside the Z3 formula.
#include "solver/encoding.h"
#include "solver/rule_sets.h"
#include "tests/support/rule_gen.h"

#include <gtest/gtest.h>

#include <functional>
#include <random>

namespace sgopt {
namespace {

using test_support::equivalent_sg_rules;
using test_support::random_nacl_entries;
using test_support::random_sg_rules;

// One side of a question: its native set and its reference evaluator.
struct Side {
  PacketSet set;
  std::function<bool(const Packet&)> reference;
};

class ProverTest : public ::testing::Test {
 protected:
  // Z3's answer to "a == b" (or "a ⊆ b") must be the native one; a refutation's witness must
  // separate the two sides under the reference evaluator and the native sets alike.
  void expect_verdict(const ProofResult& res, const Side& a, const Side& b, bool is_subset, const std::string& what) {
    ASSERT_NE(res.status, ProofStatus::Unknown) << what << ": " << res.reason;
    bool native = is_subset ? a.set.subset_of(b.set) : a.set == b.set;
    EXPECT_EQ(res.status == ProofStatus::Proved, native) << what;
    if (res.status != ProofStatus::Refuted) return;
    ASSERT_TRUE(res.witness) << what;
    const Packet& w = *res.witness;
    bool in_a = a.reference(w), in_b = b.reference(w);
    EXPECT_TRUE(is_subset ? in_a && !in_b : in_a != in_b) << what << ": witness " << w.str();
    EXPECT_EQ(a.set.contains(w, peers_), in_a) << what << ": witness " << w.str();
    EXPECT_EQ(b.set.contains(w, peers_), in_b) << what << ": witness " << w.str();
  }

  Side group(const std::vector<SgRule>& rules) {
    return Side{sg_set(rules, peers_), [rules](const Packet& p) { return sg_allows(rules, p); }};
  }
  Side acl(const std::vector<NaclEntry>& entries) {
    return Side{nacl_allowed_set(entries), [entries](const Packet& p) { return nacl_decide(entries, p).allow; }};
  }

  /// Returns whether the groups are equal.
  bool compare_groups(const std::vector<SgRule>& ra, const std::vector<SgRule>& rb, const std::string& what) {
    Side a = group(ra), b = group(rb);
    z3::expr fa = enc_.sg(ra), fb = enc_.sg(rb);
    expect_verdict(prover_.equal(fa, fb), a, b, false, what + " equal");
    expect_verdict(prover_.subset(fa, fb), a, b, true, what + " a in b");
    expect_verdict(prover_.subset(fb, fa), b, a, true, what + " b in a");
    return a.set == b.set;
  }

  z3::context ctx_;
  PeerTable peers_;
  Encoder enc_{ctx_, peers_};
  Prover prover_{enc_};
};

TEST_F(ProverTest, GroupEqualityAndSubsetAgreeWithNativeEngine) {
  std::mt19937_64 rng(31);
  int equal = 0;
  for (int round = 0; round < 80; ++round) {
    auto a = random_sg_rules(rng, 1 + static_cast<std::size_t>(round % 15));
    std::vector<SgRule> b;
    switch (round % 4) {
      case 0: b = equivalent_sg_rules(a, rng); break;
      case 1: b = random_sg_rules(rng, a.size()); break;
      case 2:  // a plus a few more rules: a ⊆ b, sometimes equal
        b = a;
        for (auto& r : random_sg_rules(rng, 2)) b.push_back(r);
        break;
      default:  // a rewrite of a with one rule dropped
        b = equivalent_sg_rules(a, rng);
        b.erase(b.begin() + static_cast<std::ptrdiff_t>(rng() % b.size()));
        break;
    }
    equal += compare_groups(a, b, "round " + std::to_string(round));
    if (HasFailure()) break;
  }
  EXPECT_GT(equal, 20) << "too few equal pairs to test the Proved side";
}

TEST_F(ProverTest, AclEqualityAgreesWithNativeEngine) {
  std::mt19937_64 rng(37);
  int equal = 0;
  for (int round = 0; round < 80; ++round) {
    auto ea = random_nacl_entries(rng, 1 + static_cast<std::size_t>(round % 12));
    auto eb = ea;
    switch (round % 3) {
      case 0:  // renumbered, same order: the same ACL
        for (auto& e : eb)
          if (!e.is_default_deny()) e.rule_number = e.rule_number / 2 + 1;
        break;
      case 1:  // one entry's action flipped
        eb[rng() % eb.size()].allow ^= true;
        break;
      default:  // one entry dropped (equal when it was shadowed or matched what the rest decide alike)
        eb.erase(eb.begin() + static_cast<std::ptrdiff_t>(rng() % eb.size()));
        break;
    }
    Side a = acl(ea), b = acl(eb);
    equal += a.set == b.set;
    expect_verdict(prover_.equal(enc_.nacl_allows(ea), enc_.nacl_allows(eb)), a, b, false,
                   "round " + std::to_string(round));
    if (HasFailure()) break;
  }
  EXPECT_GT(equal, 25);
}

TEST_F(ProverTest, AclAgainstGroupAgreesWithNativeEngine) {
  // Cross-kind questions the passes ask: does this ACL allow at least what this group allows?
  std::mt19937_64 rng(41);
  for (int round = 0; round < 30; ++round) {
    auto entries = random_nacl_entries(rng, 6);
    auto rules = random_sg_rules(rng, 3);
    expect_verdict(prover_.subset(enc_.sg(rules), enc_.nacl_allows(entries)), group(rules), acl(entries), true,
                   "round " + std::to_string(round));
  }
}

TEST_F(ProverTest, EveryNativeBoxLiesInsideTheFormulaAndTheyCoverIt) {
  std::mt19937_64 rng(43);
  for (int round = 0; round < 12; ++round) {
    auto rules = random_sg_rules(rng, 6);
    z3::expr f = enc_.sg(rules);
    z3::expr_vector all(ctx_);
    for (const Box& b : sg_set(rules, peers_).boxes()) {
      z3::expr box = enc_.box(b);
      all.push_back(box);
      EXPECT_EQ(prover_.subset(box, f).status, ProofStatus::Proved) << box_str(b, peers_);
    }
    EXPECT_EQ(prover_.equal(z3::mk_or(all), f).status, ProofStatus::Proved) << "round " << round;
  }
}

}  // namespace
}  // namespace sgopt
