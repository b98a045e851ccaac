// The Z3 encoding on the edge cases of AWS-SEMANTICS.md sections 2 and 3 (each checked against the
// reference evaluator and the native engine too), and the prover's contract: witnesses, domain,
// timeouts reported as unknown, holds_for, and SMT-LIB2 export re-checked by the z3 binary.
#include "solver/encoding.h"

#include "model/protocol.h"
#include "model/rule_text.h"
#include "solver/rule_sets.h"
#include "tests/support/builders.h"
#include "tests/support/rule_gen.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

namespace sgopt {
namespace {

using test_support::icmp_key;
using test_support::nacl_entry;
using test_support::packet;
using test_support::sg_rule;

class EncodingTest : public ::testing::Test {
 protected:
  // Every engine must give the stated decision.
  void expect_sg(const std::vector<SgRule>& rules, const Packet& p, bool expected) {
    std::string rules_text;
    for (const auto& r : rules) rules_text += " [" + sg_rule_text(r) + "]";
    SCOPED_TRACE(p.str() + " against" + rules_text);
    EXPECT_EQ(prover_.holds_for(enc_.sg(rules), p), expected) << "z3";
    EXPECT_EQ(sg_allows(rules, p), expected) << "reference";
    EXPECT_EQ(sg_set(rules, peers_).contains(p, peers_), expected) << "native";
  }
  void expect_nacl(const std::vector<NaclEntry>& entries, const Packet& p, bool expected) {
    std::string entries_text;
    for (const auto& e : entries) entries_text += " [" + nacl_entry_text(e) + "]";
    SCOPED_TRACE(p.str() + " against" + entries_text);
    EXPECT_EQ(prover_.holds_for(enc_.nacl_allows(entries), p), expected) << "z3";
    EXPECT_EQ(nacl_decide(entries, p).allow, expected) << "reference";
    EXPECT_EQ(nacl_allowed_set(entries).contains(p, peers_), expected) << "native";
  }

