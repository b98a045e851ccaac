// The cross-layer passes on the three-tier sample: each finding is there, says what it should, and
// its witness is confirmed by the two-layer reference evaluator (model/topology.h); a change that
// opens the return path makes the finding go away.
#include "passes/analyses/cross_layer.h"

#include "model/aws/loader.h"
#include "model/protocol.h"
#include "model/topology.h"
#include "passes/pass.h"
#include "tests/support/builders.h"
#include "tests/support/two_layer.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

namespace sgopt {
namespace {

std::vector<Finding> run(const Snapshot& s, const char* pass) {
  return run_analyses(s, {find_pass(pass)}, AnalysisOptions{}, 1);
}

Snapshot three_tier() { return load_inputs({SGOPT_SOURCE_DIR "/samples/three-tier.json"}); }

const NetworkInterface& eni(const Snapshot& s, const char* id) {
  return *std::find_if(s.interfaces.begin(), s.interfaces.end(), [&](const NetworkInterface& e) { return e.id == id; });
}

std::vector<Finding> only(std::vector<Finding> fs, Direction d) {
  std::erase_if(fs, [&](const Finding& f) { return f.direction != d; });
  return fs;
}

TEST(CrossLayerTest, ReturnPathBlockedForPartOfTheEphemeralRange) {
  Snapshot s = three_tier();
  auto fs = only(run(s, "return-path-blocked"), Direction::Ingress);
  ASSERT_EQ(fs.size(), 1u);
  const Finding& f = fs[0];
  EXPECT_EQ(f.resource_id, "acl-0web");
  EXPECT_EQ(f.severity, Severity::Low);  // part of the range: 32768-65535 of 1024-65535
  EXPECT_NE(f.message.find("32768-65535"), std::string::npos) << f.message;
  ASSERT_TRUE(f.witness && f.reply);
  Placement p = place_interface(s, *std::find_if(s.interfaces.begin(), s.interfaces.end(),
                                                 [](const NetworkInterface& e) { return e.id == "eni-0web"; }));
  FlowVerdict v = evaluate_flow(p, Direction::Ingress, *f.witness, f.reply->port_key);
  EXPECT_TRUE(v.accepted());
  EXPECT_FALSE(v.reply_passes());
  EXPECT_TRUE(evaluate_flow(p, Direction::Ingress, *f.witness, 32767).answered());  // the allowed part

  // With Linux's 32768-61000 every reply is dropped: medium.
  AnalysisOptions linux_clients;
  linux_clients.ephemeral = {32768, 61000};
  auto wholly = only(run_analyses(s, {find_pass("return-path-blocked")}, linux_clients, 1), Direction::Ingress);
  ASSERT_EQ(wholly.size(), 1u);
  EXPECT_EQ(wholly[0].severity, Severity::Medium);
  EXPECT_EQ(wholly[0].ephemeral_ports, "32768-61000");
  // Clients at 1024-32767 only: every reply passes, no finding.
  AnalysisOptions low_clients;
  low_clients.ephemeral = {1024, 32767};
  EXPECT_TRUE(only(run_analyses(s, {find_pass("return-path-blocked")}, low_clients, 1), Direction::Ingress).empty());

  // Opening the egress ephemeral range fixes it.
  for (NaclEntry& e : s.acls[0].egress)
    if (e.rule_number == 100) e.port_range = PortRange{1024, 65535};
  EXPECT_TRUE(only(run(s, "return-path-blocked"), Direction::Ingress).empty());
}

// The web tier calls the app tier on 8080 through a group reference; the web subnet's ACL lets
// no reply back in. Found because the reference resolves to the app interface's address (closed
// world), and not claimed when references are left open.
TEST(CrossLayerTest, ReturnPathBlockedThroughAResolvedReference) {
  Snapshot s = three_tier();
  auto fs = only(run(s, "return-path-blocked"), Direction::Egress);
  ASSERT_EQ(fs.size(), 1u);
  const Finding& f = fs[0];
  EXPECT_EQ(f.resource_id, "acl-0web");
  EXPECT_EQ(f.world, World::Closed);
  EXPECT_EQ(f.severity, Severity::Medium);  // every reply
  ASSERT_TRUE(f.witness && f.reply);
  EXPECT_EQ(f.witness->str(), "tcp 10.0.2.10 port 8080");
  Placement web = place_interface(s, eni(s, "eni-0web"));
  for (int port : {1024, 40000, 65535}) {
    FlowVerdict v = evaluate_flow(web, Direction::Egress, *f.witness, port, &s.references);
    EXPECT_TRUE(v.accepted());
    EXPECT_FALSE(v.reply_passes()) << port;
  }
  s.resolve_references(ReferenceMode::Open);
  EXPECT_TRUE(only(run(s, "return-path-blocked"), Direction::Egress).empty());
}

TEST(CrossLayerTest, DeadRulesAndTheirDeadParts) {
  Snapshot s = three_tier();
  auto fs = run(s, "dead-group-rule");
  std::vector<std::string> seen;
  for (const auto& f : fs) {
    seen.push_back(f.resource_id + " " + f.kind);
    ASSERT_TRUE(f.witness);
    for (const NetworkInterface* eni : s.interfaces_with_group(f.resource_id)) {
      Placement p = place_interface(s, *eni);
      EXPECT_FALSE(evaluate_flow(p, *f.direction, *f.witness, 1024).request_passes_acl()) << f.message;
    }
  }
  // SSH from anywhere on the app tier: the ACL denies it except inside the app subnet itself.
  EXPECT_NE(std::find(seen.begin(), seen.end(), "sg-0app partly-dead-group-rule"), seen.end());
  EXPECT_NE(std::find(seen.begin(), seen.end(), "sg-0db partly-dead-group-rule"), seen.end());
  // Without describe-subnets nothing is inside a subnet, so the app tier's SSH rule is wholly dead.
  s.subnets.clear();
  s.index();
  bool wholly = false;
  for (const auto& f : run(s, "dead-group-rule"))
    wholly = wholly || (f.resource_id == "sg-0app" && f.kind == "dead-group-rule");
  EXPECT_TRUE(wholly);
}

TEST(CrossLayerTest, EffectiveExposureNamesThePublicIp) {
  Snapshot s = three_tier();
  auto fs = run(s, "effective-exposure");
  ASSERT_EQ(fs.size(), 1u);  // only the web tier accepts anything from the internet
  EXPECT_EQ(fs[0].interfaces, std::vector<std::string>{"eni-0web"});
  EXPECT_NE(fs[0].message.find("198.51.100.20"), std::string::npos);
  EXPECT_NE(fs[0].message.find("tcp port 443"), std::string::npos) << fs[0].message;
  // One service: its region's exact count is the whole exposure.
  ASSERT_EQ(fs[0].regions.size(), 1u);
  EXPECT_NE(
      fs[0].regions[0].find(fmt::format("({} packets from {} addresses)", fs[0].exposure, fs[0].exposed_addresses)),
      std::string::npos)
      << fs[0].regions[0];
  // Without any ACL loaded the cross-layer passes say nothing: one layer is unknown.
  s.acls.clear();
  s.index();
  EXPECT_TRUE(run(s, "effective-exposure").empty());
  EXPECT_TRUE(run(s, "dead-group-rule").empty());
}

TEST(CrossLayerTest, AclAllowancesNoGroupUses) {
  Snapshot s = three_tier();
  auto fs = run(s, "acl-allows-what-no-group-uses");
  const Finding* db = nullptr;
  for (const Finding& f : fs)
    if (f.resource_id == "acl-0db" && f.direction == Direction::Ingress) db = &f;
  // The db ACL lets the whole app subnet reach 5432; only the app interface's group may.
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(db->world, World::Closed);
  ASSERT_TRUE(db->witness);
  EXPECT_EQ(db->witness->port_key, 5432);
  EXPECT_TRUE(nacl_decide(s.acls[2].ingress, *db->witness).allow);
  EXPECT_FALSE(
      evaluate_flow(place_interface(s, eni(s, "eni-0db")), Direction::Ingress, *db->witness, 1024, &s.references).rule);
  ASSERT_EQ(db->rules.size(), 1u);
  EXPECT_EQ(db->rules[0].rule_number, 100);
  // A group that accepts the whole app subnet uses all of it: no finding on that direction.
  for (SecurityGroup& g : s.groups)
    if (g.id == "sg-0db") g.ingress.push_back(test_support::tcp(5432, 5432, "10.0.2.0/24"));
  s.index();
  for (const Finding& f : run(s, "acl-allows-what-no-group-uses"))
    EXPECT_FALSE(f.resource_id == "acl-0db" && f.direction == Direction::Ingress) << f.message;
}

// SSH open to the world on the app group, whose only interface sits behind an ACL that denies 22
// from outside the subnet: lowered, naming the entry; high again when the ACL is not known or lets
// part of the internet in.
TEST(CrossLayerTest, OverlyPermissiveLoweredWhenEveryInterfacesAclStopsIt) {
  auto ssh_finding = [](const Snapshot& s) {
    for (const Finding& f : run(s, "overly-permissive"))
      if (f.resource_id == "sg-0app" && f.kind == "open-admin-port") return f;
    ADD_FAILURE() << "no open-admin-port finding on sg-0app";
    return Finding{};
  };
  Snapshot s = three_tier();
  Finding lowered = ssh_finding(s);
  EXPECT_EQ(lowered.severity, Severity::Low);
  EXPECT_EQ(lowered.interfaces, std::vector<std::string>{"eni-0app"});
  ASSERT_EQ(lowered.causes.size(), 1u);
  EXPECT_EQ(lowered.causes[0].resource_id, "acl-0app");
  EXPECT_EQ(lowered.causes[0].rule_number, 110);
  EXPECT_NE(lowered.message.find("acl-0app entry 110"), std::string::npos) << lowered.message;
  ASSERT_TRUE(lowered.witness);
  EXPECT_FALSE(nacl_decide(s.acls[1].ingress, *lowered.witness).allow);

  Snapshot no_acls = three_tier();
  no_acls.acls.clear();
  no_acls.index();
  EXPECT_EQ(ssh_finding(no_acls).severity, Severity::High);

  // One public /24 may reach port 22 through the ACL: the exposure is real, nothing is lowered.
  Snapshot partly = three_tier();
  partly.acls[1].ingress.insert(partly.acls[1].ingress.begin(),
                                test_support::nacl_entry(50, true, kTcp, 22, 22, "8.8.8.0/24"));
  partly.index();
  EXPECT_EQ(ssh_finding(partly).severity, Severity::High);
}

// The unused set against the obvious reading, on random worlds: a packet the ACL allows (not ICMP)
// is unused exactly when no rule of the groups matches it for any membership and it is no reply,
// to an ephemeral port, of a request of some port that both layers accept the other way.
TEST(CrossLayerTest, UnusedAllowancesAgreeWithTheReferenceReading) {
  std::mt19937_64 rng(20261204);
  int checked = 0, unused = 0, reply_kept = 0;
  for (int round = 0; round < 40 && !HasFailure(); ++round) {
    auto w = test_support::random_two_layer_world(rng, round);
    const NetworkAcl& acl = w.snap.acls[0];
    auto profiles = profiles_behind(w.snap, acl);
    ASSERT_EQ(profiles.size(), 1u);
    const Placement& place = profiles[0].place;
    auto matches_some_member = [&](Direction d, const Packet& p) {
      for (const SecurityGroup* g : place.groups)
        for (const SgRule& r : g->rules(d)) {
          Packet q = p;
          if (!r.peer.is_cidr()) q.member = Membership{r.peer.type, r.peer.ref};
          if (rule_matches(r, q)) return true;
        }
      return false;
    };
    const auto base = test_support::two_layer_probes(w, rng);
    for (Direction d : {Direction::Ingress, Direction::Egress}) {
      Direction back = d == Direction::Ingress ? Direction::Egress : Direction::Ingress;
      // The replies of the requests accepted the other way, at the range's edges, are probed too.
      auto probes = base;
      for (const Packet& q : base)
        if (evaluate_flow(place, back, q, w.ephemeral.lo).accepted())
          for (int port : {w.ephemeral.lo, w.ephemeral.hi})
            if (auto reply = reply_packet(q, port)) probes.push_back(*reply);
      PeerTable peers;
      PacketSet set = acl_unused(acl, profiles, d, w.ephemeral, peers, nullptr);
      for (Packet p : probes) {
        p.member.reset();  // the set holds address packets: what holds whoever the members are
        if (is_icmp_protocol(p.protocol) || !nacl_decide(acl.entries(d), p).allow) {
          EXPECT_FALSE(set.contains(p, peers)) << p.str();
          continue;
        }
        bool used = matches_some_member(d, p);
        bool ports = is_port_protocol(p.protocol);
        if (!used && (!ports || (p.port_key >= w.ephemeral.lo && p.port_key <= w.ephemeral.hi))) {
          for (int port = 0; port <= (ports ? 65535 : 0) && !used; ++port) {
            Packet request = p;
            request.port_key = port;
            used = (place.same_subnet(p.family, p.addr) || nacl_decide(acl.entries(back), request).allow) &&
                   matches_some_member(back, request);
          }
          reply_kept += used;
        }
        ++checked;
        unused += !used;
        EXPECT_EQ(set.contains(p, peers), !used)
            << "round " << round << " " << direction_name(d) << " " << p.str() << test_support::describe(w);
      }
    }
  }
  EXPECT_GT(unused, 100) << checked;
  EXPECT_GT(reply_kept, 5) << checked;
}

}  // namespace
}  // namespace sgopt
