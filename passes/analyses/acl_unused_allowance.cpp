// Pass acl-allows-what-no-group-uses: what a network ACL lets cross that no interface behind it
// uses, neither as a request its groups accept nor as the reply of a request it makes: candidate
// tightening. Judged per ACL and direction, for the interfaces in its subnets, when every one of
// them is placed, carries a group, and every group it carries is loaded.
//
// An open reference's members may sit at any address, so a rule naming one counts as using every
// address of its family (nothing is called unused that a member could use); resolved, it is its
// members' addresses. ICMP is not judged: error messages about a tracked connection (such as
// "fragmentation needed") pass the groups without a rule, yet need the ACL's allowance.
#include "model/protocol.h"
#include "model/rule_text.h"
#include "passes/analyses/cross_layer.h"
#include "passes/pass.h"
#include "solver/effective.h"
#include "solver/rule_sets.h"

#include <fmt/format.h>

#include <algorithm>

namespace sgopt {

namespace {

constexpr FindingKind kUnused{
    "acl-allows-what-no-group-uses",
    "AclAllowsWhatNoGroupUses",
    "The network ACL lets traffic cross that no group of any interface behind it accepts, and that is no reply of "
    "a request those interfaces make: a candidate for tightening the ACL.",
    help_uri::kNetworkAcls,
    Severity::Info,
    Concern::Maintainability,
    "The ACL is a second line of defence only where it is tighter than the groups; here it adds nothing, and "
    "any group rule added later is exposed through it at once.",
    "Narrow the ACL's allow entries to the traffic the groups behind it accept and the replies they need."};
constexpr const FindingKind* kKinds[] = {&kUnused};

Direction other(Direction d) { return d == Direction::Ingress ? Direction::Egress : Direction::Ingress; }

// The reference reading of "the interface uses the packet in direction d": a rule of its groups
// matches it (for some membership), or it is the reply to port `w.port_key` of a request the
// interface's ACL and groups accept in the other direction.
bool used_by(const Placement& place, Direction d, const Packet& w, EphemeralPorts eph, const References* refs) {
  auto any_member_matches = [&](const SgRule& r, const Packet& p) {
    if (r.peer.is_cidr() || (refs && refs->resolved(r.peer))) return rule_matches(r, p, refs);
    Packet member = p;
    member.member = Membership{r.peer.type, r.peer.ref};
    return rule_matches(r, member, refs);
  };
  auto allowed = [&](Direction dir, const Packet& p) {
    for (const SecurityGroup* g : place.groups)
      for (const SgRule& r : g->rules(dir))
        if (any_member_matches(r, p)) return true;
    return false;
  };
  if (allowed(d, w)) return true;
  bool ports = is_port_protocol(w.protocol);
  if (ports && (w.port_key < eph.lo || w.port_key > eph.hi)) return false;
  Direction back = other(d);
  bool inside = place.same_subnet(w.family, w.addr);
  for (int port = 0; port <= (ports ? 65535 : 0); ++port) {
    Packet request = w;
    request.port_key = port;
    if ((inside || nacl_decide(place.acl->entries(back), request).allow) && allowed(back, request)) return true;
  }
  return false;
}

class AclUnusedAllowancePass final : public Pass {
 public:
  std::span<const FindingKind* const> kinds() const override { return kKinds; }
  void run(const AnalysisContext& ctx, std::vector<Finding>& out) const override {
    if (!ctx.acl || ctx.snapshot.interfaces.empty()) return;
    const NetworkAcl& acl = *ctx.acl;
    auto profiles = profiles_behind(ctx.snapshot, acl);
    if (profiles.empty()) return;  // no interface behind it: nothing to compare with
    // A group no input defines: what it uses is unknown. An interface no group filters (a NAT
    // gateway, a transit gateway attachment) forwards other addresses' traffic: any allowance may
    // be its.
    for (const InterfaceProfile& prof : profiles)
      if (!prof.place.complete() || prof.place.no_groups()) return;
    const EphemeralPorts eph = ctx.options.ephemeral;
    std::vector<std::string> ids;
    for (const InterfaceProfile& prof : profiles) ids.insert(ids.end(), prof.interfaces.begin(), prof.interfaces.end());
    for (Direction d : {Direction::Ingress, Direction::Egress}) {
      const auto& entries = acl.entries(d);
      PeerTable peers;
      PacketSet unused = acl_unused(acl, profiles, d, eph, peers, ctx.references);
      if (unused.empty()) continue;
      Finding f = finding_of(kUnused);
      f.resource_id = acl.id;
      f.direction = d;
      f.world = ctx.world;
      f.interfaces = ids;
      f.ephemeral_ports = eph.str();
      f.witness = unused.witness(peers);
      f.regions = region_texts(unused, d);
      auto decided = nacl_decided_sets(entries);
      for (std::size_t i = 0; i < entries.size(); ++i)
        if (entries[i].allow && decided[i].intersects(unused)) f.rules.push_back(nacl_entry_ref(acl.id, entries[i]));
      for (const InterfaceProfile& prof : profiles) add_placement_assumptions(prof.place, f.assumptions);
      f.assumptions.push_back(
          "every interface in the ACL's subnets is loaded (describe-network-interfaces lists them all)");
      f.assumptions.push_back("ICMP is not judged: errors about tracked connections need the ACL but no group rule");
      bool confirmed = f.witness && nacl_decide(entries, *f.witness).allow;
      for (const InterfaceProfile& prof : profiles)
        confirmed = confirmed && !used_by(prof.place, d, *f.witness, eph, ctx.references);
      require_confirmed(confirmed, f);
      f.message = fmt::format(
          "{} {} lets traffic cross that no group of {} accepts and that is no reply of a request {} make{}: {}",
          acl.id, direction_name(d), interfaces_text(ids), ids.size() == 1 ? "it" : "they", ids.size() == 1 ? "s" : "",
          f.regions.size() == 1 ? f.regions.front() : "the regions listed");
      f.fix = fmt::format(
          "if nothing else is meant to use it, narrow the allow entries listed so that {} lets through only what the "
          "groups use (keep the replies of the interfaces' own requests, to ports {})",
          acl.id, eph.str());
      f.where = f.rules.empty() ? acl.where : f.rules.front().where;
      out.push_back(std::move(f));
    }
  }
};

}  // namespace

Pass& pass_acl_unused_allowance() {
  static AclUnusedAllowancePass pass;
  return pass;
}

}  // namespace sgopt