  z3::context ctx_;  // first: everything below is made from it
  PeerTable peers_;
  Encoder enc_{ctx_, peers_};
  Prover prover_{enc_};
};

// ---------------------------------------------------------------------------------------------
// Security groups (AWS-SEMANTICS.md 2.2, 2.3)

TEST_F(EncodingTest, IcmpFromPortIsTypeAndToPortIsCode) {
  auto r = sg_rule("icmp", 3, 4, "0.0.0.0/0");
  expect_sg({r}, packet("icmp", "10.0.0.1", icmp_key(3, 4)), true);
  expect_sg({r}, packet("icmp", "10.0.0.1", icmp_key(4, 3)), false);
  expect_sg({r}, packet("icmp", "10.0.0.1", icmp_key(3, 3)), false);
  expect_sg({r}, packet("icmp", "10.0.0.1", icmp_key(3, 5)), false);
}

TEST_F(EncodingTest, IcmpMinusOneIsAWildcard) {
  auto type3 = sg_rule("icmp", 3, -1, "0.0.0.0/0");
  expect_sg({type3}, packet("icmp", "10.0.0.1", icmp_key(3, 0)), true);
  expect_sg({type3}, packet("icmp", "10.0.0.1", icmp_key(3, 255)), true);
  expect_sg({type3}, packet("icmp", "10.0.0.1", icmp_key(4, 0)), false);
  auto all = sg_rule("icmp", -1, -1, "0.0.0.0/0");
  expect_sg({all}, packet("icmp", "10.0.0.1", icmp_key(255, 255)), true);
  expect_sg({all}, packet("icmpv6", "10.0.0.1", icmp_key(128, 0)), false);
}

TEST_F(EncodingTest, Icmpv6WithoutPortsAllowsEveryTypeAndCode) {
  auto r = sg_rule("icmpv6", std::nullopt, std::nullopt, "::/0");
  expect_sg({r}, packet("icmpv6", "2001:db8::1", icmp_key(128, 0)), true);
  expect_sg({r}, packet("icmpv6", "2001:db8::1", icmp_key(255, 255)), true);
  expect_sg({r}, packet("icmp", "2001:db8::1", icmp_key(8, 0)), false);
}

TEST_F(EncodingTest, AllProtocolsIgnoresPortsWithOrWithoutThem) {
  for (auto r : {sg_rule("-1", std::nullopt, std::nullopt, "10.0.0.0/8"), sg_rule("-1", 22, 22, "10.0.0.0/8"),
                 sg_rule("-1", -1, -1, "10.0.0.0/8")}) {
    expect_sg({r}, packet("tcp", "10.1.2.3", 443), true);
    expect_sg({r}, packet("udp", "10.1.2.3", 53), true);
    expect_sg({r}, packet("50", "10.1.2.3"), true);
    expect_sg({r}, packet("tcp", "11.0.0.0", 22), false);
  }
}

TEST_F(EncodingTest, OtherProtocolNumbersIgnorePorts) {
  auto esp = sg_rule("50", 10, 20, "10.0.0.0/8");
  expect_sg({esp}, packet("50", "10.0.0.1"), true);
  expect_sg({esp}, packet("51", "10.0.0.1"), false);
}

TEST_F(EncodingTest, NumericAndNamedProtocolsAreTheSame) {
  for (auto [name, number] : {std::pair{"tcp", "6"}, {"udp", "17"}, {"icmp", "1"}, {"icmpv6", "58"}}) {
    auto by_name = enc_.rule(sg_rule(name, 3, 4, "10.0.0.0/8"));
    auto by_number = enc_.rule(sg_rule(number, 3, 4, "10.0.0.0/8"));
    EXPECT_EQ(prover_.equal(by_name, by_number).status, ProofStatus::Proved) << name;
  }
}

TEST_F(EncodingTest, TcpMinusOnePortsMeanAllPorts) {
  auto r = sg_rule("tcp", -1, -1, "10.0.0.0/8");
  expect_sg({r}, packet("tcp", "10.0.0.1", 0), true);
  expect_sg({r}, packet("tcp", "10.0.0.1", 65535), true);
  EXPECT_EQ(prover_.equal(enc_.rule(r), enc_.rule(sg_rule("tcp", 0, 65535, "10.0.0.0/8"))).status, ProofStatus::Proved);
}

TEST_F(EncodingTest, PortRangeEndsAreInclusive) {
  auto r = sg_rule("tcp", 1024, 2048, "10.0.0.0/8");
  expect_sg({r}, packet("tcp", "10.0.0.1", 1023), false);
  expect_sg({r}, packet("tcp", "10.0.0.1", 1024), true);
  expect_sg({r}, packet("tcp", "10.0.0.1", 2048), true);
  expect_sg({r}, packet("tcp", "10.0.0.1", 2049), false);
  expect_sg({r}, packet("udp", "10.0.0.1", 1024), false);
}

TEST_F(EncodingTest, Ipv4RulesNeverMatchIpv6AndViceVersa) {
  auto v4 = sg_rule("-1", std::nullopt, std::nullopt, "0.0.0.0/0");
  auto v6 = sg_rule("-1", std::nullopt, std::nullopt, "::/0");
  expect_sg({v4}, packet("tcp", "::a00:1", 22), false);
  expect_sg({v6}, packet("tcp", "10.0.0.1", 22), false);
  z3::expr v6_packets = enc_.kind() == ctx_.bv_val(kPeerIpv6, 32);
  EXPECT_EQ(prover_.is_empty(enc_.rule(v4) && v6_packets).status, ProofStatus::Proved);
}

TEST_F(EncodingTest, CidrEdgesAreExact) {
  auto v4 = sg_rule("tcp", 22, 22, "10.1.0.0/16");
  expect_sg({v4}, packet("tcp", "10.0.255.255", 22), false);
  expect_sg({v4}, packet("tcp", "10.1.0.0", 22), true);
  expect_sg({v4}, packet("tcp", "10.1.255.255", 22), true);
  expect_sg({v4}, packet("tcp", "10.2.0.0", 22), false);
  auto v6 = sg_rule("tcp", 22, 22, "2001:db8::/127");
  expect_sg({v6}, packet("tcp", "2001:db8::1", 22), true);
  expect_sg({v6}, packet("tcp", "2001:db8::2", 22), false);
  auto top = sg_rule("tcp", 22, 22, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128");
  expect_sg({top}, packet("tcp", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 22), true);
  expect_sg({top}, packet("tcp", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", 22), false);
}

TEST_F(EncodingTest, ReferencesMatchTheirMembersOfEitherFamily) {
  auto r = sg_rule("tcp", 22, 22, "sg-1");
  expect_sg({r}, packet("tcp", "sg-1", 22), true);
  expect_sg({r}, packet("tcp", "sg-1@2001:db8::7", 22), true);
  expect_sg({r}, packet("tcp", "sg-1@10.1.2.3", 23), false);
  expect_sg({r}, packet("tcp", "sg-2", 22), false);
  expect_sg({r}, packet("tcp", "pl-1", 22), false);
  expect_sg({r}, packet("tcp", "10.0.0.1", 22), false);
  Packet same_name_list = packet("tcp", "pl-x", 22);
  same_name_list.member->id = "sg-1";  // a prefix list that happens to share the group's text
  expect_sg({r}, same_name_list, false);
  // A CIDR rule matches members by their address.
  auto cidr = sg_rule("tcp", 22, 22, "10.0.0.0/8");
  expect_sg({cidr}, packet("tcp", "sg-9@10.4.4.4", 22), true);
  expect_sg({cidr}, packet("tcp", "sg-9@11.4.4.4", 22), false);
}

TEST_F(EncodingTest, GroupIsTheUnionOfItsRules) {
  std::vector<SgRule> rules{sg_rule("tcp", 22, 22, "10.0.0.0/8"), sg_rule("tcp", 443, 443, "0.0.0.0/0")};
  expect_sg(rules, packet("tcp", "10.0.0.1", 22), true);
  expect_sg(rules, packet("tcp", "192.0.2.1", 443), true);
  expect_sg(rules, packet("tcp", "192.0.2.1", 22), false);
  expect_sg({}, packet("tcp", "192.0.2.1", 22), false);
}

// Out-of-range ICMP values (the API rejects them, hand-written input may not): a type or code
// above 255 selects no packet. The native engine once read type 3 code 300 as type 4 code 44.
TEST_F(EncodingTest, IcmpValuesAbove255MatchNothing) {
  auto code300 = sg_rule("icmp", 3, 300, "0.0.0.0/0");
  expect_sg({code300}, packet("icmp", "10.0.0.1", icmp_key(4, 44)), false);
  expect_sg({code300}, packet("icmp", "10.0.0.1", icmp_key(3, 44)), false);
  auto type300 = sg_rule("icmp", 300, -1, "0.0.0.0/0");
  expect_sg({type300}, packet("icmp", "10.0.0.1", icmp_key(44, 0)), false);
  auto entry = nacl_entry(100, true, "58", "::/0", std::nullopt, IcmpTypeCode{1, 256});
  expect_nacl({entry}, packet("icmpv6", "::1", icmp_key(2, 0)), false);
  EXPECT_EQ(prover_.is_empty(enc_.rule(code300)).status, ProofStatus::Proved);
}

// ---------------------------------------------------------------------------------------------
// Network ACLs (AWS-SEMANTICS.md 3)

TEST_F(EncodingTest, NaclLowestRuleNumberDecidesNotInputOrder) {
  std::vector<NaclEntry> entries{nacl_entry(200, true, "6", "0.0.0.0/0", PortRange{22, 22}),
                                 nacl_entry(100, false, "6", "10.0.0.0/8", PortRange{0, 65535})};
  Packet p = packet("tcp", "10.0.0.1", 22);
  EXPECT_EQ(prover_.holds_for(enc_.nacl_allows(entries), p), false);
  EXPECT_EQ(nacl_decide(entries, p).allow, false);
  expect_nacl(entries, packet("tcp", "192.0.2.1", 22), true);
}

TEST_F(EncodingTest, NaclDeniesWhatNoEntryAllows) {
  std::vector<NaclEntry> entries{nacl_entry(100, true, "6", "0.0.0.0/0", PortRange{80, 80}),
                                 nacl_entry(kNaclDefaultDenyV4, false, "-1", "0.0.0.0/0"),
                                 nacl_entry(kNaclDefaultDenyV6, false, "-1", "::/0")};
  expect_nacl(entries, packet("tcp", "192.0.2.1", 80), true);
  expect_nacl(entries, packet("tcp", "192.0.2.1", 81), false);
  expect_nacl(entries, packet("tcp", "2001:db8::1", 80), false);
  expect_nacl({}, packet("tcp", "192.0.2.1", 80), false);
}

TEST_F(EncodingTest, NaclIcmpv6WithIpv4CidrMatchesEveryTypeAndCode) {
  auto e = nacl_entry(100, true, "58", "0.0.0.0/0", std::nullopt, IcmpTypeCode{128, 0});
  expect_nacl({e}, packet("icmpv6", "10.0.0.1", icmp_key(1, 4)), true);
  expect_nacl({e}, packet("icmpv6", "10.0.0.1", icmp_key(128, 0)), true);
  expect_nacl({e}, packet("icmp", "10.0.0.1", icmp_key(128, 0)), false);
}

TEST_F(EncodingTest, NaclIcmpv6WithIpv6CidrHonoursTypeAndCode) {
  auto e = nacl_entry(100, true, "58", "::/0", std::nullopt, IcmpTypeCode{2, -1});
  expect_nacl({e}, packet("icmpv6", "2001:db8::1", icmp_key(2, 0)), true);
  expect_nacl({e}, packet("icmpv6", "2001:db8::1", icmp_key(2, 9)), true);
  expect_nacl({e}, packet("icmpv6", "2001:db8::1", icmp_key(1, 0)), false);
}

TEST_F(EncodingTest, NaclOtherProtocolsIgnorePortRangeAndIcmp) {
  auto e = nacl_entry(100, true, "50", "10.0.0.0/8", PortRange{5, 6}, IcmpTypeCode{3, 4});
  expect_nacl({e}, packet("50", "10.0.0.1"), true);
  auto all = nacl_entry(100, true, "-1", "10.0.0.0/8", PortRange{5, 6});
  expect_nacl({all}, packet("tcp", "10.0.0.1", 80), true);
}

TEST_F(EncodingTest, NaclIpv4EntriesNeverMatchIpv6) {
  auto e = nacl_entry(100, true, "-1", "0.0.0.0/0");
  expect_nacl({e}, packet("tcp", "::1", 22), false);
  // Entries match addresses only: a member of a group is matched by its address.
  expect_nacl({e}, packet("tcp", "sg-1@10.0.0.1", 22), true);
  expect_nacl({e}, packet("tcp", "sg-1@::1", 22), false);
}

// ---------------------------------------------------------------------------------------------
// The prover's contract

TEST_F(EncodingTest, DomainIsPacketSetsUniverse) {
  enc_.rule(sg_rule("tcp", 22, 22, "sg-1"));  // one membership in the table
  z3::expr_vector boxes(ctx_);
  for (const Box& b : PacketSet::universe({Family::V4, Family::V6}).boxes()) boxes.push_back(enc_.box(b));
  z3::expr universe = z3::mk_or(boxes);
  // Every domain packet lies in the universe's boxes; a universe point outside the domain has a
  // membership the table does not hold (which behaves as none).
  EXPECT_EQ(prover_.is_empty(!universe).status, ProofStatus::Proved);
  z3::solver s(ctx_);
  s.add(universe && !enc_.domain() && z3::ule(enc_.kind().extract(30, 0), ctx_.bv_val(1, 31)));
  EXPECT_EQ(s.check(), z3::unsat);
}

TEST_F(EncodingTest, RefutedWitnessFillsEveryField) {
  auto web = sg_rule("50", std::nullopt, std::nullopt, "sg-web");
  auto sym = prover_.is_empty(enc_.rule(web));
  ASSERT_EQ(sym.status, ProofStatus::Refuted);
  ASSERT_TRUE(sym.witness);
  ASSERT_TRUE(sym.witness->member);
  EXPECT_EQ(sym.witness->member->id, "sg-web");
  EXPECT_EQ(sym.witness->protocol, 50);
  EXPECT_EQ(sym.witness->port_key, 0);
  EXPECT_TRUE(rule_matches(web, *sym.witness));

  const char* high = "2001:db8:ffff:ffff:ffff:ffff:ffff:fffe";
  auto v6 = prover_.is_empty(enc_.rule(sg_rule("udp", 53, 53, std::string(high) + "/128")));
  ASSERT_EQ(v6.status, ProofStatus::Refuted);
  EXPECT_EQ(*v6.witness, packet("udp", high, 53));
  EXPECT_TRUE(v6.reason.empty());
}

TEST_F(EncodingTest, ProvedResultsCarryNoWitness) {
  auto r = enc_.rule(sg_rule("tcp", 22, 22, "10.0.0.0/8"));
  auto res = prover_.subset(r, enc_.rule(sg_rule("-1", std::nullopt, std::nullopt, "0.0.0.0/0")));
  EXPECT_EQ(res.status, ProofStatus::Proved);
  EXPECT_FALSE(res.witness);
  EXPECT_STREQ(proof_status_name(res.status), "proved");
}

TEST_F(EncodingTest, HoldsForAnUnknownSymbolicPeerMatchesNoRule) {
  z3::expr f = enc_.sg({sg_rule("-1", std::nullopt, std::nullopt, "sg-1")});
  EXPECT_FALSE(prover_.holds_for(f, packet("tcp", "sg-unknown", 22)));
  EXPECT_TRUE(prover_.holds_for(!f, packet("tcp", "sg-unknown", 22)));
  EXPECT_EQ(peers_.members(), 1u) << "holds_for must not intern peers";
}

TEST_F(EncodingTest, HoldsForRefusesOtherFreeVariables) {
  z3::expr f = enc_.proto() == ctx_.bv_const("other", 8);
  EXPECT_THROW(prover_.holds_for(f, packet("tcp", "10.0.0.1", 22)), std::invalid_argument);
  Packet bad = packet("tcp", "10.0.0.1", 22);
  bad.port_key = 70000;
  EXPECT_THROW(prover_.holds_for(enc_.sg({}), bad), std::invalid_argument);
}

TEST_F(EncodingTest, IsPacketPinsOnePacket) {
  Packet p = packet("icmp", "192.0.2.7", icmp_key(3, 4));
  auto res = prover_.is_empty(enc_.is_packet(p));
  ASSERT_EQ(res.status, ProofStatus::Refuted);
  EXPECT_EQ(*res.witness, p);
  EXPECT_EQ(prover_.subset(enc_.is_packet(p), enc_.rule(sg_rule("icmp", 3, 4, "192.0.2.0/24"))).status,
            ProofStatus::Proved);
}

// ---------------------------------------------------------------------------------------------
// Timeouts: unknown is a value, never a wrong answer

// Factoring a 126-bit semiprime is far beyond a few milliseconds of bit-blasting.
TEST_F(EncodingTest, HardQueryPastItsTimeoutIsUnknown) {
  Prover quick(enc_, 50);
  z3::expr hi = enc_.addr().extract(127, 64), lo = enc_.addr().extract(63, 0);
  z3::expr product = z3::zext(hi, 64) * z3::zext(lo, 64);
  z3::expr n = ctx_.bv_val("56144800979458373118547334294631550349", 128);
  z3::expr factors = enc_.kind() == ctx_.bv_val(kPeerIpv6, 32) && product == n && z3::ugt(hi, ctx_.bv_val(1, 64)) &&
                     z3::ugt(lo, ctx_.bv_val(1, 64));
  auto res = quick.is_empty(factors);
  EXPECT_EQ(res.status, ProofStatus::Unknown);
  EXPECT_FALSE(res.witness);
  EXPECT_FALSE(res.reason.empty());
  EXPECT_STREQ(proof_status_name(res.status), "unknown");
}

TEST_F(EncodingTest, TinyTimeoutNeverGivesAWrongAnswer) {
  std::mt19937_64 rng(99);
  int unknown = 0;
  for (int round = 0; round < 6; ++round) {
    // Timeouts from 1 ms (always unknown here) to 243 ms (usually an answer).
    Prover quick(enc_, static_cast<unsigned>(std::pow(3, round)));
    auto a = test_support::random_sg_rules(rng, 300);
    auto b = round % 2 ? test_support::equivalent_sg_rules(a, rng) : test_support::random_sg_rules(rng, 300);
    bool same = sg_set(a, peers_) == sg_set(b, peers_);
    auto res = quick.equal(enc_.sg(a), enc_.sg(b));
    if (res.status == ProofStatus::Unknown) {
      ++unknown;
      EXPECT_FALSE(res.reason.empty());
    } else {
      EXPECT_EQ(res.status == ProofStatus::Proved, same) << "round " << round;
    }
  }
  RecordProperty("unknown", unknown);
}

// ---------------------------------------------------------------------------------------------
// SMT-LIB2 export, re-checked by another process

bool z3_binary_available() { return std::system("z3 -version > /dev/null 2>&1") == 0; }

std::string run_z3(const std::string& script, const std::string& name) {
  auto path = std::filesystem::temp_directory_path() / ("sgopt-" + name + ".smt2");
  std::ofstream(path) << script;
  std::string out;
  if (FILE* f = popen(("z3 " + path.string()).c_str(), "r")) {
    char buf[256];
    while (fgets(buf, sizeof buf, f)) out += buf;
    pclose(f);
  }
  std::filesystem::remove(path);
  return out;
}

TEST_F(EncodingTest, Smt2ExportIsUnsatExactlyWhenEmpty) {
  if (!z3_binary_available()) GTEST_SKIP() << "no z3 binary on PATH";
  std::mt19937_64 rng(5);
  for (int round = 0; round < 8; ++round) {
    auto a = test_support::random_sg_rules(rng, 12);
    auto b = round % 2 ? test_support::equivalent_sg_rules(a, rng) : test_support::random_sg_rules(rng, 12);
    z3::expr differ = enc_.sg(a) != enc_.sg(b);
    std::string script = prover_.smt2_empty(differ);
    EXPECT_NE(script.find("(check-sat)"), std::string::npos);
    EXPECT_NE(script.find("declare-fun addr"), std::string::npos);
    bool empty = sg_set(a, peers_) == sg_set(b, peers_);
    EXPECT_EQ(run_z3(script, std::to_string(round)), empty ? "unsat\n" : "sat\n") << "round " << round;
  }
  // The domain is in the script: an IPv4 address of 2^32 exists only outside it.
  z3::expr v4_past_end = enc_.kind() == ctx_.bv_val(kPeerIpv4, 32) && enc_.addr() == ctx_.bv_val("4294967296", 128);
  EXPECT_EQ(run_z3(prover_.smt2_empty(v4_past_end), "domain"), "unsat\n");
}

}  // namespace
}  // namespace sgopt
