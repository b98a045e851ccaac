// The two-layer effective policy (solver/effective.h) against the reference evaluator of both
// layers (model/topology.h), packet by packet and reply by reply, on random ACLs, groups, subnets
// and ephemeral ranges.
#include "solver/effective.h"

#include "model/protocol.h"
#include "model/rule_text.h"
#include "model/topology.h"
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

using test_support::client_ports;
using test_support::describe;
using World = test_support::TwoLayerWorld;

TEST(EffectiveTest, BothLayersAndRepliesAgreeWithTheReferenceEvaluator) {
  std::mt19937_64 rng(20261202);
  int checked = 0, accepted = 0, dropped = 0, same_subnet = 0;
  for (int round = 0; round < 150 && !HasFailure(); ++round) {
    World w = test_support::random_two_layer_world(rng, round);
    Placement place = place_interface(w.snap, w.snap.interfaces[0]);
    ASSERT_TRUE(place.complete());
    auto packets = test_support::two_layer_probes(w, rng);
    for (Direction d : {Direction::Ingress, Direction::Egress}) {
      PeerTable peers;
      EffectiveDirection e = effective_direction(place, d, w.ephemeral, peers);
      int failures = 0;
      for (const Packet& p : packets) {
        FlowVerdict v = evaluate_flow(place, d, p, w.ephemeral.lo);
        ++checked;
        accepted += v.accepted();
        same_subnet += v.same_subnet;
        if (e.accepted.contains(p, peers) != v.accepted()) {
          ADD_FAILURE() << "round " << round << " " << direction_name(d) << " request " << p.str() << ": reference "
                        << v.accepted() << ", sets " << !v.accepted();
          if (++failures == 3) break;
        }
        // A reply is (peer, protocol, client port): it is the reply of every request of that peer
        // and protocol, so it is judged for the requests that are accepted.
        if (!v.accepted()) continue;
        for (int port : client_ports(w.ephemeral, rng)) {
          FlowVerdict vr = evaluate_flow(place, d, p, port);
          auto reply = reply_packet(p, port);
          // Only tcp/udp replies go to a client port; others have none.
          bool in_range = !is_port_protocol(p.protocol) || (port >= w.ephemeral.lo && port <= w.ephemeral.hi);
          bool expect = vr.reply_checked && in_range && !vr.reply_passes();
          bool got = reply && e.dropped_replies.contains(*reply, peers);
          dropped += expect;
          if (got != expect) {
            ADD_FAILURE() << "round " << round << " " << direction_name(d) << " request " << p.str() << ", client port "
                          << port << " (ephemeral " << w.ephemeral.str() << "): reference says the reply is "
                          << (expect ? "" : "not ") << "dropped, sets say " << (got ? "" : "not ") << "dropped"
                          << describe(w);
            if (++failures == 3) break;
          }
        }
      }
    }
  }
  // The random worlds reach every case, so the agreement is not vacuous.
  EXPECT_GT(accepted, 1000) << "of " << checked;
  EXPECT_GT(dropped, 100);
  EXPECT_GT(same_subnet, 100);
}

TEST(EffectiveTest, RepliesOfEachProtocolKind) {
  EphemeralPorts e{32768, 61000};
  PacketSet requests = PacketSet::from_boxes({address_box(Family::V4, 10, 20, 0, 255, 0, 65535)});
  PacketSet replies = replies_of(requests, e);
  PeerTable peers;
  EXPECT_TRUE(replies.contains(Packet{Family::V4, 15, std::nullopt, kTcp, 32768}, peers));
  EXPECT_TRUE(replies.contains(Packet{Family::V4, 15, std::nullopt, kUdp, 61000}, peers));
  EXPECT_FALSE(replies.contains(Packet{Family::V4, 15, std::nullopt, kTcp, 61001}, peers));
  EXPECT_FALSE(replies.contains(Packet{Family::V4, 15, std::nullopt, kTcp, 443}, peers));
  EXPECT_TRUE(replies.contains(Packet{Family::V4, 15, std::nullopt, 50, 0}, peers));      // no ports: same protocol
  EXPECT_FALSE(replies.contains(Packet{Family::V4, 15, std::nullopt, kIcmp, 0}, peers));  // ICMP: not judged
  EXPECT_FALSE(replies.contains(Packet{Family::V4, 21, std::nullopt, kTcp, 40000}, peers));
  // Back from replies to the requests they answer: every port of the same peers and protocols.
  PacketSet tcp_only = PacketSet::from_boxes({address_box(Family::V4, 12, 12, kTcp, kTcp, 40000, 40000)});
  PacketSet answered = requests_answered_by(requests, tcp_only);
  EXPECT_TRUE(answered.contains(Packet{Family::V4, 12, std::nullopt, kTcp, 22}, peers));
  EXPECT_FALSE(answered.contains(Packet{Family::V4, 12, std::nullopt, kUdp, 22}, peers));
  EXPECT_FALSE(answered.contains(Packet{Family::V4, 13, std::nullopt, kTcp, 22}, peers));
}

TEST(EffectiveTest, ParsesEphemeralRanges) {
  std::string why;
  auto p = parse_ephemeral_ports("32768-61000", &why);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->lo, 32768);
  EXPECT_EQ(p->hi, 61000);
  for (const char* bad : {"", "1024", "61000-32768", "0-65536", "-1-5", "a-b", "1024-", "1024-65535x"})
    EXPECT_FALSE(parse_ephemeral_ports(bad, &why)) << bad;
}

TEST(EffectiveTest, FindsTheSubnetsAcl) {
  Snapshot s;
  NetworkAcl assoc, dflt;
  assoc.id = "acl-a";
  assoc.vpc_id = "vpc-1";
  assoc.subnet_ids = {"subnet-a"};
  dflt.id = "acl-d";
  dflt.vpc_id = "vpc-1";
  dflt.is_default = true;
  s.acls = {assoc, dflt};
  s.index();
  std::string why;
  EXPECT_EQ(subnet_acl(s, "subnet-a", "vpc-1", &why), &s.acls[0]);
  EXPECT_EQ(subnet_acl(s, "subnet-b", "vpc-1", &why), &s.acls[1]);  // not associated: the VPC's default
  EXPECT_NE(why.find("default ACL of vpc-1"), std::string::npos) << why;
  EXPECT_EQ(subnet_acl(s, "subnet-c", "vpc-2", &why), nullptr);  // no ACL of its VPC is loaded
  EXPECT_NE(why.find("vpc-2"), std::string::npos) << why;
}

}  // namespace
}  // namespace sgopt
