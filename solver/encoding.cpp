// The Z3 bit-vector encoding of rules, groups and ACLs, read from AWS's text (AWS-SEMANTICS.md 2.2
// and 3) independently of model/match.h, and the prover that answers questions about it.
#include "solver/encoding.h"

#include "model/protocol.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>

namespace sgopt {

namespace {

constexpr unsigned kKindBits = 32;
constexpr unsigned kAddrBits = 128;
constexpr unsigned kProtoBits = 8;
constexpr unsigned kPortBits = 16;
constexpr int kMaxPort = 65535;
constexpr unsigned kFirstTryMs = 200;  // Prover::is_empty's first, fast solver

/// A bit-vector constant too wide for uint64_t (addresses and prefixes).
z3::expr wide_val(z3::context& c, u128 v, unsigned width = kAddrBits) {
  return c.bv_val(u128_to_string(v).c_str(), width);
}

/// A field value as bv() takes it; callers check or clip it to be non-negative first.
std::uint64_t field(int v) { return static_cast<std::uint64_t>(v); }

}  // namespace

// ---------------------------------------------------------------------------------------------
// Encoder

Encoder::Encoder(z3::context& ctx, PeerTable& peers)
    : ctx_(ctx),
      peers_(peers),
      kind_(ctx.bv_const("peer_kind", kKindBits)),
      addr_(ctx.bv_const("addr", kAddrBits)),
      proto_(ctx.bv_const("proto", kProtoBits)),
      port_(ctx.bv_const("port", kPortBits)) {}

z3::expr Encoder::bv(std::uint64_t v, unsigned width) { return ctx_.bv_val(v, width); }

z3::expr Encoder::family_is(Family f) { return kind_.extract(31, 31) == bv(f == Family::V6 ? 1 : 0, 1); }

z3::expr Encoder::domain() {
  // IPv4 addresses live in the low 32 bits; memberships are the interned ones or none.
  z3::expr v4 = z3::implies(family_is(Family::V4), addr_.extract(kAddrBits - 1, 32) == bv(0, 96));
  z3::expr kinds = z3::ule(kind_.extract(30, 0), bv(peers_.members(), 31));
  // Packets of protocols other than tcp, udp, icmp and icmpv6 have no port: their key is 0.
  z3::expr keyed = proto_ == bv(kTcp, kProtoBits) || proto_ == bv(kUdp, kProtoBits) ||
                   proto_ == bv(kIcmp, kProtoBits) || proto_ == bv(kIcmpv6, kProtoBits);
  z3::expr ports = keyed || port_ == bv(0, kPortBits);
  return kinds && v4 && ports;
}

// The prefix bits over the whole 128-bit variable, so that an IPv4 block also demands the 96 high
// bits be zero and the formula stands on its own, without the domain.
z3::expr Encoder::in_cidr(const Cidr& c) {
  int host = address_bits(c.family) - c.len;
  if (host >= static_cast<int>(kAddrBits)) return ctx_.bool_val(true);
  auto low = static_cast<unsigned>(host);
  u128 prefix = c.addr >> low;
  return addr_.extract(kAddrBits - 1, low) == wide_val(ctx_, prefix, kAddrBits - low);
}

z3::expr any_of(z3::context& ctx, const z3::expr_vector& terms) {
  if (terms.empty()) return ctx.bool_val(false);
  if (terms.size() == 1) return terms[0];
  return z3::mk_or(terms);
}

// "Incoming traffic is allowed based on the private IP addresses of the instances that are
// associated with the source security group": resolved, a reference is its members' addresses;
// open, it is the packets whose membership it is (a prefix list of one family has members of it).
z3::expr Encoder::peer(const Peer& p, const References* refs) {
  if (p.is_cidr()) return family_is(p.cidr.family) && in_cidr(p.cidr);
  const ReferenceInfo* info = refs ? refs->find(p.type, p.ref) : nullptr;
  if (info && info->resolved) {
    z3::expr_vector any(ctx_);
    for (const Cidr& c : info->addresses) any.push_back(family_is(c.family) && in_cidr(c));
    return any_of(ctx_, any);
  }
  z3::expr who = kind_.extract(30, 0) == bv(peers_.member(p.type, p.ref), 31);
  if (info && info->family) who = who && family_is(*info->family);
  return who;
}

// Destination ports lo..hi (inclusive), clipped to the 16-bit port space.
z3::expr Encoder::port_range(int lo, int hi) {
  lo = std::max(lo, 0);
  hi = std::min(hi, kMaxPort);
  if (lo > hi) return ctx_.bool_val(false);
  if (lo == 0 && hi == kMaxPort) return ctx_.bool_val(true);
  if (lo == hi) return port_ == bv(field(lo), kPortBits);
  return z3::uge(port_, bv(field(lo), kPortBits)) && z3::ule(port_, bv(field(hi), kPortBits));
}

// "Type: A value of -1 means all types. Code: A value of -1 means all codes for the specified ICMP
// type." The port key holds the type in its high byte and the code in its low byte.
z3::expr Encoder::icmp_type_code(int type, int code) {
  if (type < 0) return ctx_.bool_val(true);
  if (type > 255) return ctx_.bool_val(false);
  z3::expr t = port_.extract(15, 8) == bv(field(type), 8);
  if (code < 0) return t;
  if (code > 255) return ctx_.bool_val(false);
  return t && port_.extract(7, 0) == bv(field(code), 8);
}

z3::expr Encoder::rule(const SgRule& r, const References* refs) {
  z3::expr who = peer(r.peer, refs);
  // "specifying -1 ... allows traffic on all ports, regardless of any port range you specify."
  if (r.protocol == kAllProtocols) return who;
  if (r.protocol < 0 || r.protocol > 255) return ctx_.bool_val(false);
  z3::expr what = who && proto_ == bv(field(r.protocol), kProtoBits);
  int from = r.from_port.value_or(-1);
  int to = r.to_port.value_or(-1);
  // TCP/UDP: FromPort..ToPort; -1 at either end (or none given) is every port.
  if (r.protocol == kTcp || r.protocol == kUdp)
    return what && (from < 0 || to < 0 ? port_range(0, kMaxPort) : port_range(from, to));
  // ICMP/ICMPv6: FromPort is the type, ToPort the code; icmpv6 without ports allows all.
  if (r.protocol == kIcmp || r.protocol == kIcmpv6) return what && icmp_type_code(from, to);
  // "a protocol number other than tcp, udp, icmp, or icmpv6 allows traffic on all ports".
  return what;
}

z3::expr Encoder::entry(const NaclEntry& e) {
  // "none of the rules for the IPv4 traffic apply to the IPv6 traffic."
  bool v4 = e.cidr.family == Family::V4;
  z3::expr who = family_is(e.cidr.family) && in_cidr(e.cidr);
  if (e.protocol == kAllProtocols) return who;
  if (e.protocol < 0 || e.protocol > 255) return ctx_.bool_val(false);
  z3::expr what = who && proto_ == bv(field(e.protocol), kProtoBits);
  if (e.protocol == kTcp || e.protocol == kUdp)
    return e.port_range ? what && port_range(e.port_range->from, e.port_range->to) : what;
  // "If you specify protocol 58 (ICMPv6) and specify an IPv4 CIDR block, traffic for all ICMP
  // types and codes allowed, regardless of any that you specify."
  if (e.protocol == kIcmpv6 && v4) return what;
  if (e.protocol == kIcmp || e.protocol == kIcmpv6)
    return e.icmp ? what && icmp_type_code(e.icmp->type, e.icmp->code) : what;
  // "a protocol number other than 6, 17, or 1: traffic on all ports is allowed".
  return what;
}

z3::expr Encoder::box(const Box& b) {
  int proto_lo = std::max(b.proto_lo, 0), proto_hi = std::min(b.proto_hi, 255);
  if (b.addr_lo > b.addr_hi || proto_lo > proto_hi) return ctx_.bool_val(false);
  z3::expr f = z3::uge(kind_, bv(b.kind_lo, kKindBits)) && z3::ule(kind_, bv(b.kind_hi, kKindBits)) &&
               z3::uge(addr_, wide_val(ctx_, b.addr_lo)) && z3::ule(addr_, wide_val(ctx_, b.addr_hi)) &&
               z3::uge(proto_, bv(field(proto_lo), kProtoBits)) && z3::ule(proto_, bv(field(proto_hi), kProtoBits));
  return f && port_range(b.port_lo, b.port_hi);
}

z3::expr Encoder::sg(const std::vector<SgRule>& rules, const References* refs) {
  z3::expr_vector any(ctx_);
  for (const auto& r : rules) any.push_back(rule(r, refs));
  return any_of(ctx_, any);
}

z3::expr Encoder::nacl_allows(const std::vector<NaclEntry>& entries) {
  std::vector<NaclEntry> order = entries;
  sort_by_rule_number(order);
  // Built from the end: the lowest number is the outermost test; nothing matched is a deny.
  z3::expr decision = ctx_.bool_val(false);
  for (auto it = order.rbegin(); it != order.rend(); ++it)
    decision = z3::ite(entry(*it), ctx_.bool_val(it->allow), decision);
  return decision;
}

PeerKind Encoder::kind_value(const Packet& p) const { return peers_.kind_of(p); }

z3::expr Encoder::is_packet(const Packet& p) {
  if (p.protocol < 0 || p.protocol > 255 || p.port_key < 0 || p.port_key > kMaxPort) return ctx_.bool_val(false);
  return kind_ == bv(kind_value(p), kKindBits) && addr_ == wide_val(ctx_, p.addr) &&
         proto_ == bv(field(p.protocol), kProtoBits) && port_ == bv(field(p.port_key), kPortBits);
}

Packet Encoder::packet_from(const z3::model& m) {
  auto num = [&](const z3::expr& e) { return m.eval(e, true).get_numeral_uint64(); };
  auto k = static_cast<PeerKind>(num(kind_));
  Packet p;
  p.family = family_of_kind(k);
  p.member = peers_.membership(k);
  p.addr = (static_cast<u128>(num(addr_.extract(127, 64))) << 64) | num(addr_.extract(63, 0));
  p.protocol = static_cast<int>(num(proto_));
  p.port_key = static_cast<int>(num(port_));
  return p;
}

// ---------------------------------------------------------------------------------------------
// Prover

const char* proof_status_name(ProofStatus s) {
  switch (s) {
    case ProofStatus::Proved: return "proved";
    case ProofStatus::Refuted: return "refuted";
    case ProofStatus::Unknown: return "unknown";
  }
  return "unknown";
}

Prover::Prover(Encoder& enc, unsigned timeout_ms) : enc_(enc), timeout_ms_(timeout_ms) {}
Prover::Prover(Encoder& enc, unsigned timeout_ms, unsigned work_units)
    : enc_(enc), timeout_ms_(timeout_ms), work_units_(work_units) {}

// One check of `query` on solver s within timeout_ms; unknown (and a cancelled check, which can
// surface as an exception) is a value, never an error.
static ProofResult check(z3::solver s, const z3::expr& query, unsigned timeout_ms, unsigned work_units, Encoder& enc) {
  ProofResult r;
  try {
    z3::params p(s.ctx());
    p.set("timeout", timeout_ms);
    if (work_units) p.set("rlimit", work_units);
    s.set(p);
    s.add(query);
    switch (s.check()) {
      case z3::unsat: r.status = ProofStatus::Proved; break;
      case z3::sat:
        r.status = ProofStatus::Refuted;
        r.witness = enc.packet_from(s.get_model());
        break;
      case z3::unknown:
        r.status = ProofStatus::Unknown;
        r.reason = s.reason_unknown();
        if (work_units && r.reason.find("resource limit") == std::string::npos)
          r.reason += " (the wall-clock guard, not the work budget, stopped it)";
        break;
    }
  } catch (const z3::exception& e) {
    r = ProofResult{ProofStatus::Unknown, std::nullopt, e.msg()};
  }
  return r;
}

ProofResult Prover::is_empty(const z3::expr& f) {
  z3::context& c = enc_.ctx();
  z3::expr query = enc_.domain() && f;
  // Z3's plain SMT core answers the small queries of tests and passes about ten times faster than
  // the default solver; on formulas of a thousand rules the default one's bit-blasting wins by as
  // much. So the core gets a short first try and the default solver the rest of the time.
  if (work_units_) {
    // Work decides: a tenth of the budget for the first try, all of it for the second; time only
    // guards each.
    unsigned first = std::max(1u, work_units_ / 10);
    ProofResult r = check(z3::solver(c, z3::solver::simple()), query, timeout_ms_, first, enc_);
    if (r.status != ProofStatus::Unknown) return r;
    return check(z3::solver(c), query, timeout_ms_, work_units_, enc_);
  }
  auto start = std::chrono::steady_clock::now();
  unsigned first = std::min(timeout_ms_, kFirstTryMs);
  ProofResult r = check(z3::solver(c, z3::solver::simple()), query, first, 0, enc_);
  if (r.status != ProofStatus::Unknown || first == timeout_ms_) return r;
  auto spent = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  auto spent_ms = static_cast<unsigned>(std::min<std::int64_t>(spent.count(), timeout_ms_));
  if (spent_ms >= timeout_ms_) return r;
  return check(z3::solver(c), query, timeout_ms_ - spent_ms, 0, enc_);
}

ProofResult Prover::subset(const z3::expr& a, const z3::expr& b) { return is_empty(a && !b); }

ProofResult Prover::equal(const z3::expr& a, const z3::expr& b) { return is_empty(a != b); }

bool Prover::holds_for(const z3::expr& f, const Packet& p) {
  if (p.protocol < 0 || p.protocol > 255 || p.port_key < 0 || p.port_key > kMaxPort)
    throw std::invalid_argument("packet outside the protocol or port-key range: " + p.str());
  z3::context& c = enc_.ctx();
  PeerKind k = enc_.kind_value(p);
  u128 a = p.addr;
  // Evaluating in a model that fixes the four fields is plain rewriting, no search; it is about
  // twice as fast as substitute-and-simplify on a 60-rule group.
  z3::model m(c);
  auto fix = [&](const z3::expr& var, const z3::expr& value) {
    z3::func_decl d = var.decl();
    z3::expr v = value;
    m.add_const_interp(d, v);
  };
  fix(enc_.kind(), c.bv_val(k, kKindBits));
  fix(enc_.addr(), wide_val(c, a));
  fix(enc_.proto(), c.bv_val(p.protocol, kProtoBits));
  fix(enc_.port(), c.bv_val(p.port_key, kPortBits));
  // Without model completion another free variable stays symbolic and is reported.
  z3::expr v = m.eval(f, false);
  if (v.is_true()) return true;
  if (v.is_false()) return false;
  throw std::invalid_argument("formula has free variables besides the packet fields");
}

std::string Prover::smt2_empty(const z3::expr& f) {
  z3::context& c = enc_.ctx();
  z3::expr dom = enc_.domain();
  Z3_ast assumptions[] = {dom};
  std::string text = Z3_benchmark_to_smtlib_string(c, "sgopt: is this packet set empty? unsat = empty", "QF_BV",
                                                   "unknown", "", 1, assumptions, f);
  c.check_error();
  return text;
}

}  // namespace sgopt
