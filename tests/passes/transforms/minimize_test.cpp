// Minimization: known optima, sprawl back to its source size, idempotence, determinism, and
// equivalence (native engine, Z3, reference evaluator on boundary packets) on random, sample and
// real inputs.
#include "passes/transforms/minimize.h"

#include "model/aws/loader.h"
#include "model/packet.h"
#include "model/protocol.h"
#include "model/rule_text.h"
#include "solver/rule_sets.h"
#include "tests/support/builders.h"
#include "tests/support/corpus.h"
#include "tests/support/packets.h"
#include "tests/support/rule_gen.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <random>

namespace sgopt {
namespace {

namespace fs = std::filesystem;

SgRule tcp(int from, int to, const std::string& cidr) {
  SgRule r;
  r.protocol = kTcp;
  r.from_port = from;
  r.to_port = to;
  r.peer = test_support::peer(cidr);
  return r;
}

MinimizeOptions native_only() {
  MinimizeOptions o;
  o.prove_with_z3 = false;
  return o;
}

// The reference evaluator agrees on every boundary packet of both lists.
void expect_same_decisions(const std::vector<SgRule>& a, const std::vector<SgRule>& b) {
  std::vector<SgRule> both = a;
  both.insert(both.end(), b.begin(), b.end());
  for (const Packet& p : test_support::boundary_packets(both)) ASSERT_EQ(sg_allows(a, p), sg_allows(b, p)) << p.str();
}

int total_after(const MinimizedRules& m) { return m.buckets[0].after + m.buckets[1].after; }

TEST(MinimizeTest, AllHostsOfASlash24BecomeOneRule) {
  std::vector<SgRule> rules;
  for (int i = 0; i < 256; ++i) rules.push_back(tcp(443, 443, "10.1.2." + std::to_string(i) + "/32"));
  auto m = minimize_sg_rules(rules, "sg-1", nullptr);
  ASSERT_EQ(m.rules.size(), 1u);
  EXPECT_EQ(m.rules[0].peer.cidr.str(), "10.1.2.0/24");
  EXPECT_EQ(m.buckets[0].before, 256);
  EXPECT_EQ(m.buckets[0].after, 1);
  EXPECT_TRUE(m.buckets[0].optimal());
  EXPECT_EQ(m.proof, Proof::Proved);
  EXPECT_LE(m.rules[0].source.description.size(), 255u);
  expect_same_decisions(rules, m.rules);
}

TEST(MinimizeTest, EachPortOf80To90BecomesOneRange) {
  std::vector<SgRule> rules;
  for (int p = 80; p <= 90; ++p) rules.push_back(tcp(p, p, "203.0.113.0/24"));
  auto m = minimize_sg_rules(rules, "sg-1", nullptr);
  ASSERT_EQ(m.rules.size(), 1u);
  EXPECT_EQ(m.rules[0].from_port, 80);
  EXPECT_EQ(m.rules[0].to_port, 90);
  EXPECT_TRUE(m.buckets[0].optimal());
  expect_same_decisions(rules, m.rules);
}

// 10.0.0.0/25 allows 1-6 and 10.0.0.128/25 allows 3-8. Aggregating addresses first gives
// /24 x 3-6 plus two leftovers (3 rules); the optimum is the two original boxes.
TEST(MinimizeTest, JointPortAddressChoiceBeatsPerDimensionGreedy) {
  std::vector<SgRule> rules;
  for (int p = 1; p <= 8; ++p) {
    if (p <= 6) rules.push_back(tcp(p, p, "10.0.0.0/25"));
    if (p >= 3) rules.push_back(tcp(p, p, "10.0.0.128/25"));
  }
  rules.push_back(tcp(3, 6, "10.0.0.0/24"));
  auto m = minimize_sg_rules(rules, "sg-1", nullptr);
  EXPECT_EQ(m.buckets[0].after, 2);
  EXPECT_EQ(m.buckets[0].lower_bound, 2);
  expect_same_decisions(rules, m.rules);
}

TEST(MinimizeTest, AllProtocolsBecomeMinusOne) {
  std::vector<SgRule> rules;
  for (int p = 0; p < 256; ++p) {
    SgRule r;
    r.protocol = p;
    if (is_port_protocol(p)) {
      r.from_port = 0;
      r.to_port = 65535;
    } else if (is_icmp_protocol(p)) {
      r.from_port = -1;
      r.to_port = -1;
    }
    r.peer.type = PeerType::Ipv4;
    r.peer.cidr = parse_cidr("10.0.0.0/8", Family::V4, nullptr)->cidr;
    rules.push_back(r);
  }
  auto m = minimize_sg_rules(rules, "sg-1", nullptr, native_only());
  ASSERT_EQ(m.rules.size(), 1u);
  EXPECT_EQ(m.rules[0].protocol, kAllProtocols);
  expect_same_decisions(rules, m.rules);
}

TEST(MinimizeTest, ReferencesStayAndCountInTheirBucket) {
  SgRule ref;
  ref.protocol = kTcp;
  ref.from_port = 22;
  ref.to_port = 22;
  ref.peer.type = PeerType::Group;
  ref.peer.ref = "sg-peer";
  SgRule ref2 = ref;
  ref2.from_port = ref2.to_port = 23;
  auto m = minimize_sg_rules({ref, ref2, tcp(1, 2, "2001:db8::/33"), tcp(1, 2, "2001:db8:8000::/33")}, "sg-1", nullptr);
  ASSERT_EQ(m.rules.size(), 2u);
  EXPECT_EQ(m.rules[0].peer.ref, "sg-peer");
  EXPECT_EQ(m.rules[0].to_port, 23);
  EXPECT_EQ(m.rules[1].peer.cidr.str(), "2001:db8::/32");
  EXPECT_EQ(m.buckets[0].before, 2);
  EXPECT_EQ(m.buckets[0].after, 1);
  EXPECT_EQ(m.buckets[1].after, 1);
}

// References are sets of addresses (model/references.h): a reference rule goes when CIDR rules
// allow its services to every address of both families, and stays when they do not.
TEST(MinimizeTest, AReferenceRuleCoveredOnBothFamiliesIsDropped) {
  std::vector<SgRule> rules{test_support::sg_rule(kTcp, 443, 443, "sg-lb"), tcp(443, 443, "0.0.0.0/0"),
                            tcp(443, 443, "::/0")};
  auto m = minimize_sg_rules(rules, "sg-1", nullptr);
  EXPECT_EQ(m.proof, Proof::Proved);
  ASSERT_EQ(m.rules.size(), 2u);
  for (const SgRule& r : m.rules) EXPECT_TRUE(r.peer.is_cidr()) << sg_rule_text(r);
  EXPECT_TRUE(m.buckets[0].optimal());
  expect_same_decisions(rules, m.rules);
  // IPv4 alone does not cover the members that reach over IPv6: the reference stays.
  std::vector<SgRule> v4_only{test_support::sg_rule(kTcp, 443, 443, "sg-lb"), tcp(443, 443, "0.0.0.0/0")};
  auto kept = minimize_sg_rules(v4_only, "sg-1", nullptr);
  EXPECT_FALSE(kept.changed);
  EXPECT_EQ(kept.rules.size(), 2u);
}

TEST(MinimizeTest, AReferenceKeepsOnlyTheServicesNoCidrRuleGivesEveryone) {
  // Members get 80-443 in all; everyone gets 80 already, so the reference needs 81-443 and may
  // hold 80 too: one rule 80-443 (the widest service inside what members get).
  std::vector<SgRule> rules{test_support::sg_rule(kTcp, 80, 100, "sg-app"),
                            test_support::sg_rule(kTcp, 101, 443, "sg-app"), tcp(80, 80, "0.0.0.0/0"),
                            tcp(80, 80, "::/0")};
  auto m = minimize_sg_rules(rules, "sg-1", nullptr);
  EXPECT_EQ(m.proof, Proof::Proved);
  ASSERT_EQ(m.rules.size(), 3u);
  const SgRule& ref = m.rules[0];
  EXPECT_EQ(ref.peer.ref, "sg-app");
  EXPECT_EQ(ref.from_port, 80);
  EXPECT_EQ(ref.to_port, 443);
  EXPECT_NE(ref.source.description.view().find("merged"), std::string::npos);
  EXPECT_TRUE(m.buckets[0].optimal());
  expect_same_decisions(rules, m.rules);
}

TEST(MinimizeTest, AnIpv4PrefixListIsCoveredByIpv4RulesAlone) {
  Snapshot s;
  PrefixList pl;
  pl.id = "pl-office";
  pl.family = Family::V4;
  s.prefix_lists.push_back(pl);
  s.groups.push_back(
      test_support::group("sg-1", {test_support::sg_rule(kTcp, 22, 22, "pl-office"), tcp(22, 22, "0.0.0.0/0")}));
  s.resolve_references(ReferenceMode::Resolve);
  auto m = minimize_sg_rules(s.groups[0].ingress, "sg-1", &s);
  EXPECT_EQ(m.proof, Proof::Proved);
  ASSERT_EQ(m.rules.size(), 1u);
  EXPECT_EQ(m.rules[0].peer.cidr.str(), "0.0.0.0/0");
  // Not knowing the list's family, its members might reach over IPv6: it stays.
  Snapshot unknown = s;
  unknown.prefix_lists.clear();
  unknown.resolve_references(ReferenceMode::Resolve);
  EXPECT_EQ(minimize_sg_rules(unknown.groups[0].ingress, "sg-1", &unknown).rules.size(), 2u);
}

TEST(MinimizeTest, MergedDescriptionStaysWithinAwsLimits) {
  std::vector<SgRule> rules;
  for (int i = 0; i < 40; ++i) rules.push_back(tcp(443, 443, "2001:db8::" + std::to_string(i) + "/128"));
  std::vector<const SgRule*> ptrs;
  for (const auto& r : rules) ptrs.push_back(&r);
  std::string d = merged_description(ptrs);
  EXPECT_LE(d.size(), 255u);
  EXPECT_NE(d.find("more"), std::string::npos);
  for (char c : d)
    EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) ||
                std::string_view(" ._-:/()#,@[]+=&;{}!$*").find(c) != std::string_view::npos)
        << c;
}

