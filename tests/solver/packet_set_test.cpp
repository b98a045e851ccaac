// PacketSet algebra checked against brute force over random boxes and packets.
#include "solver/packet_set.h"

#include "model/protocol.h"
#include "solver/rule_sets.h"

#include <gtest/gtest.h>

#include <random>

namespace sgopt {
namespace {

Box v4(u128 lo, u128 hi, int plo, int phi, int klo, int khi) { return kind_box(kPeerIpv4, lo, hi, plo, phi, klo, khi); }

TEST(PacketSetTest, TwoHalvesEqualTheWhole) {
  auto whole = PacketSet::from_box(v4(0, 255, 6, 6, 0, 65535));
  auto halves = PacketSet::from_boxes({v4(0, 127, 6, 6, 0, 65535), v4(128, 255, 6, 6, 0, 65535)});
  EXPECT_EQ(whole, halves);
  EXPECT_TRUE(whole.subset_of(halves));
  EXPECT_EQ(whole.count(), BigCount(256) * 65536);
}

TEST(PacketSetTest, NonPortProtocolsHaveOnlyPortKeyZero) {
  auto esp = PacketSet::from_box(v4(0, 0, 50, 50, 0, 65535));
  EXPECT_EQ(esp.count(), 1);
  EXPECT_TRUE(PacketSet::from_box(v4(0, 0, 50, 50, 5, 10)).empty());
}

TEST(PacketSetTest, UniverseCountIsExact) {
  auto u = PacketSet::universe({Family::V4});
  // 2^32 addresses x (4 keyed protocols x 65536 + 252 others x 1).
  BigCount expected = (BigCount(1) << 32) * (BigCount(4) * 65536 + 252);
  EXPECT_EQ(u.count(), expected);
}

// Random small boxes in a tiny space, compared with a brute-force bitmap over that space.
TEST(PacketSetTest, AlgebraMatchesBruteForce) {
  std::mt19937 rng(7);
  auto rnd = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  const int protos[] = {1, 6, 17, 50};
  auto random_box = [&] {
    int a = rnd(0, 15), b = rnd(a, 15);
    int p = rnd(0, 3), q = rnd(p, 3);
    int x = rnd(0, 7), y = rnd(x, 7);
    return v4(static_cast<u128>(a), static_cast<u128>(b), protos[p], protos[q], x, y);
  };
  auto in_box = [](const Box& b, int a, int p, int k) {
    bool domain = has_port_key(p) || k == 0;
    return domain && static_cast<u128>(a) >= b.addr_lo && static_cast<u128>(a) <= b.addr_hi && p >= b.proto_lo &&
           p <= b.proto_hi && k >= b.port_lo && k <= b.port_hi;
  };
  PeerTable peers;
  for (int round = 0; round < 300; ++round) {
    std::vector<Box> xs, ys;
    for (int i = rnd(0, 4); i > 0; --i) xs.push_back(random_box());
    for (int i = rnd(0, 4); i > 0; --i) ys.push_back(random_box());
    auto X = PacketSet::from_boxes(xs), Y = PacketSet::from_boxes(ys);
    auto U = X.unite(Y), I = X.intersect(Y), D = X.subtract(Y);
    long n_u = 0, n_i = 0, n_d = 0;
    for (int a = 0; a < 16; ++a)
      for (int p = 0; p <= 55; ++p)
        for (int k = 0; k < 8; ++k) {
          bool x = std::any_of(xs.begin(), xs.end(), [&](const Box& b) { return in_box(b, a, p, k); });
          bool y = std::any_of(ys.begin(), ys.end(), [&](const Box& b) { return in_box(b, a, p, k); });
          Packet pk{Family::V4, static_cast<u128>(a), std::nullopt, p, k};
          ASSERT_EQ(X.contains(pk, peers), x);
          ASSERT_EQ(U.contains(pk, peers), x || y);
          ASSERT_EQ(I.contains(pk, peers), x && y);
          ASSERT_EQ(D.contains(pk, peers), x && !y);
          n_u += x || y;
          n_i += x && y;
          n_d += x && !y;
        }
    EXPECT_EQ(U.count(), n_u);
    EXPECT_EQ(I.count(), n_i);
    EXPECT_EQ(D.count(), n_d);
    EXPECT_EQ(X.subset_of(Y), D.empty());
    EXPECT_EQ(U == X, Y.subtract(X).empty());
    if (auto w = D.witness(peers)) {
      EXPECT_TRUE(D.contains(*w, peers));
    }
    EXPECT_EQ(PacketSet::from_boxes(U.boxes()), U);
  }
}

// Kind ranges (memberships) in a small space: members 0..3 of both families, tiny addresses.
TEST(PacketSetTest, MembershipKindsMatchBruteForce) {
  std::mt19937 rng(11);
  auto rnd = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  PeerTable peers;
  for (const char* id : {"sg-a", "sg-b", "pl-c"})
    peers.member(id[0] == 's' ? PeerType::Group : PeerType::PrefixList, id);
  auto random_box = [&] {
    Family f = rnd(0, 1) ? Family::V6 : Family::V4;
    // As rules make them: every membership of the family (a CIDR rule), or members of references.
    int m = rnd(1, 3), n = rnd(m, 3);
    bool cidr = rnd(0, 2) == 0;
    PeerKind lo = cidr ? first_kind(f) : kind_of(f, static_cast<PeerKind>(m));
    PeerKind hi = cidr ? last_kind(f) : kind_of(f, static_cast<PeerKind>(n));
    int a = rnd(0, 7), b = rnd(a, 7);
    return Box{lo, hi, static_cast<u128>(a), static_cast<u128>(b), 6, 6, 0, 3};
  };
  auto in_box = [](const Box& b, PeerKind k, int a, int port) {
    return b.kind_lo <= k && k <= b.kind_hi && static_cast<u128>(a) >= b.addr_lo && static_cast<u128>(a) <= b.addr_hi &&
           port >= b.port_lo && port <= b.port_hi;
  };
  for (int round = 0; round < 200; ++round) {
    std::vector<Box> xs, ys;
    for (int i = rnd(0, 4); i > 0; --i) xs.push_back(random_box());
    for (int i = rnd(0, 4); i > 0; --i) ys.push_back(random_box());
    auto X = PacketSet::from_boxes(xs), Y = PacketSet::from_boxes(ys);
    auto U = X.unite(Y), I = X.intersect(Y), D = X.subtract(Y);
    long no_member = 0;
    for (Family f : {Family::V4, Family::V6})
      for (PeerKind m = 0; m <= 3; ++m)
        for (int a = 0; a < 8; ++a)
          for (int port = 0; port < 4; ++port) {
            PeerKind k = kind_of(f, m);
            bool x = std::any_of(xs.begin(), xs.end(), [&](const Box& b) { return in_box(b, k, a, port); });
            bool y = std::any_of(ys.begin(), ys.end(), [&](const Box& b) { return in_box(b, k, a, port); });
            Packet pk{f, static_cast<u128>(a), peers.membership(k), kTcp, port};
            ASSERT_EQ(peers.kind_of(pk), k);
            ASSERT_EQ(U.contains(pk, peers), x || y);
            ASSERT_EQ(I.contains(pk, peers), x && y);
            ASSERT_EQ(D.contains(pk, peers), x && !y);
            if (m == 0) no_member += x;
          }
    EXPECT_EQ(X.count(), no_member);
    EXPECT_EQ(PacketSet::from_boxes(U.boxes()), U);
    for (const Box& b : U.boxes()) EXPECT_EQ(family_of_kind(b.kind_lo), family_of_kind(b.kind_hi));
    if (auto w = D.witness(peers)) {
      EXPECT_TRUE(D.contains(*w, peers));
    }
  }
}

}  // namespace
}  // namespace sgopt
