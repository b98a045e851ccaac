// `query`: one packet decided twice, by the Z3 encoding and by the reference evaluator.
#include "passes/query/decide.h"

#include "model/rule_text.h"
#include "solver/encoding.h"

#include <fmt/format.h>
#include <z3++.h>

#include <stdexcept>

namespace sgopt {

namespace {

[[noreturn]] void disagreement(const std::string& what) {
  throw std::logic_error(
      fmt::format("internal check failed: the Z3 encoding and the reference evaluator disagree on {}; please report "
                  "this with the input files",
                  what));
}

PacketDecision decide_groups(const Snapshot& s, const PacketQuery& q) {
  z3::context ctx;
  PeerTable peers;
  Encoder enc(ctx, peers);
  Prover prover(enc);
  PacketDecision out;
  for (const auto& id : q.groups) {
    const SecurityGroup* g = s.find_group(id);
    if (!g) throw std::invalid_argument(fmt::format("--group: no security group '{}' in the input", id));
    for (const auto& r : g->rules(q.direction)) {
      bool z3_match = prover.holds_for(enc.rule(r), q.packet);
      if (z3_match != rule_matches(r, q.packet)) disagreement(fmt::format("rule {} of {}", sg_rule_text(r), id));
      if (!z3_match) continue;
      out.allowed = true;
      out.matched.push_back({id, &r});
    }
  }
  return out;
}

PacketDecision decide_acl(const Snapshot& s, const PacketQuery& q) {
  const NetworkAcl* acl = s.find_acl(q.acl);
  if (!acl) throw std::invalid_argument(fmt::format("--acl: no network ACL '{}' in the input", q.acl));
  if (!q.packet.ref.empty())
    throw std::invalid_argument("--peer: network ACLs match addresses only, not groups or prefix lists");
  z3::context ctx;
  PeerTable peers;
  Encoder enc(ctx, peers);
  Prover prover(enc);
  const auto& entries = acl->entries(q.direction);
  PacketDecision out;
  for (const auto& e : entries)
    if (prover.holds_for(enc.entry(e), q.packet)) {
      out.decider = &e;
      break;
    }
  out.allowed = prover.holds_for(enc.nacl_allows(entries), q.packet);
  NaclDecision ref = nacl_decide(entries, q.packet);
  if (ref.allow != out.allowed || ref.entry != out.decider || (out.decider && out.decider->allow != out.allowed))
    disagreement(fmt::format("ACL {}", acl->id));
  return out;
}

}  // namespace

PacketDecision decide_packet(const Snapshot& snapshot, const PacketQuery& query) {
  return query.acl.empty() ? decide_groups(snapshot, query) : decide_acl(snapshot, query);
}

}  // namespace sgopt
