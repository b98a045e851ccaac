// diff: verdicts, differences and witnesses, checked against Z3 and the reference evaluator.
#include "passes/compare/diff.h"

#include "model/aws/loader.h"
#include "model/protocol.h"
#include "tests/support/builders.h"
#include "tests/support/corpus.h"
#include "tests/support/packets.h"
#include "tests/support/rule_gen.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <set>

namespace sgopt {
namespace {

using test_support::entry;
using test_support::rule;
using test_support::v4;
using test_support::v6;

RuleList sg(std::vector<SgRule> rules) { return RuleList{false, std::move(rules), {}, nullptr, std::nullopt}; }
RuleList nacl(std::vector<NaclEntry> entries) {
  sort_by_rule_number(entries);
  return RuleList{true, {}, std::move(entries), nullptr, std::nullopt};
}

std::vector<Packet> probes(const RuleList& a, const RuleList& b) {
  auto pa = a.is_nacl ? test_support::boundary_packets(a.entries) : test_support::boundary_packets(a.rules);
  auto pb = b.is_nacl ? test_support::boundary_packets(b.entries) : test_support::boundary_packets(b.rules);
  pa.insert(pa.end(), pb.begin(), pb.end());
  return pa;
}

// Compares, proves with Z3, checks the witnesses, and checks the differences and their regions
// against the reference evaluator on every boundary packet of both sides.
DirectionDiff checked_diff(const RuleList& a, const RuleList& b) {
  PeerTable peers;
  DirectionDiff d = compare_rules(a, b, Direction::Ingress, peers);
  prove_directions({&d}, peers, 10000);
  EXPECT_EQ(d.proof, identical_lists(a, b) ? ProofState::Identical : ProofState::Proved) << d.proof_note;
  check_witnesses(d, peers);
  EXPECT_EQ(regions_set(d.gained_regions), d.gained);
  EXPECT_EQ(regions_set(d.lost_regions), d.lost);
  PacketSet gained_regions = regions_set(d.gained_regions), lost_regions = regions_set(d.lost_regions);
  for (const auto& p : probes(a, b)) {
    bool before = list_allows(a, p), after = list_allows(b, p);
    EXPECT_EQ(gained_regions.contains(p, peers), after && !before) << p.str();
    EXPECT_EQ(lost_regions.contains(p, peers), before && !after) << p.str();
  }
  return d;
}

// --- Equivalent pairs written very differently ---------------------------------------------------

TEST(DiffTest, SlashTwentyFourEqualsTwoSlashTwentyFives) {
  auto d = checked_diff(sg({rule(kTcp, 443, 443, v4("10.0.0.0/24"))}),
                        sg({rule(kTcp, 443, 443, v4("10.0.0.128/25")), rule(kTcp, 443, 443, v4("10.0.0.0/25"))}));
  EXPECT_EQ(d.verdict(), Verdict::Equivalent);
}

TEST(DiffTest, PortRangeEqualsItsTwoHalves) {
  auto d = checked_diff(sg({rule(kTcp, 0, 1023, v4("10.30.0.0/16"))}),
                        sg({rule(kTcp, 0, 511, v4("10.30.0.0/16")), rule(kTcp, 512, 1023, v4("10.30.0.0/16"))}));
  EXPECT_EQ(d.verdict(), Verdict::Equivalent);
}

TEST(DiffTest, AllProtocolsEqualsEveryProtocolWrittenOut) {
  Cidr c = v4("10.0.0.0/8");
  std::vector<SgRule> spelled{rule(kTcp, 0, 65535, c), rule(kUdp, std::nullopt, std::nullopt, c),
                              rule(kIcmp, -1, -1, c), rule(kIcmpv6, -1, -1, c)};
  for (int p = 0; p <= 255; ++p)
    if (!has_port_key(p)) spelled.push_back(rule(p, std::nullopt, std::nullopt, c));
  auto d = checked_diff(sg({rule(kAllProtocols, std::nullopt, std::nullopt, c)}), sg(spelled));
  EXPECT_EQ(d.verdict(), Verdict::Equivalent);
}

TEST(DiffTest, ReorderedAndSplitRulesAreEquivalent) {
  std::vector<SgRule> before{rule(kTcp, 80, 443, v4("0.0.0.0/0")), rule(kUdp, 53, 53, v4("10.0.0.0/8")),
                             rule(kIcmp, 3, -1, v4("0.0.0.0/0"))};
  std::vector<SgRule> after{rule(kIcmp, 3, -1, v4("128.0.0.0/1")), rule(kUdp, 53, 53, v4("10.0.0.0/9")),
                            rule(kTcp, 100, 443, v4("0.0.0.0/0")), rule(kIcmp, 3, -1, v4("0.0.0.0/1")),
                            rule(kTcp, 80, 120, v4("0.0.0.0/0")),  rule(kUdp, 53, 53, v4("10.128.0.0/9"))};
  EXPECT_EQ(checked_diff(sg(before), sg(after)).verdict(), Verdict::Equivalent);
}

TEST(DiffTest, RenumberedNaclWithSameOrderIsEquivalent) {
  auto before = nacl({entry(100, false, kTcp, v4("10.1.0.0/16"), PortRange{22, 22}),
                      entry(200, true, kAllProtocols, v4("10.0.0.0/8"))});
  auto after = nacl({entry(10, false, kTcp, v4("10.1.0.0/16"), PortRange{22, 22}),
                     entry(20, true, kAllProtocols, v4("10.0.0.0/8")),
                     entry(30, false, kTcp, v4("10.0.0.0/8"), PortRange{22, 22})});
  EXPECT_EQ(checked_diff(before, after).verdict(), Verdict::Equivalent);
}

// --- Small mutations are caught ------------------------------------------------------------------

TEST(DiffTest, OneAddressMoreIsLooserWithThatAddressAsWitness) {
  auto d = checked_diff(sg({rule(kTcp, 22, 22, v4("10.0.0.0/24"))}),
                        sg({rule(kTcp, 22, 22, v4("10.0.0.0/24")), rule(kTcp, 22, 22, v4("10.0.1.7/32"))}));
  EXPECT_EQ(d.verdict(), Verdict::Looser);
  ASSERT_EQ(d.gained_regions.size(), 1u);
  PeerTable peers;
  EXPECT_EQ(region_witness(d.gained_regions[0], peers).addr, v4("10.0.1.7/32").first());
  EXPECT_EQ(d.gained.count(), 1);
}

TEST(DiffTest, OnePortLessIsTighter) {
  auto d = checked_diff(sg({rule(kTcp, 0, 1023, v4("10.30.0.0/16"))}), sg({rule(kTcp, 0, 1022, v4("10.30.0.0/16"))}));
  EXPECT_EQ(d.verdict(), Verdict::Tighter);
  ASSERT_EQ(d.lost_regions.size(), 1u);
  EXPECT_EQ(region_traffic_text(d.lost_regions[0]), "tcp port 1023");
}

TEST(DiffTest, IcmpCodeWidenedToTheWholeTypeIsLooser) {
  auto d = checked_diff(sg({rule(kIcmp, 3, 4, v4("0.0.0.0/0"))}), sg({rule(kIcmp, 3, -1, v4("0.0.0.0/0"))}));
  EXPECT_EQ(d.verdict(), Verdict::Looser);
  EXPECT_EQ(d.gained.count(), BigCount(255) << 32);
}

TEST(DiffTest, RemovedIpv6TwinIsTighter) {
  auto d = checked_diff(sg({rule(kTcp, 443, 443, v4("0.0.0.0/0")), rule(kTcp, 443, 443, v6("::/0"))}),
                        sg({rule(kTcp, 443, 443, v4("0.0.0.0/0"))}));
  EXPECT_EQ(d.verdict(), Verdict::Tighter);
  ASSERT_EQ(d.lost_regions.size(), 1u);
  PeerTable peers;
  EXPECT_EQ(region_text(d.lost_regions[0], peers), "tcp port 443 from ::/0");
}

TEST(DiffTest, SwappedNaclEntriesAreCaught) {
  auto before = nacl({entry(100, false, kTcp, v4("10.1.0.0/16"), PortRange{22, 22}),
                      entry(110, true, kAllProtocols, v4("10.0.0.0/8"))});
  auto after = nacl({entry(110, false, kTcp, v4("10.1.0.0/16"), PortRange{22, 22}),
                     entry(100, true, kAllProtocols, v4("10.0.0.0/8"))});
  auto d = checked_diff(before, after);
  EXPECT_EQ(d.verdict(), Verdict::Looser);
  ASSERT_EQ(d.gained_regions.size(), 1u);
  PeerTable peers;
  EXPECT_EQ(region_text(d.gained_regions[0], peers), "tcp port 22 from 10.1.0.0/16");
}

TEST(DiffTest, ChangedPeerBothWaysIsIncomparable) {
  auto d = checked_diff(sg({rule(kTcp, 22, 22, v4("10.0.0.0/24"))}), sg({rule(kTcp, 22, 22, v4("10.0.1.0/24"))}));
  EXPECT_EQ(d.verdict(), Verdict::Incomparable);
  EXPECT_EQ(d.gained.count(), 256);
  EXPECT_EQ(d.lost.count(), 256);
}

TEST(DiffTest, ExpectationsAreMetOnlyByTheirVerdicts) {
  EXPECT_TRUE(meets(Verdict::Equivalent, Expectation::TighterOrEqual));
  EXPECT_TRUE(meets(Verdict::Tighter, Expectation::TighterOrEqual));
  EXPECT_FALSE(meets(Verdict::Equivalent, Expectation::Tighter));
  EXPECT_FALSE(meets(Verdict::Unknown, Expectation::Equivalent));
  EXPECT_FALSE(meets(Verdict::Incomparable, Expectation::Looser));
  EXPECT_EQ(parse_expectation("tighter-or-equal"), Expectation::TighterOrEqual);
  EXPECT_FALSE(parse_expectation("same"));
}

TEST(DiffTest, ZeroTimeoutIsUnknownNeverEquivalent) {
  // A prover that gives up at once must leave the verdict unknown.
  std::mt19937_64 rng(1);
  auto rules = test_support::random_sg_rules(rng, 200);
  PeerTable peers;
  DirectionDiff d =
      compare_rules(sg(rules), sg(test_support::equivalent_sg_rules(rules, rng)), Direction::Ingress, peers);
  ASSERT_EQ(d.native, Verdict::Equivalent);
  prove_directions({&d}, peers, 1);
  if (d.proof == ProofState::Unknown) {
    EXPECT_EQ(d.verdict(), Verdict::Unknown);
  } else {
    EXPECT_EQ(d.proof, ProofState::Proved);  // Z3 was quick enough even so
  }
}

// --- Identical lists: equal by construction, no solver --------------------------------------------

TEST(DiffTest, IdenticalListsAreEqualSetsAndEveryChangedFieldIsNotIdentical) {
  std::mt19937_64 rng(99);
  int identical = 0, changed = 0;
  for (int round = 0; round < 200; ++round) {
    auto a = test_support::random_sg_rules(rng, 1 + static_cast<std::size_t>(round % 12));
    // The same rules shuffled, some repeated, descriptions changed: identical.
    auto b = a;
    std::shuffle(b.begin(), b.end(), rng);
    b.push_back(a[rng() % a.size()]);
    for (auto& r : b) r.source.description = "changed";
    ASSERT_TRUE(identical_lists(sg(a), sg(b))) << "round " << round;
    PeerTable peers;
    EXPECT_EQ(sg_set(a, peers), sg_set(b, peers)) << "round " << round;  // the engine agrees
    DirectionDiff d = compare_rules(sg(a), sg(b), Direction::Ingress, peers);
    EXPECT_EQ(d.native, Verdict::Equivalent) << "round " << round;
    prove_directions({&d}, peers, 10000);
    EXPECT_EQ(d.proof, ProofState::Identical);
    ++identical;
    // One field of one rule changed: never identical, whatever the change does to the set.
    auto c = a;
    SgRule& r = c[rng() % c.size()];
    switch (round % 4) {
      case 0: r.protocol = r.protocol == kTcp ? kUdp : kTcp; break;
      case 1: r.from_port = r.from_port.value_or(0) + 1; break;
      case 2: r.to_port = r.to_port.value_or(0) + 1; break;
      default: r.peer = r.peer.is_cidr() ? test_support::peer("sg-0000000000000001a") : cidr_peer(v4("10.9.9.0/24"));
    }
    bool duplicate = std::any_of(a.begin(), a.end(), [&](const SgRule& x) {
      return x.protocol == r.protocol && x.from_port == r.from_port && x.to_port == r.to_port && x.peer == r.peer;
    });
    if (duplicate) continue;  // the change made it a copy of another rule of the list
    EXPECT_FALSE(identical_lists(sg(a), sg(c))) << "round " << round;
    ++changed;
  }
  EXPECT_EQ(identical, 200);
  EXPECT_GT(changed, 150);
}

TEST(DiffTest, IdenticalRulesWithReferencesStandingForDifferentMembersAreProvedNotIdentical) {
  auto snapshot = [](std::vector<u128> addresses) {
    Snapshot s;
    s.groups.push_back(
        test_support::group("sg-0000000000000000a", {test_support::tcp(22, 22, "sg-0000000000000000b")}));
    s.groups.push_back(test_support::group("sg-0000000000000000b", {}));
    for (std::size_t i = 0; i < addresses.size(); ++i) {
      NetworkInterface eni;
      eni.id = "eni-" + std::to_string(i);
      eni.group_ids = {"sg-0000000000000000b"};
      eni.private_ipv4.push_back(addresses[i]);
      s.interfaces.push_back(eni);
    }
    s.resolve_references(ReferenceMode::Resolve);
    return s;
  };
  const u128 a5 = v4("10.0.0.5/32").addr, a6 = v4("10.0.0.6/32").addr, a7 = v4("10.0.0.7/32").addr;
  Snapshot one = snapshot({a5, a6}), same = snapshot({a6, a5}), other = snapshot({a5, a7});
  auto list = [](const Snapshot& s) {
    RuleList l = sg(s.groups[0].ingress);
    l.refs = std::make_shared<const References>(s.references);
    return l;
  };
  EXPECT_TRUE(identical_lists(list(one), list(same)));
  EXPECT_FALSE(identical_lists(list(one), list(other)));
  EXPECT_FALSE(identical_lists(list(one), sg(one.groups[0].ingress)));  // resolved vs open
  auto d = checked_diff(list(one), list(other));
  EXPECT_EQ(d.verdict(), Verdict::Incomparable);
  EXPECT_EQ(checked_diff(list(one), list(same)).proof, ProofState::Identical);
  PeerTable peers;
  EXPECT_EQ(list_set(list(one), peers), list_set(list(same), peers));  // the engine agrees
}

// --- Random pairs against the reference evaluator ------------------------------------------------

TEST(DiffTest, RandomGroupPairsAgreeWithTheReferenceEvaluator) {
  std::mt19937_64 rng(4242);
  for (int round = 0; round < 48; ++round) {
    auto a = test_support::random_sg_rules(rng, 1 + static_cast<std::size_t>(round % 10));
    std::vector<SgRule> b;
    switch (round % 4) {
      case 0: b = test_support::equivalent_sg_rules(a, rng); break;
      case 1:
        b = a;
        b.erase(b.begin());
        break;
      case 2:
        b = a;
        for (auto& r : test_support::random_sg_rules(rng, 1)) b.push_back(r);
        break;
      default: b = test_support::random_sg_rules(rng, 1 + static_cast<std::size_t>(round % 6)); break;
    }
    DirectionDiff d = checked_diff(sg(a), sg(b));
    // The verdict matches what the reference evaluator sees on boundary and random packets.
    bool ref_gained = false, ref_lost = false;
    auto packets = probes(sg(a), sg(b));
    auto more = test_support::PacketSampler(a).sample(100, rng);
    packets.insert(packets.end(), more.begin(), more.end());
    for (const auto& p : packets) {
      bool before = sg_allows(a, p), after = sg_allows(b, p);
      ref_gained |= after && !before;
      ref_lost |= before && !after;
    }
    if (ref_gained) {
      EXPECT_FALSE(d.gained.empty()) << "round " << round;
    }
    if (ref_lost) {
      EXPECT_FALSE(d.lost.empty()) << "round " << round;
    }
    if (round % 4 == 0) {
      EXPECT_EQ(d.verdict(), Verdict::Equivalent) << "round " << round;
    }
    if (HasFailure()) break;
  }
}

TEST(DiffTest, RandomAclPairsAgreeWithTheReferenceEvaluator) {
  std::mt19937_64 rng(777);
  for (int round = 0; round < 36; ++round) {
    auto a = test_support::random_nacl_entries(rng, 1 + static_cast<std::size_t>(round % 8));
    auto b = a;
    if (round % 3 == 0 && b.size() > 2) std::swap(b[0].rule_number, b[1].rule_number);
    if (round % 3 == 1) b.front().allow = !b.front().allow;
    if (round % 3 == 2) b = test_support::random_nacl_entries(rng, 1 + static_cast<std::size_t>(round % 5));
    DirectionDiff d = checked_diff(nacl(a), nacl(b));
    bool ref_diff = false;
    for (const auto& p : probes(nacl(a), nacl(b))) ref_diff |= nacl_decide(a, p).allow != nacl_decide(b, p).allow;
    if (ref_diff) {
      EXPECT_NE(d.verdict(), Verdict::Equivalent) << "round " << round;
    }
    if (HasFailure()) break;
  }
}

// --- Snapshots: pairing, interfaces ------------------------------------------------------------

SecurityGroup group(const std::string& id, const std::string& name, std::vector<SgRule> ingress) {
  SecurityGroup g;
  g.id = id;
  g.name = name;
  g.ingress = std::move(ingress);
  return g;
}

TEST(DiffTest, PairsByIdAndReportsAddedAndRemoved) {
  Snapshot a, b;
  a.groups = {group("sg-1", "web", {rule(kTcp, 80, 80, v4("0.0.0.0/0"))}), group("sg-2", "old", {})};
  b.groups = {group("sg-1", "web", {rule(kTcp, 80, 80, v4("0.0.0.0/0"))}),
              group("sg-3", "new", {rule(kTcp, 22, 22, v4("10.0.0.0/8"))})};
  auto report = diff_snapshots(a, b, DiffOptions{});
  ASSERT_EQ(report.resources.size(), 3u);
  EXPECT_EQ(report.resources[0].label(), "sg-1");
  EXPECT_EQ(report.resources[0].directions[0].verdict(), Verdict::Equivalent);
  EXPECT_TRUE(report.resources[1].removed());
  EXPECT_EQ(report.resources[1].directions[0].verdict(), Verdict::Equivalent);  // allowed nothing
  EXPECT_TRUE(report.resources[2].added());
  EXPECT_EQ(report.resources[2].directions[0].verdict(), Verdict::Looser);
}

TEST(DiffTest, PairsByNameAndByLeftRight) {
  Snapshot a, b;
  a.groups = {group("sg-1", "web", {rule(kTcp, 80, 80, v4("0.0.0.0/0"))})};
  b.groups = {group("sg-9", "web", {rule(kTcp, 80, 81, v4("0.0.0.0/0"))})};
  DiffOptions by_name;
  by_name.match = MatchBy::Name;
  auto report = diff_snapshots(a, b, by_name);
  ASSERT_EQ(report.resources.size(), 1u);
  EXPECT_EQ(report.resources[0].label(), "sg-1 -> sg-9");
  EXPECT_EQ(report.resources[0].directions[0].verdict(), Verdict::Looser);
  DiffOptions named;
  named.left = "sg-1";
  named.right = "sg-9";
  EXPECT_EQ(diff_snapshots(a, b, named).resources.size(), 1u);
  named.right = "sg-404";
  EXPECT_THROW(diff_snapshots(a, b, named), std::invalid_argument);
  a.groups.push_back(group("sg-2", "web", {}));
  EXPECT_THROW(diff_snapshots(a, b, by_name), std::invalid_argument);
}

TEST(DiffTest, MovingRulesBetweenGroupsOfOneInterfaceIsHarmless) {
  Snapshot a, b;
  a.groups = {group("sg-1", "web", {rule(kTcp, 80, 80, v4("0.0.0.0/0")), rule(kTcp, 22, 22, v4("10.0.0.0/8"))}),
              group("sg-2", "admin", {})};
  b.groups = {group("sg-1", "web", {rule(kTcp, 80, 80, v4("0.0.0.0/0"))}),
              group("sg-2", "admin", {rule(kTcp, 22, 22, v4("10.0.0.0/8"))})};
  NetworkInterface eni;
  eni.id = "eni-1";
  eni.group_ids = {"sg-1", "sg-2"};
  a.interfaces = {eni};
  b.interfaces = {eni};
  auto report = diff_snapshots(a, b, DiffOptions{});
  ASSERT_EQ(report.resources.size(), 3u);
  EXPECT_EQ(report.resources[0].directions[0].verdict(), Verdict::Tighter);
  EXPECT_FALSE(report.resources[0].judged);
  EXPECT_FALSE(report.resources[1].judged);
  EXPECT_EQ(report.resources[2].kind, ResourceKind::Interface);
  EXPECT_TRUE(report.resources[2].judged);
  EXPECT_EQ(report.resources[2].directions[0].verdict(), Verdict::Equivalent);
}

// --lenient keeps an interface id given twice. Such interfaces cannot be paired, as two groups or
// ACLs with one id cannot: pairing each with the last of its id made a snapshot differ from itself.
TEST(DiffTest, TwoInterfacesWithOneIdAreRefusedAsTwoGroupsAre) {
  Snapshot s;
  s.groups = {group("sg-1", "ssh", {rule(kTcp, 22, 22, v4("10.0.0.0/8"))}),
              group("sg-2", "web", {rule(kTcp, 80, 80, v4("0.0.0.0/0"))})};
  NetworkInterface first, second;
  first.id = second.id = "eni-1";
  first.group_ids = {"sg-1"};
  second.group_ids = {"sg-2"};
  s.interfaces = {first, second};
  try {
    diff_snapshots(s, s, DiffOptions{});
    ADD_FAILURE() << "two interfaces eni-1 were paired";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "the old side has two resources with id eni-1");
  }
  DiffOptions groups_only;
  groups_only.interfaces = false;
  EXPECT_EQ(diff_snapshots(s, s, groups_only).resources.size(), 2u);
}

// --- Real corpus ---------------------------------------------------------------------------------

// A change that always alters behaviour: a rule for traffic nothing allowed yet, or when all is
// allowed already, no rules at all.
void mutate(SecurityGroup& g) {
  SgRule extra = rule(253, std::nullopt, std::nullopt, v4("192.0.2.1/32"));
  Packet probe;
  probe.addr = extra.peer.cidr.first();
  probe.protocol = 253;
  if (sg_allows(g.ingress, probe)) {
    g.ingress.clear();
  } else {
    g.ingress.push_back(extra);
  }
}

void mutate(NetworkAcl& acl) {
  NaclEntry first = entry(1, true, 253, v4("192.0.2.1/32"));
  Packet probe;
  probe.addr = first.cidr.first();
  probe.protocol = 253;
  first.allow = !nacl_decide(acl.ingress, probe).allow;
  acl.ingress.insert(acl.ingress.begin(), first);
}

TEST(DiffTest, RealCorpusIsEquivalentToItselfAndNotToAMutatedCopy) {
  auto files = test_support::realdata_describe_files();
  if (files.empty()) GTEST_SKIP() << "../shared/realdata not present";
  std::size_t compared = 0;
  for (const auto& file : files) {
    // Lenient: the Batfish fixture has three groups with one id; keep the first of each.
    Snapshot s = load_inputs({file}, LoadOptions{true});
    std::set<std::string> seen;
    std::erase_if(s.groups, [&](const SecurityGroup& g) { return !seen.insert(g.id).second; });
    Snapshot m = s;
    for (auto& g : m.groups) mutate(g);
    for (auto& a : m.acls) mutate(a);
    auto same = diff_and_prove(s, s, DiffOptions{}, ProveOptions{});
    auto changed = diff_and_prove(s, m, DiffOptions{}, ProveOptions{});
    ASSERT_EQ(changed.resources.size(), same.resources.size()) << file;
    for (auto& r : same.resources)
      for (auto& d : r.directions) EXPECT_EQ(d.verdict(), Verdict::Equivalent) << file << " " << r.label();
    for (auto& r : changed.resources) {
      if (r.kind == ResourceKind::Interface) continue;
      ++compared;
      auto& d = r.directions[0];
      EXPECT_NE(d.verdict(), Verdict::Equivalent) << file << " " << r.label();
      EXPECT_EQ(r.directions[1].verdict(), Verdict::Equivalent) << file << " " << r.label();
    }
  }
  EXPECT_GT(compared, 100u);
}

}  // namespace
}  // namespace sgopt
