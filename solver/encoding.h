// The Z3 bit-vector encoding of the packet model, and the prover that answers questions about it.
// This is the proof engine: slower than solver/packet_set.h, independent of it, and able to export
// every obligation as SMT-LIB2 for another solver to re-check.
#pragma once

#include <z3++.h>

#include <optional>
#include <string>
#include <vector>

#include "model/network_acl.h"
#include "model/packet.h"
#include "model/security_group.h"
#include "solver/packet_set.h"

namespace sgopt {

/// Packet variables (DESIGN.md "The packet model"): peer kind, 128-bit address, 8-bit protocol,
/// 16-bit port key. One Encoder per z3::context; never share a context between threads.
class Encoder {
 public:
  Encoder(z3::context& ctx, PeerTable& peers);

  z3::context& ctx() { return ctx_; }
  const z3::expr& kind() const { return kind_; }
  const z3::expr& addr() const { return addr_; }
  const z3::expr& proto() const { return proto_; }
  const z3::expr& port() const { return port_; }

  /// The packet domain (same as PacketSet's): IPv4 addresses below 2^32, symbolic peers at
  /// address 0, port key 0 for protocols without ports.
  z3::expr domain();
  /// A rule / entry matches the packet.
  z3::expr rule(const SgRule& r);
  z3::expr entry(const NaclEntry& e);
  /// A box (for regions and cross-checks).
  z3::expr box(const Box& b);
  /// The union of rules (security-group semantics).
  z3::expr sg(const std::vector<SgRule>& rules);
  /// Allowed under first match (entries sorted by rule number); implicit deny at the end.
  z3::expr nacl_allows(const std::vector<NaclEntry>& entries);
  /// The packet variables equal this packet.
  z3::expr is_packet(const Packet& p);
  /// Reads a packet back from a model.
  Packet packet_from(const z3::model& m);

 private:
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

/// Answers questions about formulas over one Encoder's variables, each with a timeout.
class Prover {
 public:
  explicit Prover(Encoder& enc, unsigned timeout_ms = 10000);
  /// Proved when no packet of the domain satisfies f; else Refuted with a witness.
  ProofResult is_empty(const z3::expr& f);
  /// Proved when every packet satisfying a satisfies b.
  ProofResult subset(const z3::expr& a, const z3::expr& b);
  /// Proved when a and b agree on every packet of the domain.
  ProofResult equal(const z3::expr& a, const z3::expr& b);
  /// Evaluates a formula on one concrete packet (true/false); used by `query`.
  bool holds_for(const z3::expr& f, const Packet& p);
  /// The SMT-LIB2 text whose `unsat` answer proves that f is empty on the domain.
  std::string smt2_empty(const z3::expr& f);

 private:
  Encoder& enc_;
  unsigned timeout_ms_;
};

}  // namespace sgopt
