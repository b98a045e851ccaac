// decide_on_interface (passes/query/decide.h) against the two-layer reference evaluator
// (model/topology.h): the request at each layer and the reply at each client port, on random
// worlds and on the three-tier sample.
#include "model/aws/loader.h"
#include "model/protocol.h"
#include "passes/query/decide.h"
#include "tests/support/builders.h"
#include "tests/support/two_layer.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace sgopt {
namespace {

using Verdict = InterfaceDecision::Verdict;

// The reply decision that covers the port, checking that the runs tile the judged range.
const ReplyPorts* reply_at(const InterfaceDecision& d, int port) {
  for (const ReplyPorts& r : d.replies)
    if (r.lo <= port && port <= r.hi) return &r;
  return nullptr;
}

void expect_tiles(const InterfaceDecision& d, int protocol) {
  ASSERT_FALSE(d.replies.empty());
  if (!is_port_protocol(protocol)) {
    ASSERT_EQ(d.replies.size(), 1u);
    EXPECT_EQ(d.replies[0].lo, 0);
    return;
  }
  EXPECT_EQ(d.replies.front().lo, d.ephemeral.lo);
  EXPECT_EQ(d.replies.back().hi, d.ephemeral.hi);
  for (std::size_t i = 1; i < d.replies.size(); ++i) {
    EXPECT_EQ(d.replies[i].lo, d.replies[i - 1].hi + 1);
    EXPECT_NE(d.replies[i].acl.entry, d.replies[i - 1].acl.entry);  // runs are merged
  }
}

TEST(InterfaceQueryTest, EachLayerAndEachReplyAgreeWithTheReferenceEvaluator) {
  std::mt19937_64 rng(20261203);
  int checked = 0, answered = 0, partly = 0, dropped = 0, denied = 0;
  for (int round = 0; round < 40 && !HasFailure(); ++round) {
    auto w = test_support::random_two_layer_world(rng, round);
    if (round % 4 == 1) {  // ACLs that split the common ephemeral range, as the web tier of the sample does
      NetworkAcl& a = w.snap.acls[0];
      for (auto* entries : {&a.ingress, &a.egress}) {
        Direction d = entries == &a.ingress ? Direction::Ingress : Direction::Egress;
        std::erase_if(*entries, [](const NaclEntry& e) { return e.rule_number <= 2; });  // numbers are unique
        entries->insert(entries->begin(), test_support::nacl_entry(1, true, kTcp, 1024, 32767, "0.0.0.0/0", d));
        entries->insert(entries->begin(), test_support::nacl_entry(2, false, kTcp, 32768, 65535, "0.0.0.0/0", d));
      }
      w.ephemeral = {1024, 65535};
    }
    w.snap.resolve_references(ReferenceMode::Open);
    Placement place = place_interface(w.snap, w.snap.interfaces[0]);
    auto probes = test_support::two_layer_probes(w, rng);
    std::shuffle(probes.begin(), probes.end(), rng);
    for (Direction dir : {Direction::Ingress, Direction::Egress}) {
      // Accepted requests are rare in random worlds: take up to 15 of them and 10 others.
      std::vector<Packet> packets, others;
      for (const Packet& p : probes)
        (evaluate_flow(place, dir, p, 0, &w.snap.references).accepted() ? packets : others).push_back(p);
      packets.resize(std::min<std::size_t>(packets.size(), 15));
      others.resize(std::min<std::size_t>(others.size(), 10));
      packets.insert(packets.end(), others.begin(), others.end());
      for (const Packet& p : packets) {
        InterfaceDecision d = decide_on_interface(w.snap, "eni-1", dir, p, w.ephemeral);
        FlowVerdict v = evaluate_flow(place, dir, p, w.ephemeral.lo, &w.snap.references);
        ++checked;
        std::string what =
            fmt::format("round {} {} {}{}", round, direction_name(dir), p.str(), test_support::describe(w));
        EXPECT_EQ(d.same_subnet, v.same_subnet) << what;
        EXPECT_EQ(d.acl_allows(), v.request_passes_acl()) << what;
        if (d.acl) {
          EXPECT_EQ(d.acl->entry, v.acl_request.entry) << what;
        }
        EXPECT_EQ(d.groups.decision == Decision::Allow, v.rule != nullptr) << what;
        EXPECT_EQ(d.reply_checked, v.reply_checked && !v.same_subnet) << what;
        if (d.reply_checked) {
          expect_tiles(d, p.protocol);
          for (int port : test_support::client_ports(w.ephemeral, rng)) {
            bool in_range = port >= w.ephemeral.lo && port <= w.ephemeral.hi;
            const ReplyPorts* r = reply_at(d, is_port_protocol(p.protocol) ? port : 0);
            if (is_port_protocol(p.protocol) && !in_range) {
              EXPECT_EQ(r, nullptr) << what << " port " << port;
              continue;
            }
            ASSERT_NE(r, nullptr) << what << " port " << port;
            FlowVerdict vr = evaluate_flow(place, dir, p, port, &w.snap.references);
            EXPECT_EQ(r->acl.allow, vr.acl_reply.allow) << what << " port " << port;
            EXPECT_EQ(r->acl.entry, vr.acl_reply.entry) << what << " port " << port;
          }
        }
        // The verdict follows from the layers.
        bool all_pass = std::all_of(d.replies.begin(), d.replies.end(), [](auto& r) { return r.acl.allow; });
        bool none_pass = std::none_of(d.replies.begin(), d.replies.end(), [](auto& r) { return r.acl.allow; });
        Verdict want = !v.request_passes_acl()                  ? Verdict::Denied
                       : d.groups.decision == Decision::Depends ? Verdict::Unknown
                       : !v.accepted()                          ? Verdict::Denied
                       : !d.reply_checked || all_pass           ? Verdict::Answered
                       : none_pass                              ? Verdict::RepliesDropped
                                                                : Verdict::RepliesPartlyDropped;
        EXPECT_EQ(d.verdict, want) << what << " got " << verdict_name(d.verdict);
        answered += d.verdict == Verdict::Answered;
        partly += d.verdict == Verdict::RepliesPartlyDropped;
        dropped += d.verdict == Verdict::RepliesDropped;
        denied += d.verdict == Verdict::Denied;
      }
    }
  }
  // Every verdict is reached, so the agreement is not vacuous.
  EXPECT_GT(answered, 20) << checked;
  EXPECT_GT(partly, 5) << checked;
  EXPECT_GT(dropped, 5) << checked;
  EXPECT_GT(denied, 100) << checked;
}

class ThreeTierTest : public ::testing::Test {
 protected:
  Snapshot s = load_inputs({SGOPT_SOURCE_DIR "/samples/three-tier.json"});
  static Packet tcp(const char* peer, int port) {
    Packet p;
    p.addr = *parse_address(peer, &p.family);
    p.protocol = kTcp;
    p.port_key = port;
    return p;
  }
};

TEST_F(ThreeTierTest, WebRepliesToHighClientPortsAreDropped) {
  auto d = decide_on_interface(s, "eni-0web", Direction::Ingress, tcp("203.0.113.9", 443), {});
  EXPECT_EQ(d.verdict, Verdict::RepliesPartlyDropped);
  ASSERT_EQ(d.replies.size(), 2u);
  EXPECT_EQ(d.replies[0].hi, 32767);
  EXPECT_TRUE(d.replies[0].acl.allow);
  EXPECT_FALSE(d.replies[1].acl.allow);
  // A Linux client's ports are all above 32767: every reply is dropped.
  EXPECT_EQ(decide_on_interface(s, "eni-0web", Direction::Ingress, tcp("203.0.113.9", 443), {32768, 61000}).verdict,
            Verdict::RepliesDropped);
  EXPECT_EQ(decide_on_interface(s, "eni-0web", Direction::Ingress, tcp("203.0.113.9", 443), {}, 2000).verdict,
            Verdict::Answered);
}

TEST_F(ThreeTierTest, DeniedRequestsAndSameSubnetTraffic) {
  auto ssh = decide_on_interface(s, "eni-0web", Direction::Ingress, tcp("203.0.113.9", 22), {});
  EXPECT_EQ(ssh.verdict, Verdict::Denied);
  ASSERT_TRUE(ssh.acl);
  EXPECT_FALSE(ssh.acl->allow);
  // From inside the web subnet no ACL is crossed.
  auto inside = decide_on_interface(s, "eni-0web", Direction::Ingress, tcp("10.0.1.99", 443), {});
  EXPECT_TRUE(inside.same_subnet);
  EXPECT_FALSE(inside.reply_checked);
  EXPECT_EQ(inside.verdict, Verdict::Answered);
}

TEST_F(ThreeTierTest, UnknownAclOrGroupIsUnknownNeverAllowed) {
  s.acls.clear();
  s.index();
  auto d = decide_on_interface(s, "eni-0web", Direction::Ingress, tcp("203.0.113.9", 443), {});
  EXPECT_EQ(d.verdict, Verdict::Unknown);
  EXPECT_FALSE(d.acl_known());
  EXPECT_THROW(decide_on_interface(s, "eni-nope", Direction::Ingress, tcp("203.0.113.9", 443), {}),
               std::invalid_argument);
}

// An interface that carries no group (a NAT gateway): no group filters it, so the answer is the
// ACL's deny or unknown, never an allow or a deny by "no rule".
TEST_F(ThreeTierTest, InterfaceWithoutGroupsIsNotJudgedByGroups) {
  for (NetworkInterface& e : s.interfaces)
    if (e.id == "eni-0web") {
      e.group_ids.clear();
      e.interface_type = "nat_gateway";
    }
  s.index();
  auto https = decide_on_interface(s, "eni-0web", Direction::Ingress, tcp("203.0.113.9", 443), {});
  EXPECT_TRUE(https.place.no_groups());
  EXPECT_EQ(https.verdict, Verdict::Unknown);
  EXPECT_EQ(decide_on_interface(s, "eni-0web", Direction::Ingress, tcp("203.0.113.9", 22), {}).verdict,
            Verdict::Denied);  // the ACL denies it whatever forwards it
}

}  // namespace
}  // namespace sgopt
