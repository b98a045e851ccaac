// Pass return-path-blocked: requests that an interface's groups and its subnet's ACL accept, whose
// replies the ACL's other direction drops (stateless: the reply is judged on its own, to the
// client's ephemeral port). Judged per ACL, for the interfaces behind it, in both directions of
// initiation, at the --ephemeral-ports range.
#include "model/protocol.h"
#include "model/rule_text.h"
#include "passes/analyses/cross_layer.h"
#include "passes/pass.h"
#include "solver/effective.h"
#include "solver/rule_sets.h"

#include <fmt/format.h>

namespace sgopt {

namespace {

constexpr SeverityCase kBlockedCases[] = {
    {Severity::Low, "only part of the client's ephemeral ports is dropped, so some connections still work"}};
constexpr FindingKind kBlocked{
    "return-path-blocked",
    "ReturnPathBlocked",
    "Requests that the groups and the network ACL accept get no reply: the ACL's other direction drops the replies "
    "(network ACLs are stateless), for all or part of the client's ephemeral ports.",
    help_uri::kNetworkAcls,
    Severity::Medium,
    Concern::Reliability,
    "The connections the rules appear to allow time out instead, which is hard to diagnose from the rules of "
    "either layer alone.",
    "Allow the replies in the ACL's other direction: the client's ephemeral ports (--ephemeral-ports, "
    "1024-65535 by default) to the peers the requests come from.",
    kBlockedCases};
constexpr const FindingKind* kKinds[] = {&kBlocked};

const char* request_words(Direction d) { return d == Direction::Ingress ? "inbound" : "outbound"; }

class ReturnPathBlockedPass final : public Pass {
 public:
  std::span<const FindingKind* const> kinds() const override { return kKinds; }
  void run(const AnalysisContext& ctx, std::vector<Finding>& out) const override {
    if (!ctx.acl || ctx.snapshot.interfaces.empty()) return;
    const NetworkAcl& acl = *ctx.acl;
    const EphemeralPorts eph = ctx.options.ephemeral;
    for (const InterfaceProfile& prof : profiles_behind(ctx.snapshot, acl)) {
      const Placement& place = prof.place;
      if (!place.complete() || place.no_groups()) continue;  // a group unknown, or none filters it
      for (Direction d : {Direction::Ingress, Direction::Egress}) {
        PeerTable peers;
        EffectiveDirection e = effective_direction(place, d, eph, peers, ctx.references);
        if (e.dropped_replies.empty()) continue;
        Direction back = d == Direction::Ingress ? Direction::Egress : Direction::Ingress;
        // Address packets only: what holds whoever the members of open references are (resolved
        // references are their members' addresses).
        PacketSet addressed = address_packets(e.accepted);
        PacketSet affected = requests_answered_by(addressed, e.dropped_replies);
        if (affected.empty()) continue;
        auto request = affected.witness(peers);
        if (!request) continue;
        // The witness client's dropped reply ports.
        PeerKind kind = peers.kind_of(*request);
        PacketSet client = e.dropped_replies.intersect(
            PacketSet::from_box(kind_box(kind, request->addr, request->addr, request->protocol, request->protocol)));
        auto reply = client.witness(peers);
        if (!reply) continue;
        int client_port = reply->port_key;
        FlowVerdict v = evaluate_flow(place, d, *request, client_port, ctx.references);
        bool ports = is_port_protocol(request->protocol);
        PacketSet every_reply = replies_of(PacketSet::from_box(packet_box(*request, peers)), eph);
        bool wholly = client == every_reply;

        Finding f = finding_of(kBlocked);
        if (!wholly) f.severity = Severity::Low;
        f.resource_id = acl.id;
        f.direction = d;
        f.world = ctx.world;
        f.interfaces = prof.interfaces;
        f.ephemeral_ports = eph.str();
        f.witness = request;
        f.reply = reply_packet(*request, client_port);
        f.assumptions = placement_assumptions(place);
        f.regions = region_texts(affected, d);
        // The entries that drop replies of these requests.
        auto decided = nacl_decided_sets(acl.entries(back));
        const auto& entries = acl.entries(back);
        PacketSet unmatched = e.dropped_replies;
        for (std::size_t i = 0; i < entries.size(); ++i) {
          unmatched = unmatched.subtract(decided[i]);
          if (!entries[i].allow && decided[i].intersects(e.dropped_replies))
            f.rules.push_back(nacl_entry_ref(acl.id, entries[i]));
        }
        if (v.group && v.rule) f.causes.push_back(sg_rule_ref(v.group->id, d, *v.rule));
        if (!v.same_subnet && v.acl_request.entry) f.causes.push_back(nacl_entry_ref(acl.id, *v.acl_request.entry));
        std::string dropper = v.acl_reply.entry ? fmt::format("{} entry {}", direction_name(back),
                                                              v.acl_reply.entry->is_default_deny()
                                                                  ? std::string("*")
                                                                  : std::to_string(v.acl_reply.entry->rule_number))
                                                : fmt::format("no {} entry (the implicit deny)", direction_name(back));
        std::string extent = !ports ? "its replies (no port) are all dropped"
                             : wholly
                                 ? fmt::format("every reply to the client's ephemeral ports {} is dropped", eph.str())
                                 : fmt::format("replies to ports {} of the ephemeral range {} are dropped",
                                               port_ranges_text(client), eph.str());
        f.message = fmt::format(
            "{} {} {} requests that {} drops the replies of: {} is accepted but its reply {} is denied by {}; for that "
            "client {}{}",
            interfaces_text(prof.interfaces), prof.interfaces.size() == 1 ? "accepts" : "accept", request_words(d),
            acl.id, request->str(), f.reply->str(), dropper, extent,
            unmatched.empty() ? "" : "; some replies match no entry and fall to the implicit deny");
        f.fix = fmt::format(
            "allow the replies in {}'s {} entries (protocol {} to these peers{}) ahead of the denying "
            "entries, or stop accepting these requests in the groups",
            acl.id, direction_name(back), protocol_name(request->protocol),
            ports ? fmt::format(", ports {}", eph.str()) : std::string());
        require_confirmed(v.accepted() && v.reply_checked && !v.reply_passes() &&
                              (!ports || (client_port >= eph.lo && client_port <= eph.hi)),
                          f);
        f.where = f.rules.empty() ? acl.where : f.rules.front().where;
        out.push_back(std::move(f));
      }
    }
  }
};

}  // namespace

Pass& pass_return_path_blocked() {
  static ReturnPathBlockedPass pass;
  return pass;
}

}  // namespace sgopt
