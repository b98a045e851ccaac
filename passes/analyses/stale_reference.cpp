// Pass stale-reference: finds security-group rules that name a group no loaded input defines (it
// was deleted, or lives in an account or VPC that was not loaded), one that
// describe-stale-security-groups lists, or one behind a VPC peering that is not active. AWS marks
// such rules stale; every claim sgopt makes keeps the reference open (its members may be any
// addresses), so nothing is claimed from it. It changes nothing.
#include "passes/pass.h"

#include <fmt/format.h>

namespace sgopt {
namespace {

constexpr SeverityCase kStaleCases[] = {
    {Severity::Medium,
     "the group is stale for certain: describe-stale-security-groups lists it, or its VPC peering is not active"}};
constexpr FindingKind kStaleReference{
    "stale-reference",
    "StaleReference",
    "A rule names a security group that is stale: deleted, behind a peering that is not active, or not in the "
    "loaded inputs.",
    help_uri::kSecurityGroups,
    Severity::Low,
    Concern::Maintainability,
    "AWS matches no traffic through a stale reference, so the rule does nothing today, and it may start matching "
    "again unexpectedly if the peering is restored.",
    "Remove the rule, or point it at a group that exists; load the inputs that define the group if it does.",
    kStaleCases};
constexpr const FindingKind* kKinds[] = {&kStaleReference};

class StaleReferencePass final : public Pass {
 public:
  std::span<const FindingKind* const> kinds() const override { return kKinds; }
  void run(const AnalysisContext& ctx, std::vector<Finding>& out) const override {
    if (!ctx.group) return;
    const SecurityGroup& g = *ctx.group;
    for (Direction d : {Direction::Ingress, Direction::Egress})
      for (const SgRule& r : g.rules(d)) {
        if (r.peer.type != PeerType::Group) continue;
        const ReferenceInfo* info = ctx.snapshot.references.find(PeerType::Group, r.peer.ref);
        if (!info || !info->stale) continue;
        Finding f = finding_of(kStaleReference);
        if (info->severe) f.severity = Severity::Medium;
        f.resource_id = g.id;
        f.direction = d;
        f.rules.push_back(sg_rule_ref(g.id, d, r));
        f.message = fmt::format("{} rule {} names {}, which is stale: {}", direction_name(d),
                                sg_rule_ref(g.id, d, r).text, r.peer.ref, info->stale_why);
        f.fix = info->severe ? fmt::format(
                                   "remove the rule, or point it at a group that exists (AWS matches "
                                   "nothing through {} while it is stale)",
                                   r.peer.ref)
                             : fmt::format(
                                   "load the inputs that define {} (another account's or VPC's export), or "
                                   "remove the rule if the group is gone",
                                   r.peer.ref);
        f.where = r.where();
        out.push_back(std::move(f));
      }
  }
};

}  // namespace

Pass& pass_stale_reference() {
  static StaleReferencePass pass;
  return pass;
}

}  // namespace sgopt