// A known rule set, sprawled (split, duplicated, covered copies added), minimizes back to at most
// its own size, idempotently and deterministically.
TEST(MinimizeTest, RandomSprawlGetsBackToTheKnownSize) {
  std::mt19937_64 rng(17);
  for (std::size_t round = 0; round < 40; ++round) {
    auto known = test_support::random_sg_rules(rng, 2 + round % 6);
    auto sprawl = test_support::equivalent_sg_rules(known, rng);
    auto m = minimize_sg_rules(sprawl, "sg-1", nullptr, native_only());
    auto k = minimize_sg_rules(known, "sg-1", nullptr, native_only());
    int known_size = k.buckets[0].before + k.buckets[1].before;
    EXPECT_LE(total_after(m), known_size) << "round " << round;
    for (std::size_t b = 0; b < 2; ++b) EXPECT_LE(m.buckets[b].lower_bound, m.buckets[b].after);
    expect_same_decisions(sprawl, m.rules);
    auto again = minimize_sg_rules(m.rules, "sg-1", nullptr, native_only());
    EXPECT_FALSE(again.changed) << "round " << round;
    auto twice = minimize_sg_rules(sprawl, "sg-1", nullptr, native_only());
    ASSERT_EQ(twice.rules.size(), m.rules.size());
    for (std::size_t i = 0; i < m.rules.size(); ++i) EXPECT_EQ(twice.rules[i].peer, m.rules[i].peer);
  }
}

