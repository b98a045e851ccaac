// `query`: one packet decided twice, by the Z3 encoding and by the reference evaluator.
#include "passes/query/decide.h"

#include "model/protocol.h"
#include "model/rule_text.h"
#include "solver/effective.h"
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

[[noreturn]] void disagreement(const std::string& what, const char* engine = "the Z3 encoding") {
  throw std::logic_error(
      fmt::format("internal check failed: {} and the reference evaluator disagree on {}; please report this with "
                  "the input files",
                  engine, what));
}
constexpr const char* kEffectiveSets = "the exact effective sets";

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

const char* verdict_name(InterfaceDecision::Verdict v) {
  using V = InterfaceDecision::Verdict;
  switch (v) {
    case V::Answered: return "answered";
    case V::RepliesPartlyDropped: return "replies-partly-dropped";
    case V::RepliesDropped: return "replies-dropped";
    case V::Denied: return "denied";
    case V::Unknown: return "unknown";
  }
  return "unknown";
}

namespace {

// The reply's fate at each client port, runs of ports with the same deciding entry merged.
std::vector<ReplyPorts> reply_ports(const std::vector<NaclEntry>& back, const Packet& request, int lo, int hi) {
  std::vector<ReplyPorts> out;
  if (!is_port_protocol(request.protocol)) lo = hi = 0;
  for (int port = lo; port <= hi; ++port) {
    NaclDecision d = nacl_decide(back, *reply_packet(request, port));
    if (!out.empty() && out.back().acl.entry == d.entry && out.back().hi == port - 1)
      out.back().hi = port;
    else
      out.push_back({port, port, d});
  }
  return out;
}

InterfaceDecision::Verdict verdict_of(const InterfaceDecision& d) {
  using V = InterfaceDecision::Verdict;
  bool acl_denies = d.acl_known() && !d.acl_allows();
  if (acl_denies) return V::Denied;
  if (d.place.no_groups()) return V::Unknown;  // no group filters it: what it forwards is not judged
  bool groups_deny = d.groups.decision == Decision::Deny && d.place.missing_groups.empty();
  if (groups_deny) return V::Denied;
  if (!d.acl_known() || d.groups.decision != Decision::Allow) return V::Unknown;
  if (!d.reply_checked) return V::Answered;
  auto dropped = [](const ReplyPorts& r) { return !r.acl.allow; };
  if (std::none_of(d.replies.begin(), d.replies.end(), dropped)) return V::Answered;
  return std::all_of(d.replies.begin(), d.replies.end(), dropped) ? V::RepliesDropped : V::RepliesPartlyDropped;
}

}  // namespace

InterfaceDecision decide_on_interface(const Snapshot& snapshot, const std::string& interface_id, Direction direction,
                                      const Packet& packet, EphemeralPorts ephemeral, std::optional<int> client_port) {
  auto eni = std::find_if(snapshot.interfaces.begin(), snapshot.interfaces.end(),
                          [&](const NetworkInterface& i) { return i.id == interface_id; });
  if (eni == snapshot.interfaces.end())
    throw std::invalid_argument(
        fmt::format("--interface: no network interface '{}' in the input (load its describe-network-interfaces output)",
                    interface_id));
  InterfaceDecision d;
  d.place = place_interface(snapshot, *eni);
  d.direction = direction;
  d.packet = packet;
  d.ephemeral = client_port ? EphemeralPorts{*client_port, *client_port} : ephemeral;
  d.client_port = client_port;
  d.same_subnet = d.place.same_subnet(packet.family, packet.addr);
  Direction back = direction == Direction::Ingress ? Direction::Egress : Direction::Ingress;
  if (!d.same_subnet && d.place.acl) {
    d.acl = nacl_decide(d.place.acl->entries(direction), packet);
    if (!is_icmp_protocol(packet.protocol)) {
      d.reply_checked = true;
      d.replies = reply_ports(d.place.acl->entries(back), packet, d.ephemeral.lo, d.ephemeral.hi);
    }
  }
  PacketQuery q{{}, "", direction, packet};
  for (const SecurityGroup* g : d.place.groups) q.groups.push_back(g->id);
  d.groups = decide_packet(snapshot, q);
  d.verdict = verdict_of(d);

  // The same request through the exact sets: accepted and each reply's fate must agree.
  if (d.place.acl && !packet.member && !d.place.no_groups()) {
    PeerTable peers;
    EffectiveDirection e = effective_direction(d.place, direction, d.ephemeral, peers, &snapshot.references);
    bool accepted = d.acl_allows() && d.groups.decision == Decision::Allow;
    if (e.accepted.contains(packet, peers) != accepted)
      disagreement(fmt::format("whether {} accepts {}", interface_id, packet.str()), kEffectiveSets);
    for (const ReplyPorts& r : d.replies)
      for (int port : {r.lo, r.hi})
        if (e.acl_back.contains(*reply_packet(packet, port), peers) != r.acl.allow)
          disagreement(fmt::format("the reply of {} to port {} at {}", packet.str(), port, interface_id),
                       kEffectiveSets);
  }
  return d;
}

}  // namespace sgopt
