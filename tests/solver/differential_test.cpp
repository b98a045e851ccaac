// Three independent readings of AWS semantics must agree packet by packet: the Z3 encoding
// (solver/encoding.h), the native packet sets (solver/rule_sets.h) and the reference evaluator
// (model/packet.h), on random rule sets and on every group and ACL of the samples and real data.
#include "model/aws/loader.h"
#include "model/protocol.h"
#include "model/rule_text.h"
#include "solver/encoding.h"
#include "solver/rule_sets.h"
#include "tests/support/corpus.h"
#include "tests/support/packets.h"
#include "tests/support/rule_gen.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <random>
#include <string>

namespace sgopt {
namespace {

using test_support::boundary_packets;
using test_support::PacketSampler;

// The same questions asked of an SG rule list (with what its references stand for) or a NACL
// entry list.
z3::expr formula(Encoder& enc, const std::vector<SgRule>& rules, const References* refs) { return enc.sg(rules, refs); }
z3::expr formula(Encoder& enc, const std::vector<NaclEntry>& entries, const References*) {
  return enc.nacl_allows(entries);
}
PacketSet native_set(const std::vector<SgRule>& rules, PeerTable& peers, const References* refs) {
  return sg_set(rules, peers, refs);
}
PacketSet native_set(const std::vector<NaclEntry>& entries, PeerTable&, const References*) {
  return nacl_allowed_set(entries);
}
bool reference(const std::vector<SgRule>& rules, const Packet& p, const References* refs) {
  return sg_allows(rules, p, refs);
}
bool reference(const std::vector<NaclEntry>& entries, const Packet& p, const References*) {
  return nacl_decide(entries, p).allow;
}

std::string text(const SgRule& r) { return sg_rule_text(r); }
std::string text(const NaclEntry& e) { return nacl_entry_text(e); }

template <class Rules>
std::string describe(const Rules& rules) {
  std::string s;
  for (const auto& r : rules) s += "\n  " + text(r);
  return s;
}

// Checks the rules' boundary packets and the extra ones on all three engines; stops after a few
// disagreements so that one bug does not print thousands of lines. With prove_whole, also proves
// that the native set's boxes tile the Z3 formula exactly.
template <class Rules>
void check(z3::context& ctx, const Rules& rules, const std::vector<Packet>& extra, const std::string& name,
           bool prove_whole = false, const References* refs = nullptr) {
  PeerTable peers;
  Encoder enc(ctx, peers);
  Prover prover(enc);
  z3::expr f = formula(enc, rules, refs);
  PacketSet native = native_set(rules, peers, refs);
  auto packets = boundary_packets(rules);
  packets.insert(packets.end(), extra.begin(), extra.end());
  int failures = 0;
  for (const auto& p : packets) {
    bool ref = reference(rules, p, refs);
    bool z3 = prover.holds_for(f, p);
    bool nat = native.contains(p, peers);
    if (ref != z3 || ref != nat) {
      ADD_FAILURE() << "packet " << p.str() << ": reference " << ref << ", z3 " << z3 << ", native " << nat << " for "
                    << name << describe(rules);
      if (++failures == 3) break;
    }
  }
  if (!prove_whole) return;
  z3::expr_vector boxes(ctx);
  for (const Box& b : native.boxes()) boxes.push_back(enc.box(b));
  auto res = prover.equal(f, z3::mk_or(boxes));
  EXPECT_EQ(res.status, ProofStatus::Proved) << name << ": " << (res.witness ? res.witness->str() : res.reason);
}

TEST(DifferentialTest, RandomSecurityGroupsAgreeOnBoundaryAndRandomPackets) {
  z3::context ctx;  // one for the whole test: making one costs about a millisecond
  std::mt19937_64 rng(20240601);
  for (int round = 0; round < 200; ++round) {
    // Many single rules (each rule's own reading), then small overlapping groups.
    std::size_t n = round < 70 ? 1 : 2 + static_cast<std::size_t>(round % 7);
    auto rules = test_support::random_sg_rules(rng, n);
    auto extra = PacketSampler(rules).sample(60, rng);
    check(ctx, rules, extra, fmt::format("random group {}", round));
    if (HasFailure()) break;
  }
}

TEST(DifferentialTest, LargeSecurityGroupAgreesOnThousandsOfRandomPackets) {
  z3::context ctx;  // one for the whole test: making one costs about a millisecond
  std::mt19937_64 rng(7);
  auto rules = test_support::random_sg_rules(rng, 60);
  check(ctx, rules, PacketSampler(rules).sample(3000, rng), "60-rule group");
}

TEST(DifferentialTest, RandomNetworkAclsAgreeOnBoundaryAndRandomPackets) {
  z3::context ctx;  // one for the whole test: making one costs about a millisecond
  std::mt19937_64 rng(20240602);
  for (int round = 0; round < 150; ++round) {
    std::size_t n = round < 50 ? 1 : 2 + static_cast<std::size_t>(round % 9);
    auto entries = test_support::random_nacl_entries(rng, n, round % 3 != 0);
    auto extra = PacketSampler(entries).sample(60, rng);
    check(ctx, entries, extra, fmt::format("random ACL {}", round));
    if (HasFailure()) break;
  }
}

TEST(DifferentialTest, LargeNetworkAclAgreesOnThousandsOfRandomPackets) {
  z3::context ctx;  // one for the whole test: making one costs about a millisecond
  std::mt19937_64 rng(11);
  auto entries = test_support::random_nacl_entries(rng, 40);
  check(ctx, entries, PacketSampler(entries).sample(3000, rng), "40-entry ACL");
}

// Every group and ACL of one snapshot, each direction: boundary packets, random ones, and the
// whole sets. Returns how many rule lists were checked.
// Packets at the edges of every resolved reference's addresses, with no membership.
std::vector<Packet> member_address_edges(const References& refs) {
  std::vector<Packet> out;
  for (const ReferenceInfo& info : refs.all())
    for (const Cidr& c : info.addresses)
      for (u128 a : {c.first(), c.last(), c.first() - 1, c.last() + 1})
        for (int port : {22, 443}) out.push_back(Packet{c.family, a & max_address(c.family), std::nullopt, 6, port});
  return out;
}

int check_snapshot(const Snapshot& snap, const std::string& file, std::mt19937_64& rng) {
  z3::context ctx;
  int lists = 0;
  const auto edges = member_address_edges(snap.references);
  for (Direction d : {Direction::Ingress, Direction::Egress}) {
    for (const auto& g : snap.groups) {
      const auto& rules = g.rules(d);
      std::string name = file + " " + g.id + " " + direction_name(d);
      auto extra = PacketSampler(rules).sample(50, rng);
      extra.insert(extra.end(), edges.begin(), edges.end());
      check(ctx, rules, extra, name, true, &snap.references);
      ++lists;
    }
    for (const auto& acl : snap.acls) {
      const auto& entries = acl.entries(d);
      std::string name = file + " " + acl.id + " " + direction_name(d);
      check(ctx, entries, PacketSampler(entries).sample(50, rng), name, true);
      ++lists;
    }
  }
  return lists;
}

// Each file on its own: the samples hold before/after versions of the same group. Lenient, for
// the Batfish fixture among the real data that repeats a group id (each copy is checked).
void check_folder(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& f : std::filesystem::directory_iterator(dir))
    if (f.path().extension() == ".json") files.push_back(f.path());
  std::sort(files.begin(), files.end());
  ASSERT_FALSE(files.empty()) << dir;
  std::mt19937_64 rng(3);
  int lists = 0;
  for (const auto& f : files)
    lists += check_snapshot(load_inputs({f.string()}, LoadOptions{true}), f.filename().string(), rng);
  EXPECT_GT(lists, 0) << "no group or ACL in " << dir;
}

// A snapshot of one group with the rules, interfaces that carry the groups the rules name (random
// IPv4 and IPv6 addresses and delegated prefixes) and prefix lists with random entries and
// families; resolved or open.
Snapshot with_members(const std::vector<SgRule>& rules, std::mt19937_64& rng, ReferenceMode mode) {
  Snapshot s;
  SecurityGroup g;
  g.id = "sg-test";
  g.ingress = rules;
  s.groups.push_back(g);
  auto random_block = [&](Family f) {
    int len = f == Family::V4 ? 24 + static_cast<int>(rng() % 9) : 112 + static_cast<int>(rng() % 17);
    u128 a = f == Family::V4 ? (u128{10} << 24) | (rng() & 0xffffffu) : (u128{0x20010db8} << 96) | rng();
    u128 host = (u128{1} << (address_bits(f) - len)) - 1;
    return Cidr{f, a & ~host, len};
  };
  int n = 0;
  for (const SgRule& r : rules) {
    if (r.peer.type == PeerType::Group && rng() % 4 != 0) {
      NetworkInterface eni;
      eni.id = "eni-" + std::to_string(n++);
      eni.group_ids = {r.peer.ref};
      eni.private_ipv4.push_back(random_block(Family::V4).first());
      if (rng() % 2) eni.ipv6.push_back(random_block(Family::V6).first());
      if (rng() % 3 == 0) eni.prefixes.push_back(random_block(rng() % 2 ? Family::V4 : Family::V6));
      s.interfaces.push_back(eni);
    }
    if (r.peer.type == PeerType::PrefixList && !s.find_prefix_list(r.peer.ref)) {
      PrefixList pl;
      pl.id = r.peer.ref;
      if (rng() % 2) pl.family = rng() % 2 ? Family::V4 : Family::V6;
      pl.entries_loaded = rng() % 3 != 0;
      for (int i = static_cast<int>(rng() % 3); pl.entries_loaded && i > 0; --i)
        pl.entries.push_back(random_block(pl.family.value_or(rng() % 2 ? Family::V4 : Family::V6)));
      s.prefix_lists.push_back(pl);
    }
  }
  if (s.interfaces.empty()) {  // describe-network-interfaces was loaded, but no member is on it
    NetworkInterface none;
    none.id = "eni-none";
    s.interfaces.push_back(none);
  }
  s.resolve_references(mode);
  return s;
}

// Random groups with references and prefix lists, their members loaded: the three engines agree
// in the closed world (members resolved) and in the open one (packets carrying memberships).
TEST(DifferentialTest, RandomGroupsWithReferencesAgreeOpenAndClosed) {
  z3::context ctx;
  std::mt19937_64 rng(909);
  int resolved = 0;
  for (int round = 0; round < 120; ++round) {
    auto rules = test_support::random_sg_rules(rng, 1 + static_cast<std::size_t>(round % 8));
    for (ReferenceMode mode : {ReferenceMode::Open, ReferenceMode::Resolve}) {
      Snapshot s = with_members(rules, rng, mode);
      resolved += s.references.any_resolved();
      auto extra = PacketSampler(rules).sample(60, rng);
      auto edges = member_address_edges(s.references);
      extra.insert(extra.end(), edges.begin(), edges.end());
      check(ctx, rules, extra, fmt::format("random group {} ({})", round, reference_mode_name(mode)), round % 10 == 0,
            &s.references);
    }
    if (HasFailure()) break;
  }
  EXPECT_GT(resolved, 40);
}

// Equivalence judged slice by slice agrees with the sets of every membership, and every
// difference it reports has a witness the reference evaluator decides differently.
TEST(DifferentialTest, SliceEquivalenceAgreesWithTheSetsOfEveryMembership) {
  std::mt19937_64 rng(1717);
  int equal = 0, different = 0;
  for (int round = 0; round < 150; ++round) {
    auto a = test_support::random_sg_rules(rng, 1 + static_cast<std::size_t>(round % 9));
    auto b = test_support::equivalent_sg_rules(a, rng);
    if (round % 3 == 1 && b.size() > 1) b.erase(b.begin() + static_cast<long>(rng() % b.size()));
    if (round % 3 == 2) {  // one rule names another reference, or the same services of a CIDR
      SgRule& r = b[rng() % b.size()];
      if (rng() % 2) {
        r.peer = Peer{};
        r.peer.type = PeerType::Group;
        r.peer.ref = "sg-z";
      } else {
        r.peer = cidr_peer(Cidr{Family::V4, u128{10} << 24, 8});
      }
    }
    for (ReferenceMode mode : {ReferenceMode::Open, ReferenceMode::Resolve}) {
      std::vector<SgRule> both = a;
      both.insert(both.end(), b.begin(), b.end());
      Snapshot s = with_members(both, rng, mode);
      PeerTable peers;
      const PacketSet sa = sg_set(a, peers, &s.references), sb = sg_set(b, peers, &s.references);
      const bool same = sa == sb;
      ASSERT_EQ(sg_equivalent(a, b, &s.references), same) << "round " << round << " " << reference_mode_name(mode);
      (same ? equal : different) += 1;
      if (same) continue;
      auto w = sa.subtract(sb).unite(sb.subtract(sa)).witness(peers);
      ASSERT_TRUE(w);
      EXPECT_NE(sg_allows(a, *w, &s.references), sg_allows(b, *w, &s.references)) << "round " << round;
    }
  }
  EXPECT_GT(equal, 60);
  EXPECT_GT(different, 60);
}

// A -1 at one end of a tcp/udp range (read, with --lenient, as every port) means the same to the
// three engines.
TEST(DifferentialTest, AHalfOpenPortRangeIsEveryPortToEveryEngine) {
  z3::context ctx;
  std::vector<SgRule> rules;
  for (auto [from, to] : {std::pair{-1, 80}, std::pair{5000, -1}}) {
    SgRule r;
    r.protocol = from < 0 ? kTcp : kUdp;
    r.from_port = from;
    r.to_port = to;
    r.peer = cidr_peer(Cidr{Family::V4, u128{10} << 24, 8});
    rules.push_back(r);
  }
  std::vector<Packet> probes;
  for (int proto : {kTcp, kUdp})
    for (int port : {0, 80, 81, 4999, 5000, 65535}) {
      Packet p;
      p.family = Family::V4;
      p.addr = (u128{10} << 24) | 5;
      p.protocol = proto;
      p.port_key = port;
      probes.push_back(p);
      EXPECT_TRUE(sg_allows(rules, p)) << p.str();
    }
  check(ctx, rules, probes, "half-open ranges", true);
}

TEST(DifferentialTest, SamplesAgree) { check_folder(SGOPT_SOURCE_DIR "/samples"); }

// Each real export with its own interfaces, so that references resolve (closed world), and open.
TEST(DifferentialTest, RealExportsAgreeWithReferencesResolvedAndOpen) {
  auto exports = test_support::realdata_exports();
  if (exports.empty()) GTEST_SKIP() << "no ../shared/realdata beside the checkout";
  std::mt19937_64 rng(5);
  int resolved = 0;
  for (const auto& files : exports)
    for (ReferenceMode mode : {ReferenceMode::Open, ReferenceMode::Resolve}) {
      Snapshot s = load_inputs(files, LoadOptions{true, mode});
      resolved += s.references.any_resolved();
      check_snapshot(s, files.front(), rng);
    }
  EXPECT_GT(resolved, 2);
}

TEST(DifferentialTest, RealDataAgrees) {
  std::filesystem::path dir = SGOPT_SOURCE_DIR "/../shared/realdata/describe";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << "no ../shared/realdata beside the checkout";
  check_folder(dir);
}

}  // namespace
}  // namespace sgopt