// In a space of 8 addresses x tcp ports 0-3 every possible rule is enumerable, so the true minimum
// is found by brute force; the result is never below it, the lower bound never above it, and a
// bucket said optimal has exactly that size.
TEST(MinimizeTest, OptimalClaimsMatchBruteForceInATinySpace) {
  constexpr u128 kBase = 0x0a000000u;
  std::vector<std::pair<SgRule, std::uint32_t>> all;  // every rule, with its points as bits a * 4 + port
  for (int len = 29; len <= 32; ++len) {
    int size = 1 << (32 - len);
    for (int a = 0; a < 8; a += size)
      for (int lo = 0; lo < 4; ++lo)
        for (int hi = lo; hi < 4; ++hi) {
          std::uint32_t m = 0;
          for (int x = a; x < a + size; ++x)
            for (int p = lo; p <= hi; ++p) m |= 1u << (x * 4 + p);
          SgRule r = tcp(lo, hi, "10.0.0.0/32");
          r.peer.cidr = Cidr{Family::V4, kBase + static_cast<u128>(a), len};
          all.push_back({r, m});
        }
  }
  auto brute_min = [&](std::uint32_t target) {
    std::vector<std::uint32_t> inside;
    for (const auto& [r, m] : all)
      if ((m & ~target) == 0) inside.push_back(m);
    for (int k = 1; k <= 4; ++k) {
      std::function<bool(std::size_t, int, std::uint32_t)> go = [&](std::size_t from, int left, std::uint32_t got) {
        if (got == target) return true;
        if (left == 0) return false;
        for (std::size_t i = from; i < inside.size(); ++i)
          if (go(i + 1, left - 1, got | inside[i])) return true;
        return false;
      };
      if (go(0, k, 0)) return k;
    }
    return 99;
  };
  std::mt19937 rng(12);
  int several = 0;  // rounds whose minimum needs more than one rule
  for (int round = 0; round < 60; ++round) {
    std::vector<SgRule> rules;
    std::uint32_t target = 0;
    int n = 1 + round % 4;
    for (int i = 0; i < n; ++i) {
      const auto& [r, m] = all[rng() % all.size()];
      rules.push_back(r);
      target |= m;
    }
    int best = brute_min(target);
    several += best > 1 ? 1 : 0;
    auto m = minimize_sg_rules(rules, "sg-1", nullptr, native_only());
    EXPECT_LE(m.buckets[0].lower_bound, best) << "round " << round;
    EXPECT_GE(m.buckets[0].after, best) << "round " << round;
    if (m.buckets[0].optimal()) {
      EXPECT_EQ(m.buckets[0].after, best) << "round " << round;
    }
    expect_same_decisions(rules, m.rules);
  }
  EXPECT_GT(several, 20);
}

