// The hygiene facts and the clean-up plan: usage, duplicates, tighter groups and interface loads on
// samples/cleanup and on hand-built snapshots, and every plan replayed step by step with the
// reference evaluator (each interface, before and after each step, on boundary and random packets).
#include "passes/transforms/cleanup.h"

#include "model/aws/loader.h"
#include "model/change.h"
#include "passes/analyses/account_hygiene.h"
#include "passes/pass.h"
#include "tests/support/builders.h"
#include "tests/support/packets.h"
#include "tests/support/rule_gen.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

namespace sgopt {
namespace {

using namespace test_support;

const std::string kSample = SGOPT_SOURCE_DIR "/samples/cleanup";

Snapshot sample() { return load_inputs({kSample}); }

// What the interface allows, by the reference evaluator: any of its groups allows the packet, the
// references standing for their members in this snapshot.
bool interface_allows(const Snapshot& s, const NetworkInterface& e, Direction d, const Packet& p) {
  for (const std::string& id : e.group_ids)
    if (const SecurityGroup* g = s.find_group(id))
      if (sg_allows(g->rules(d), p, &s.references)) return true;
  return false;
}

// Boundary packets of every rule, random packets near them, and the interfaces' own addresses at
// every port and protocol those packets use (the members a reference stands for).
std::vector<Packet> probes(const Snapshot& s, std::mt19937_64& rng) {
  std::vector<SgRule> all;
  for (const SecurityGroup& g : s.groups)
    for (Direction d : {Direction::Ingress, Direction::Egress})
      all.insert(all.end(), g.rules(d).begin(), g.rules(d).end());
  std::vector<Packet> out = boundary_packets(all);
  if (!all.empty()) {
    std::vector<Packet> more = PacketSampler(all).sample(300, rng);
    out.insert(out.end(), more.begin(), more.end());
  }
  std::set<std::pair<int, int>> services;
  for (const Packet& p : out) services.insert({p.protocol, p.port_key});
  for (const NetworkInterface& e : s.interfaces)
    for (u128 a : e.private_ipv4)
      for (auto [proto, port] : services) {
        Packet p;
        p.family = Family::V4;
        p.addr = a;
        p.protocol = proto;
        p.port_key = port;
        out.push_back(p);
      }
  return out;
}

// Replays the plan step by step and checks that after each step every interface allows exactly
// what it allowed before the clean-up, on every probe; returns the number of decisions compared.
std::size_t expect_replay_keeps_traffic(const Snapshot& loaded, const CleanupPlan& plan, std::mt19937_64& rng) {
  Snapshot s = loaded;
  s.resolve_references(ReferenceMode::Resolve);
  const std::vector<Packet> ps = probes(s, rng);
  std::map<std::string, std::vector<char>> before;
  for (const NetworkInterface& e : s.interfaces)
    for (Direction d : {Direction::Ingress, Direction::Egress})
      for (const Packet& p : ps) before[e.id].push_back(interface_allows(s, e, d, p));
  std::size_t compared = 0;
  for (std::size_t i = 0; i < plan.steps.size(); ++i) {
    const CleanupStep& step = plan.steps[i];
    EXPECT_NO_THROW(apply_cleanup_step(s, step)) << "step " << i + 1 << ": " << step.why;
    // Worked out anew after every step, whatever apply_cleanup_step chose to redo.
    s.resolve_references(ReferenceMode::Resolve);
    for (const NetworkInterface& e : s.interfaces) {
      std::size_t k = 0;
      for (Direction d : {Direction::Ingress, Direction::Egress})
        for (const Packet& p : ps) {
          bool now = interface_allows(s, e, d, p);
          if (now != static_cast<bool>(before[e.id][k]))
            ADD_FAILURE() << "after step " << i + 1 << " (" << step.why << ") " << e.id << " " << direction_name(d)
                          << " " << (now ? "allows " : "drops ") << p.str();
          ++k;
          ++compared;
        }
    }
  }
  return compared;
}

std::vector<std::string> step_ids(const CleanupPlan& plan, CleanupStep::Action a) {
  std::vector<std::string> out;
  for (const CleanupStep& s : plan.steps)
    if (s.action == a) out.push_back(s.resource_id);
  return out;
}

TEST(HygieneTest, UsageOfTheSample) {
  Snapshot s = sample();
  AnalysisOptions o;
  AccountHygiene h(s, o);
  auto use = [&](const char* id) { return h.usage(*s.find_group(id)).use; };
  EXPECT_EQ(use("sg-0a000000000000001"), GroupUse::InUse);
  EXPECT_EQ(use("sg-0e000000000000001"), GroupUse::Unused);          // old-bastion
  EXPECT_EQ(use("sg-0e000000000000002"), GroupUse::ReferencedOnly);  // legacy-app, named by db
  EXPECT_EQ(use("sg-0e000000000000003"), GroupUse::Unused);          // chain-a names chain-b
  EXPECT_EQ(use("sg-0e000000000000004"), GroupUse::ReferencedOnly);  // chain-b names chain-c
  EXPECT_EQ(use("sg-0e000000000000005"), GroupUse::ReferencedOnly);
  // batch-workers: no interface, but the launch template's network interface names it.
  EXPECT_EQ(use("sg-0f000000000000002"), GroupUse::InUse);
  ASSERT_EQ(h.usage(*s.find_group("sg-0f000000000000002")).consumers.size(), 1u);
  EXPECT_EQ(h.usage(*s.find_group("sg-0f000000000000002")).consumers[0]->name,
            "lt-0c1ea000000000001 (batch) version 3");
}

TEST(HygieneTest, DuplicatesAreProvedClassesAndTheKeptOneComesFirst) {
  Snapshot s = sample();
  AccountHygiene h(s, AnalysisOptions{});
  std::vector<std::vector<std::string>> classes;
  for (const DuplicateClass& c : h.duplicate_classes()) {
    classes.emplace_back();
    for (const SecurityGroup* g : c.members) classes.back().push_back(g->id);
  }
  // web and its copy written with split CIDRs; app and app-copy, each allowing its own members;
  // ops-ssh, ops-ssh-old (10.0.0.0/8 as two /9 and a covered /16) and batch-workers (tcp 22 from
  // 10.0.0.0/8): ops-ssh kept (one interface, the smallest id), batch-workers last by id.
  EXPECT_EQ(classes, (std::vector<std::vector<std::string>>{
                         {"sg-0a000000000000001", "sg-0a000000000000002"},
                         {"sg-0b000000000000001", "sg-0b000000000000002"},
                         {"sg-01000000000000001", "sg-01000000000000002", "sg-0f000000000000002"}}));
  // Each class member allows what the first allows on every probe, as templates.
  std::mt19937_64 rng(7);
  for (const DuplicateClass& c : h.duplicate_classes())
    for (Direction d : {Direction::Ingress, Direction::Egress}) {
      auto first = rules_as_template(*c.members[0], d);
      for (const SecurityGroup* m : c.members) {
        auto rules = rules_as_template(*m, d);
        std::vector<SgRule> both = first;
        both.insert(both.end(), rules.begin(), rules.end());
        for (const Packet& p : boundary_packets(both))
          EXPECT_EQ(sg_allows(first, p), sg_allows(rules, p)) << m->id << " " << p.str();
      }
    }
}

TEST(HygieneTest, GroupsThatDifferAreNotDuplicates) {
  Snapshot s;
  s.groups = {group("sg-1", {tcp(22, 22, "10.0.0.0/8")}), group("sg-2", {tcp(22, 23, "10.0.0.0/8")}),
              group("sg-3", {tcp(22, 22, "10.0.0.0/8")}), group("sg-4", {tcp(22, 22, "10.0.0.0/8")}),
              // Each names the other, not itself: not the same as naming itself.
              group("sg-5", {tcp(80, 80, "sg-6")}), group("sg-6", {tcp(80, 80, "sg-5")})};
  s.groups[3].vpc_id = "vpc-2";  // same rules, another VPC
  s.index();
  AccountHygiene h(s, AnalysisOptions{});
  ASSERT_EQ(h.duplicate_classes().size(), 1u);
  ASSERT_EQ(h.duplicate_classes()[0].members.size(), 2u);
  EXPECT_EQ(h.duplicate_classes()[0].members[0]->id, "sg-1");
  EXPECT_EQ(h.duplicate_classes()[0].members[1]->id, "sg-3");
}

TEST(HygieneTest, TighterGroupHasAConfirmedWitness) {
  Snapshot s = sample();
  AccountHygiene h(s, AnalysisOptions{});
  ASSERT_EQ(h.tighter_groups().size(), 1u);
  const TighterGroup& t = h.tighter_groups()[0];
  EXPECT_EQ(t.tighter->id, "sg-0f000000000000001");
  EXPECT_EQ(t.looser->id, "sg-0a000000000000001");
  EXPECT_TRUE(sg_allows(t.looser->rules(t.direction), t.witness));
  EXPECT_FALSE(sg_allows(t.tighter->rules(t.direction), t.witness));
}

TEST(HygieneTest, InterfaceLoadsNearTheirQuotas) {
  Snapshot s;
  std::vector<SgRule> many;
  for (int i = 0; i < 190; ++i) many.push_back(tcp(1000 + i, 1000 + i, "10.0.0.0/8"));
  s.groups = {group("sg-1", many), group("sg-2", {}), group("sg-3", {}), group("sg-4", {}), group("sg-5", {})};
  NetworkInterface near_groups, near_product, fine;
  near_groups.id = "eni-1";
  near_groups.group_ids = {"sg-2", "sg-3", "sg-4", "sg-5", "sg-1"};  // 5 of 5
  near_product.id = "eni-2";
  near_product.group_ids = {"sg-1", "sg-2"};  // 2 of 5 groups; 2 x 190 = 380 of 1,000
  fine.id = "eni-3";
  fine.group_ids = {"sg-2"};
  s.interfaces = {near_groups, near_product, fine};
  s.index();
  AnalysisOptions o;
  AccountHygiene h(s, o);
  ASSERT_EQ(h.loads().size(), 1u);
  EXPECT_EQ(h.loads()[0].eni->id, "eni-1");
  EXPECT_TRUE(h.loads()[0].near_groups);
  EXPECT_TRUE(h.loads()[0].near_product);  // 5 groups x 190 rules = 950 of 1,000
  EXPECT_EQ(h.loads()[0].largest_bucket, 190);
  o.groups_per_interface = 16;
  AccountHygiene h16(s, o);
  ASSERT_EQ(h16.loads().size(), 1u);
  EXPECT_FALSE(h16.loads()[0].near_groups);
  EXPECT_TRUE(h16.loads()[0].near_product);
}

TEST(CleanupTest, SamplePlanDeletesWhatIsSafeAndReplaysWithoutAChange) {
  Snapshot s = sample();
  CleanupPlan plan = plan_cleanup(s, CleanupOptions{});
  std::vector<std::string> deleted = plan.deleted_groups;
  std::sort(deleted.begin(), deleted.end());
  EXPECT_EQ(deleted, (std::vector<std::string>{"sg-01000000000000002", "sg-0e000000000000001", "sg-0e000000000000002",
                                               "sg-0e000000000000003", "sg-0e000000000000004", "sg-0e000000000000005",
                                               "sg-0f000000000000001"}));
  EXPECT_EQ(plan.deleted_acls, std::vector<std::string>{"acl-0c1ea000000000002"});
  // Folding web-copy into web would make eni-3 a member of web, which app's rules name; folding
  // app-copy would let app's members reach each other's copy; batch-workers is named by launch data.
  std::set<std::string> skipped;
  for (const CleanupSkip& k : plan.skipped) skipped.insert(k.resource_id);
  EXPECT_EQ(skipped, (std::set<std::string>{"sg-0a000000000000002", "sg-0b000000000000002", "sg-0f000000000000002"}));
  for (const CleanupSkip& k : plan.skipped) {
    if (!k.interface_id.empty()) {
      EXPECT_TRUE(k.witness.has_value()) << k.why;
    }
  }
  // legacy-app's rule in db is revoked before legacy-app goes; chain-a before chain-b before chain-c.
  auto at = [&](CleanupStep::Action a, const std::string& id) {
    for (std::size_t i = 0; i < plan.steps.size(); ++i)
      if (plan.steps[i].action == a && plan.steps[i].resource_id == id) return i;
    return plan.steps.size();
  };
  EXPECT_LT(at(CleanupStep::Action::RevokeRule, "sg-0c000000000000001"),
            at(CleanupStep::Action::DeleteGroup, "sg-0e000000000000002"));
  EXPECT_LT(at(CleanupStep::Action::DeleteGroup, "sg-0e000000000000003"),
            at(CleanupStep::Action::DeleteGroup, "sg-0e000000000000004"));
  EXPECT_LT(at(CleanupStep::Action::DeleteGroup, "sg-0e000000000000004"),
            at(CleanupStep::Action::DeleteGroup, "sg-0e000000000000005"));
  std::mt19937_64 rng(1);
  EXPECT_GT(expect_replay_keeps_traffic(s, plan, rng), 1000u);
}

TEST(CleanupTest, DefaultInUseAndLaunchDataGroupsAreNeverDeleted) {
  Snapshot s = sample();
  CleanupPlan plan = plan_cleanup(s, CleanupOptions{});
  AccountHygiene h(s, AnalysisOptions{});
  for (const std::string& id : step_ids(plan, CleanupStep::Action::DeleteGroup)) {
    const SecurityGroup* g = s.find_group(id);
    ASSERT_NE(g, nullptr);
    EXPECT_FALSE(g->is_default());
    EXPECT_TRUE(h.usage(*g).consumers.empty()) << id;
  }
}

TEST(CleanupTest, KeepReferencedLeavesReferencedGroupsAndTheirRules) {
  Snapshot s = sample();
  CleanupOptions o;
  o.referenced = false;
  CleanupPlan plan = plan_cleanup(s, o);
  for (const std::string& id : plan.deleted_groups) {
    EXPECT_NE(id, "sg-0e000000000000002");
    EXPECT_NE(id, "sg-0e000000000000005");
  }
  EXPECT_TRUE(step_ids(plan, CleanupStep::Action::RevokeRule).empty());
}

TEST(CleanupTest, NeedsInterfaces) {
  Snapshot s;
  s.groups = {group("sg-1", {})};
  EXPECT_THROW(plan_cleanup(s, CleanupOptions{}), std::invalid_argument);
}

TEST(CleanupTest, AwsRefusesWhatItRefuses) {
  Snapshot s = sample();
  s.resolve_references(ReferenceMode::Resolve);
  CleanupStep del;
  del.action = CleanupStep::Action::DeleteGroup;
  del.resource_id = "sg-0e000000000000002";  // db's rule names it
  EXPECT_THROW(apply_cleanup_step(s, del), std::invalid_argument);
  del.resource_id = "sg-0a000000000000001";  // interfaces carry it
  EXPECT_THROW(apply_cleanup_step(s, del), std::invalid_argument);
  del.resource_id = "sg-0d000000000000001";  // default
  EXPECT_THROW(apply_cleanup_step(s, del), std::invalid_argument);
  CleanupStep none;
  none.action = CleanupStep::Action::SetInterfaceGroups;
  none.resource_id = "eni-0c1ea000000000001";
  EXPECT_THROW(apply_cleanup_step(s, none), std::invalid_argument);
  CleanupStep acl;
  acl.action = CleanupStep::Action::DeleteAcl;
  acl.resource_id = "acl-0c1ea000000000001";  // default and associated
  EXPECT_THROW(apply_cleanup_step(s, acl), std::invalid_argument);
}

TEST(CleanupTest, CyclesOfGroupsNamingEachOtherAreBrokenAndWhatTheyNameGoesAfter) {
  // sg-a and sg-b name each other, sg-a also names sg-c, sg-e names sg-a; none is carried. sg-d is.
  Snapshot s;
  // sg-c comes first: the group named by the cycle is not in it.
  s.groups = {group("sg-c", {}), group("sg-a", {tcp(22, 22, "sg-b"), tcp(80, 80, "sg-c")}),
              group("sg-b", {tcp(22, 22, "sg-a")}), group("sg-d", {tcp(443, 443, "10.0.0.0/8")}),
              group("sg-e", {tcp(5432, 5432, "sg-a")})};
  for (auto& g : s.groups) g.vpc_id = "vpc-1";
  NetworkInterface e;
  e.id = "eni-1";
  e.vpc_id = "vpc-1";
  e.private_ipv4 = {(u128(10) << 24) | 5};
  e.group_ids = {"sg-d"};
  s.interfaces = {e};
  s.resolve_references(ReferenceMode::Resolve);
  CleanupPlan plan = plan_cleanup(s, CleanupOptions{});
  std::vector<std::string> deleted = step_ids(plan, CleanupStep::Action::DeleteGroup);
  std::sort(deleted.begin(), deleted.end());
  EXPECT_EQ(deleted, (std::vector<std::string>{"sg-a", "sg-b", "sg-c", "sg-e"}));
  EXPECT_FALSE(step_ids(plan, CleanupStep::Action::RevokeRule).empty());
  std::mt19937_64 rng(7);
  // Replay refuses a deletion while a rule names the group (DependencyViolation).
  EXPECT_GT(expect_replay_keeps_traffic(s, plan, rng), 0u);
}

// Random accounts: groups drawn from a few templates (so that duplicates occur, some written
// differently), references among them and to themselves, interfaces with one to three groups.
Snapshot random_account(std::mt19937_64& rng) {
  Snapshot s;
  const char* ids[] = {"sg-a", "sg-b", "sg-c", "sg-d", "sg-e", "sg-f", "sg-g", "sg-h"};
  std::vector<std::vector<SgRule>> templates;
  for (int t = 0; t < 3; ++t) templates.push_back(random_sg_rules(rng, 1 + rng() % 4, Breadth::Narrow));
  std::size_t n = 4 + rng() % 5;
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<SgRule> in = templates[rng() % templates.size()];
    if (rng() % 2) in = equivalent_sg_rules(in, rng);
    if (rng() % 3 == 0) in.push_back(tcp(5432, 5432, ids[rng() % n]));
    if (rng() % 4 == 0) in.push_back(sg_rule(-1, std::nullopt, std::nullopt, ids[i]));
    std::vector<SgRule> out =
        rng() % 3 ? std::vector<SgRule>{rule(-1, std::nullopt, std::nullopt, v4("0.0.0.0/0"))} : std::vector<SgRule>{};
    s.groups.push_back(group(ids[i], in, out));
    s.groups.back().vpc_id = "vpc-1";
  }
  std::size_t enis = 2 + rng() % 5;
  for (std::size_t e = 0; e < enis; ++e) {
    NetworkInterface ni;
    ni.id = fmt::format("eni-{}", e);
    ni.vpc_id = "vpc-1";
    ni.private_ipv4 = {(u128(10) << 24) | (u128(1) << 8) | (e + 1)};
    std::size_t k = 1 + rng() % 3;
    for (std::size_t j = 0; j < k; ++j) {
      std::string id = ids[rng() % n];
      if (std::find(ni.group_ids.begin(), ni.group_ids.end(), id) == ni.group_ids.end()) ni.group_ids.push_back(id);
    }
    s.interfaces.push_back(ni);
  }
  s.resolve_references(ReferenceMode::Resolve);
  return s;
}

TEST(CleanupTest, RandomAccountsReplayWithoutAChange) {
  std::mt19937_64 rng(20261202);
  std::size_t steps = 0, folded = 0, compared = 0;
  for (int round = 0; round < 60; ++round) {
    Snapshot s = random_account(rng);
    CleanupPlan plan;
    ASSERT_NO_THROW(plan = plan_cleanup(s, CleanupOptions{})) << "round " << round;
    steps += plan.steps.size();
    folded += step_ids(plan, CleanupStep::Action::SetInterfaceGroups).size();
    compared += expect_replay_keeps_traffic(s, plan, rng);
    // Nothing an interface carried at the start and still carries at the end is deleted, and every
    // deleted group had no interface once the plan's own re-pointing was done (apply refuses otherwise).
    if (HasFailure()) {
      ADD_FAILURE() << "round " << round;
      break;
    }
  }
  // The generator makes plans with every kind of step, or the test proves little.
  EXPECT_GT(steps, 60u);
  EXPECT_GT(folded, 5u);
  EXPECT_GT(compared, 100000u);
}

}  // namespace
}  // namespace sgopt
