// The Z3 bit-vector encoding of the packet model, and the prover that answers questions about it.
// This is the proof engine: slower than solver/packet_set.h, independent of it, and able to export
// every obligation as SMT-LIB2 for another solver to re-check.
#pragma once

#include "model/network_acl.h"
#include "model/packet.h"
#include "model/security_group.h"
#include "solver/packet_set.h"

#include <z3++.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sgopt {

/// The disjunction of the terms: `false` when there are none (z3::mk_or would make a bare `or`,
/// which SMT-LIB2 readers such as cvc5 reject), the term itself when there is one.
z3::expr any_of(z3::context& ctx, const z3::expr_vector& terms);

/// Packet variables (DESIGN.md "The packet model"): peer kind (the address family in its top bit,
/// the membership in the other 31, as in solver/packet_set.h), 128-bit address, 8-bit protocol,
/// 16-bit port key. A membership is a free value: an open reference's rule matches the packets
/// whose membership is that reference, so a proof over all values is a proof for every membership.
/// One Encoder per z3::context; never share a context between threads.
class Encoder {
 public:
  Encoder(z3::context& ctx, PeerTable& peers);

  z3::context& ctx() { return ctx_; }
  const z3::expr& kind() const { return kind_; }
  const z3::expr& addr() const { return addr_; }
  const z3::expr& proto() const { return proto_; }
  const z3::expr& port() const { return port_; }

  /// The packet domain (same as PacketSet's): IPv4 addresses below 2^32, port key 0 for protocols
  /// without ports, and memberships the PeerTable holds when domain() is called (so call it after
  /// encoding the formulas it will constrain; a membership past them is the same as none).
  z3::expr domain();
  /// A rule / entry matches the packet; a reference `refs` resolves stands for its members.
  z3::expr rule(const SgRule& r, const References* refs = nullptr);
  z3::expr entry(const NaclEntry& e);
  /// A box (for regions and cross-checks).
  z3::expr box(const Box& b);
  /// The union of rules (security-group semantics).
  z3::expr sg(const std::vector<SgRule>& rules, const References* refs = nullptr);
  /// Allowed under first match in ascending rule number (entries may come in any order; equal
  /// numbers keep their input order); implicit deny at the end.
  z3::expr nacl_allows(const std::vector<NaclEntry>& entries);
  /// The packet variables equal this packet.
  z3::expr is_packet(const Packet& p);
  /// Reads a packet back from a model; every field is filled.
  Packet packet_from(const z3::model& m);
  /// The peer kind a packet's variables take for p (PeerTable::kind_of).
  PeerKind kind_value(const Packet& p) const;

 private:
  z3::expr peer(const Peer& p, const References* refs);
  z3::expr family_is(Family f);
  z3::expr in_cidr(const Cidr& c);
  z3::expr port_range(int lo, int hi);
  z3::expr icmp_type_code(int type, int code);
  z3::expr bv(std::uint64_t v, unsigned width);

  z3::context& ctx_;
  PeerTable& peers_;
  z3::expr kind_, addr_, proto_, port_;
};

enum class ProofStatus { Proved, Refuted, Unknown };
const char* proof_status_name(ProofStatus s);

/// Outcome of one obligation. Refuted results carry a counterexample packet.
struct ProofResult {
  ProofStatus status = ProofStatus::Unknown;
  std::optional<Packet> witness;
  std::string reason;  // for Unknown: the solver's reason (e.g. "timeout")
};

/// Answers questions about formulas over one Encoder's variables, each within timeout_ms: a check
/// that runs out is Unknown with the solver's reason, never Proved. The domain is added to every
/// check.
class Prover {
 public:
  explicit Prover(Encoder& enc, unsigned timeout_ms = 10000);
  /// A prover whose decisions rest on work, not time: each query may spend `work_units` of Z3's
  /// resource counter (rlimit; the same count on any machine and under any load), split between
  /// the two solvers as the milliseconds are, and timeout_ms is only a last guard. An Unknown the
  /// guard caused says so in its reason, since only that can differ between machines.
  Prover(Encoder& enc, unsigned timeout_ms, unsigned work_units);
  /// Proved when no packet of the domain satisfies f; else Refuted with a witness.
  ProofResult is_empty(const z3::expr& f);
  /// Proved when every packet satisfying a satisfies b.
  ProofResult subset(const z3::expr& a, const z3::expr& b);
  /// Proved when a and b agree on every packet of the domain.
  ProofResult equal(const z3::expr& a, const z3::expr& b);
  /// Evaluates a formula on one concrete packet (true/false) in a model that fixes the packet
  /// fields: rewriting only, no solver call; used by `query`. A membership missing from the
  /// PeerTable is no membership (no encoded rule names it). Throws std::invalid_argument when f
  /// has other free variables or p has a protocol outside 0..255 or a port key outside 0..65535.
  bool holds_for(const z3::expr& f, const Packet& p);
  /// The SMT-LIB2 text whose `unsat` answer proves that f is empty on the domain: declarations,
  /// the domain, f, and (check-sat); `z3 FILE` prints `unsat` exactly when f is empty.
  std::string smt2_empty(const z3::expr& f);
  unsigned timeout_ms() const { return timeout_ms_; }

 private:
  Encoder& enc_;
  unsigned timeout_ms_;
  unsigned work_units_ = 0;  // 0: time decides
};

}  // namespace sgopt