TEST(MinimizeTest, RandomRuleSetsStayEquivalentUnderZ3AndTheReference) {
  std::mt19937_64 rng(3);
  for (std::size_t round = 0; round < 30; ++round) {
    auto rules = test_support::random_sg_rules(rng, 1 + round % 12);
    auto m = minimize_sg_rules(rules, "sg-1", nullptr);
    EXPECT_NE(m.proof, Proof::Failed) << m.note;
    PeerTable peers;
    EXPECT_EQ(sg_set(rules, peers), sg_set(m.rules, peers));
    expect_same_decisions(rules, m.rules);
  }
}

// A proof that does not finish leaves the rules exactly as they were, and says so. The budget is
// work, not time: a budget too small fails on every machine, the default one proves, and either
// way the answer is the same on every run.
TEST(MinimizeTest, UnfinishedProofLeavesTheGroupUnchangedAndTheBudgetIsWork) {
  std::mt19937_64 rng(23);
  auto rules = test_support::equivalent_sg_rules(test_support::random_sg_rules(rng, 40), rng);
  MinimizeOptions tiny;
  tiny.z3_work_units = 1;
  for (int run = 0; run < 3; ++run) {
    auto m = minimize_sg_rules(rules, "sg-1", nullptr, tiny);
    ASSERT_EQ(m.proof, Proof::Failed) << m.note;
    EXPECT_FALSE(m.changed);
    EXPECT_NE(m.note.find("work units"), std::string::npos) << m.note;
    EXPECT_NE(m.note.find("left unchanged"), std::string::npos);
    ASSERT_EQ(m.rules.size(), rules.size());
    for (std::size_t i = 0; i < rules.size(); ++i) EXPECT_EQ(m.rules[i].peer, rules[i].peer);
    for (const auto& b : m.buckets) EXPECT_EQ(b.after, b.before);
  }
  auto proved = minimize_sg_rules(rules, "sg-1", nullptr, MinimizeOptions{});
  EXPECT_EQ(proved.proof, Proof::Proved) << proved.note;
  EXPECT_TRUE(proved.changed);
}

