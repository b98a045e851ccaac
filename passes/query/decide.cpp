// `query`: one packet decided twice, by the Z3 encoding and by the reference evaluator.
#include "passes/query/decide.h"

#include "model/rule_text.h"
#include "solver/encoding.h"

#include <fmt/format.h>
#include <z3++.h>

#include <algorithm>
#include <stdexcept>

namespace sgopt {

const char* decision_name(Decision d) {
  switch (d) {
    case Decision::Allow: return "allow";
    case Decision::Deny: return "deny";
    case Decision::Depends: return "depends";
  }
  return "deny";
}

namespace {

[[noreturn]] void disagreement(const std::string& what) {
  throw std::logic_error(
      fmt::format("internal check failed: the Z3 encoding and the reference evaluator disagree on {}; please report "
                  "this with the input files",
                  what));
}

// The rules of the groups that match the packet, each checked by both engines.
std::vector<MatchedRule> matching_rules(const std::vector<const SecurityGroup*>& groups, Direction d, const Packet& p,
                                        const References* refs, Encoder& enc, Prover& prover) {
  std::vector<MatchedRule> out;
  for (const SecurityGroup* g : groups)
    for (const auto& r : g->rules(d)) {
      bool z3_match = prover.holds_for(enc.rule(r, refs), p);
      if (z3_match != rule_matches(r, p, refs)) disagreement(fmt::format("rule {} of {}", sg_rule_text(r), g->id));
      if (z3_match) out.push_back({g->id, &r});
    }
  return out;
}

PacketDecision decide_groups(const Snapshot& s, const PacketQuery& q) {
  std::vector<const SecurityGroup*> groups;
  for (const auto& id : q.groups) {
    const SecurityGroup* g = s.find_group(id);
    if (!g) throw std::invalid_argument(fmt::format("--group: no security group '{}' in the input", id));
    groups.push_back(g);
  }
  const References* refs = &s.references;
  z3::context ctx;
  PeerTable peers;
  Encoder enc(ctx, peers);
  Prover prover(enc);
  PacketDecision out;
  out.matched = matching_rules(groups, q.direction, q.packet, refs, enc, prover);
  bool names_resolved = false;
  std::vector<Membership> open;
  for (const SecurityGroup* g : groups)
    for (const auto& r : g->rules(q.direction)) {
      if (r.peer.is_cidr()) continue;
      if (refs->resolved(r.peer)) {
        names_resolved = true;
        continue;
      }
      Membership m{r.peer.type, r.peer.ref};
      if (std::find(open.begin(), open.end(), m) == open.end() && q.packet.member != m) open.push_back(m);
    }
  if (!out.matched.empty()) {
    out.decision = Decision::Allow;
    bool only_resolved = std::all_of(out.matched.begin(), out.matched.end(),
                                     [&](const MatchedRule& m) { return refs->resolved(m.rule->peer) != nullptr; });
    out.world = only_resolved ? World::Closed : World::Open;
    return out;
  }
  for (const Membership& m : open) {
    Packet member = q.packet;
    member.member = m;
    auto rules = matching_rules(groups, q.direction, member, refs, enc, prover);
    if (!rules.empty()) out.conditions.push_back({m, std::move(rules)});
  }
  out.decision = out.conditions.empty() ? Decision::Deny : Decision::Depends;
  out.world = names_resolved ? World::Closed : World::Open;
  return out;
}

PacketDecision decide_acl(const Snapshot& s, const PacketQuery& q) {
  const NetworkAcl* acl = s.find_acl(q.acl);
  if (!acl) throw std::invalid_argument(fmt::format("--acl: no network ACL '{}' in the input", q.acl));
  if (q.packet.member)
    throw std::invalid_argument("--member-of: network ACLs match addresses only, not groups or prefix lists");
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
  bool allowed = prover.holds_for(enc.nacl_allows(entries), q.packet);
  NaclDecision ref = nacl_decide(entries, q.packet);
  if (ref.allow != allowed || ref.entry != out.decider || (out.decider && out.decider->allow != allowed))
    disagreement(fmt::format("ACL {}", acl->id));
  out.decision = allowed ? Decision::Allow : Decision::Deny;
  return out;
}

}  // namespace

PacketDecision decide_packet(const Snapshot& snapshot, const PacketQuery& query) {
  return query.acl.empty() ? decide_groups(snapshot, query) : decide_acl(snapshot, query);
}

}  // namespace sgopt
