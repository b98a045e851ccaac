// Pass effective-exposure: what each interface really accepts from the internet through both
// layers (its subnet's ACL and its groups), exactly, with the interface's public IP. Routing is
// not modelled: an interface without a public IP is reachable from the internet only through
// other paths (a load balancer, a NAT rule, a peering), which the finding says.
#include "passes/analyses/cross_layer.h"
#include "passes/analyses/overly_permissive.h"
#include "passes/pass.h"
#include "solver/effective.h"
#include "solver/rule_sets.h"

#include <fmt/format.h>

namespace sgopt {

namespace {

constexpr FindingKind kExposure{
    "effective-exposure",
    "EffectiveExposure",
    "What the interface accepts from public internet addresses through both its subnet's network ACL and its "
    "security groups.",
    help_uri::kNetworkAcls,
    Severity::Info,
    Concern::Security,
    "This is the traffic that actually reaches the interface from the internet, after both layers; it is the "
    "attack surface to review.",
    "Check that every service listed is meant to be public; tighten the groups or the ACL where one is not."};
constexpr const FindingKind* kKinds[] = {&kExposure};

class EffectiveExposurePass final : public Pass {
 public:
  std::span<const FindingKind* const> kinds() const override { return kKinds; }
  void run(const AnalysisContext& ctx, std::vector<Finding>& out) const override {
    if (!ctx.acl || ctx.snapshot.interfaces.empty()) return;
    const NetworkAcl& acl = *ctx.acl;
    PacketSet internet = public_region(Family::V4).unite(public_region(Family::V6));
    for (const InterfaceProfile& prof : profiles_behind(ctx.snapshot, acl)) {
      const Placement& place = prof.place;
      if (!place.complete() || place.no_groups()) continue;  // unknown, or no group filters it
      PeerTable peers;
      EffectiveDirection e =
          effective_direction(place, Direction::Ingress, ctx.options.ephemeral, peers, ctx.references);
      // Address packets only: what is accepted whoever the members of referenced groups are.
      PacketSet exposed = address_packets(e.accepted).intersect(internet);
      if (exposed.empty()) continue;
      // Every interface of the profile is one finding, so that each names its own public IP.
      for (const NetworkInterface* eni : prof.enis) {
        const std::string& id = eni->id;
        Finding f = finding_of(kExposure);
        f.resource_id = acl.id;
        f.direction = Direction::Ingress;
        f.world = ctx.world;
        f.interfaces = {id};
        f.regions = counted_region_texts(exposed, Direction::Ingress);  // per service, exactly
        f.exposure = exposed.count().str();
        f.exposed_addresses = address_count(exposed).str();
        f.assumptions = placement_assumptions(place);
        f.witness = exposed.witness(peers);
        FlowVerdict v = evaluate_flow(place, Direction::Ingress, *f.witness, ctx.options.ephemeral.lo, ctx.references);
        if (v.rule) f.causes.push_back(sg_rule_ref(v.group->id, Direction::Ingress, *v.rule));
        if (v.acl_request.entry) f.causes.push_back(nacl_entry_ref(acl.id, *v.acl_request.entry));
        require_confirmed(v.accepted(), f);
        std::string reach = !eni->public_ip.empty()
                                ? fmt::format("public IP {}", eni->public_ip)
                                : std::string(
                                      "no public IP: reachable from the internet only through other paths "
                                      "(load balancers, NAT, peering; routing is not modelled)");
        f.message = fmt::format("{} ({}) accepts from internet addresses through {} and {}: {}", id, reach, acl.id,
                                fmt::join(place.eni->group_ids, ", "),
                                f.regions.size() == 1 ? f.regions.front() : "the regions listed");
        f.fix = "check that each service listed is meant to be public";
        f.where = eni->where;
        out.push_back(std::move(f));
      }
    }
  }
};

}  // namespace

Pass& pass_effective_exposure() {
  static EffectiveExposurePass pass;
  return pass;
}

}  // namespace sgopt
