// diff's interface view with both layers: a deny moved from the app subnet's ACL into the app
// group is proven harmless on the interface, and a move that forgets the group shows exactly the
// SSH it opens, each witness checked with the two-layer reference evaluator (model/topology.h).
#include "model/aws/loader.h"
#include "model/topology.h"
#include "passes/compare/diff.h"
#include "tests/support/builders.h"
#include "tests/support/two_layer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace sgopt {
namespace {

Snapshot three_tier() { return load_inputs({SGOPT_SOURCE_DIR "/samples/three-tier.json"}); }

// The app ACL lets everything in (its SSH deny gone); with `narrow`, the app group's SSH rule
// allows only the app subnet, which is what got through the old ACL.
Snapshot moved(bool narrow) {
  Snapshot s = three_tier();
  NetworkAcl& acl = s.acls[1];
  EXPECT_EQ(acl.id, "acl-0app");
  std::erase_if(acl.ingress, [](const NaclEntry& e) { return e.rule_number == 110; });
  auto last =
      std::find_if(acl.ingress.begin(), acl.ingress.end(), [](const NaclEntry& e) { return e.rule_number > 200; });
  acl.ingress.insert(last, test_support::nacl_entry(200, true, -1, -1, -1, "0.0.0.0/0"));  // kept in rule order
  if (narrow)
    for (SgRule& r : s.groups[1].ingress)
      if (r.from_port == 22) r.peer = test_support::peer("10.0.2.0/24");
  s.resolve_references(ReferenceMode::Resolve);
  return s;
}

const ResourceDiff& find(const DiffReport& r, ResourceKind k, const std::string& id) {
  auto it = std::find_if(r.resources.begin(), r.resources.end(),
                         [&](const ResourceDiff& x) { return x.kind == k && x.old_id == id; });
  EXPECT_NE(it, r.resources.end()) << id;
  return *it;
}

const NetworkInterface& eni(const Snapshot& s, const std::string& id) {
  return *std::find_if(s.interfaces.begin(), s.interfaces.end(), [&](const NetworkInterface& e) { return e.id == id; });
}

TEST(InterfaceLayersDiffTest, DenyMovedIntoTheGroupIsProvenHarmless) {
  Snapshot before = three_tier(), after = moved(true);
  DiffReport r = diff_and_prove(before, after, DiffOptions{}, ProveOptions{});
  const ResourceDiff& app = find(r, ResourceKind::Interface, "eni-0app");
  EXPECT_EQ(app.old_acl, "acl-0app");
  EXPECT_EQ(app.new_acl, "acl-0app");
  for (const DirectionDiff& d : app.directions)
    EXPECT_EQ(d.verdict(), Verdict::Equivalent) << direction_name(d.direction);
  EXPECT_EQ(app.directions[0].proof, ProofState::Proved);  // the ingress lists differ: Z3 proves them equal
  // The ACL and the group changed, and are judged through the interface.
  const ResourceDiff& acl = find(r, ResourceKind::Acl, "acl-0app");
  EXPECT_EQ(acl.directions[0].verdict(), Verdict::Looser);
  EXPECT_FALSE(acl.judged);
  EXPECT_FALSE(find(r, ResourceKind::Group, "sg-0app").judged);

  // Groups only: the interface looks tighter, and the ACL is judged on its own.
  DiffOptions groups_only;
  groups_only.both_layers = false;
  DiffReport g = diff_and_prove(before, after, groups_only, ProveOptions{});
  EXPECT_EQ(find(g, ResourceKind::Interface, "eni-0app").directions[0].verdict(), Verdict::Tighter);
  EXPECT_TRUE(find(g, ResourceKind::Acl, "acl-0app").judged);

  // The app interface cannot be compared when its group is not loaded on a side: the ACL is then
  // judged on its own again.
  Snapshot without = moved(true);
  std::erase_if(without.groups, [](const SecurityGroup& x) { return x.id == "sg-0app"; });
  without.index();
  DiffReport u = diff_and_prove(before, without, DiffOptions{}, ProveOptions{});
  EXPECT_TRUE(find(u, ResourceKind::Acl, "acl-0app").judged);
  EXPECT_FALSE(find(u, ResourceKind::Acl, "acl-0web").judged);
}

TEST(InterfaceLayersDiffTest, ForgottenGroupChangeShowsTheSshItOpens) {
  Snapshot before = three_tier(), after = moved(false);
  DiffReport r = diff_and_prove(before, after, DiffOptions{}, ProveOptions{});
  const DirectionDiff& in = find(r, ResourceKind::Interface, "eni-0app").directions[0];
  EXPECT_EQ(in.verdict(), Verdict::Looser);
  ASSERT_EQ(in.gained_regions.size(), 1u);
  auto w = region_witness(in.gained_regions[0], r.peers);
  EXPECT_EQ(w.port_key, 22);
  // The two-layer reference evaluator: the old interface refused it, the new one accepts it.
  Placement old_place = place_interface(before, eni(before, "eni-0app"));
  Placement new_place = place_interface(after, eni(after, "eni-0app"));
  EXPECT_FALSE(evaluate_flow(old_place, Direction::Ingress, w, 1024, &before.references).accepted());
  EXPECT_TRUE(evaluate_flow(new_place, Direction::Ingress, w, 1024, &after.references).accepted());
  // The rest of the ACL's new allowance reaches nothing the group allows.
  EXPECT_EQ(in.gained.count(), BigCount(4294967296ull - 256));
}

// A two-layer rule list's set, its reference reading and the two-layer evaluator agree on random
// worlds.
TEST(InterfaceLayersDiffTest, TwoLayerListsAgreeWithTheReferenceEvaluator) {
  std::mt19937_64 rng(20261205);
  int accepted = 0, checked = 0;
  for (int round = 0; round < 60 && !HasFailure(); ++round) {
    auto w = test_support::random_two_layer_world(rng, round);
    Placement place = place_interface(w.snap, w.snap.interfaces[0]);
    for (Direction d : {Direction::Ingress, Direction::Egress}) {
      RuleList l;
      for (const SecurityGroup* g : place.groups) l.rules.insert(l.rules.end(), g->rules(d).begin(), g->rules(d).end());
      l.acl = RuleList::AclLayer{place.acl->id, place.acl->entries(d),
                                 place.subnet ? place.subnet->cidrs : std::vector<Cidr>{}};
      PeerTable peers;
      PacketSet set = list_set(l, peers);
      for (const Packet& p : test_support::two_layer_probes(w, rng)) {
        bool want = evaluate_flow(place, d, p, 1024).accepted();
        EXPECT_EQ(list_allows(l, p), want) << p.str() << test_support::describe(w);
        EXPECT_EQ(set.contains(p, peers), want) << p.str() << test_support::describe(w);
        accepted += want;
        ++checked;
      }
    }
  }
  EXPECT_GT(accepted, 500) << checked;
}

// Z3 on the two-layer encoding: the interface with its ACL against the same groups without it, on
// random worlds. Z3 must prove the verdict and that the regions are exactly the difference
// (prove_directions throws when it refutes one), and every region's witness is checked with the
// reference reading (check_witnesses).
TEST(InterfaceLayersDiffTest, Z3ProvesTwoLayerDifferences) {
  std::mt19937_64 rng(20261206);
  int proved = 0, differing = 0;
  for (int round = 0; round < 20 && !HasFailure(); ++round) {
    auto w = test_support::random_two_layer_world(rng, round);
    Placement place = place_interface(w.snap, w.snap.interfaces[0]);
    for (Direction d : {Direction::Ingress, Direction::Egress}) {
      RuleList groups;
      for (const SecurityGroup* g : place.groups)
        groups.rules.insert(groups.rules.end(), g->rules(d).begin(), g->rules(d).end());
      RuleList layered = groups;
      layered.acl = RuleList::AclLayer{place.acl->id, place.acl->entries(d),
                                       place.subnet ? place.subnet->cidrs : std::vector<Cidr>{}};
      PeerTable peers;
      DirectionDiff diff = compare_rules(groups, layered, d, peers);
      ASSERT_TRUE(diff.gained.empty());  // a second layer never allows more
      prove_directions({&diff}, peers, 20000, 1);
      EXPECT_EQ(diff.proof, ProofState::Proved);
      check_witnesses(diff, peers);
      proved += diff.proof == ProofState::Proved;
      differing += !diff.lost.empty();
    }
  }
  EXPECT_GT(differing, 20) << proved;
}

}  // namespace
}  // namespace sgopt