NaclEntry nacl(int number, bool allow, int port, const std::string& cidr) {
  NaclEntry e;
  e.rule_number = number;
  e.allow = allow;
  e.protocol = kTcp;
  e.port_range = PortRange{port, port};
  e.cidr = parse_cidr(cidr, Family::V4, nullptr)->cidr;
  return e;
}

TEST(MinimizeNaclTest, HalvesJoinAcrossAnUnrelatedEntry) {
  std::vector<NaclEntry> entries{nacl(100, true, 80, "10.0.0.0/25"), nacl(110, true, 22, "192.168.0.0/16"),
                                 nacl(120, true, 80, "10.0.0.128/25")};
  auto m = minimize_nacl_entries(entries);
  ASSERT_EQ(m.after, 2);
  EXPECT_EQ(m.proof, Proof::Proved);
  EXPECT_EQ(m.entries[0].cidr.str(), "10.0.0.0/24");
  EXPECT_EQ(m.entries[0].rule_number, 100);
  EXPECT_EQ(m.entries[1].rule_number, 200);
  // With a deny between them that overlaps the second half, the joined entry must come after it.
  entries[1] = nacl(110, false, 80, "10.0.0.128/26");
  auto after_deny = minimize_nacl_entries(entries);
  ASSERT_EQ(after_deny.after, 2);
  EXPECT_FALSE(after_deny.entries[0].allow);
  EXPECT_EQ(after_deny.entries[1].cidr.str(), "10.0.0.0/24");
}

TEST(MinimizeNaclTest, RandomEntriesKeepEveryDecision) {
  std::mt19937_64 rng(9);
  for (std::size_t round = 0; round < 30; ++round) {
    auto entries = test_support::random_nacl_entries(rng, 2 + round % 10);
    auto m = minimize_nacl_entries(entries);
    EXPECT_NE(m.proof, Proof::Failed) << m.note;
    EXPECT_LE(m.after, m.before);
    std::vector<NaclEntry> both = entries;
    both.insert(both.end(), m.entries.begin(), m.entries.end());
    for (const Packet& p : test_support::boundary_packets(both))
      ASSERT_EQ(nacl_decide(entries, p).allow, nacl_decide(m.entries, p).allow) << p.str();
  }
}

// Every group and ACL of the samples and the real corpus: equivalent and never larger.
void check_corpus(const std::vector<std::string>& files) {
  for (const auto& file : files) {
    SCOPED_TRACE(file);
    Snapshot s = load_inputs({file}, LoadOptions{true});
    for (const auto& g : s.groups)
      for (Direction d : {Direction::Ingress, Direction::Egress}) {
        auto m = minimize_sg_rules(g.rules(d), g.id, &s);
        EXPECT_NE(m.proof, Proof::Failed) << g.id << ": " << m.note;
        for (std::size_t b = 0; b < 2; ++b) {
          EXPECT_LE(m.buckets[b].after, m.buckets[b].before);
          EXPECT_LE(m.buckets[b].lower_bound, m.buckets[b].after);
        }
        expect_same_decisions(g.rules(d), m.rules);
      }
    for (const auto& acl : s.acls)
      for (Direction d : {Direction::Ingress, Direction::Egress}) {
        auto m = minimize_nacl_entries(acl.entries(d));
        EXPECT_NE(m.proof, Proof::Failed) << acl.id << ": " << m.note;
        std::vector<NaclEntry> both = acl.entries(d);
        both.insert(both.end(), m.entries.begin(), m.entries.end());
        for (const Packet& p : test_support::boundary_packets(both))
          ASSERT_EQ(nacl_decide(acl.entries(d), p).allow, nacl_decide(m.entries, p).allow) << p.str();
      }
  }
}

TEST(MinimizeCorpusTest, SamplesMinimizeEquivalently) { check_corpus(test_support::sample_files()); }

TEST(MinimizeCorpusTest, RealCorpusMinimizesEquivalently) {
  auto files = test_support::realdata_describe_files();
  if (files.empty()) GTEST_SKIP() << "no ../shared/realdata beside the checkout";
  check_corpus(files);
}

}  // namespace
}  // namespace sgopt
