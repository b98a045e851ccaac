// Pass dead-group-rule: security-group rules whose packets cannot cross the network ACL of any
// subnet where an interface carries the group (the rule does nothing there), and rules of which
// only a part can. Judged only when every interface carrying the group is placed behind a loaded
// ACL; traffic from inside an interface's own subnet crosses no ACL.
#include "model/rule_text.h"
#include "passes/analyses/cross_layer.h"
#include "passes/pass.h"
#include "solver/effective.h"
#include "solver/rule_sets.h"

#include <fmt/format.h>

#include <algorithm>

namespace sgopt {

namespace {

constexpr FindingKind kDead{
    "dead-group-rule",
    "DeadGroupRule",
    "No packet the rule allows can cross the network ACL of any subnet where an interface carries the group: the "
    "rule does nothing.",
    help_uri::kNetworkAcls,
    Severity::Low,
    Concern::Maintainability,
    "The rule costs quota and suggests traffic that cannot flow; if the ACL is opened later, the rule starts "
    "allowing traffic nobody has reviewed recently.",
    "Remove the rule, or open the ACL if the traffic is meant to flow."};
constexpr FindingKind kPartlyDead{
    "partly-dead-group-rule",
    "PartlyDeadGroupRule",
    "Part of what the rule allows cannot cross the network ACL of any subnet where an interface carries the "
    "group.",
    help_uri::kNetworkAcls,
    Severity::Info,
    Concern::Maintainability,
    "The rule is wider than what can reach the interfaces, which makes the intended traffic harder to read.",
    "Narrow the rule to the part the ACL lets through, if the ACL is the intended boundary."};
constexpr const FindingKind* kKinds[] = {&kDead, &kPartlyDead};

class DeadGroupRulePass final : public Pass {
 public:
  std::span<const FindingKind* const> kinds() const override { return kKinds; }
  void run(const AnalysisContext& ctx, std::vector<Finding>& out) const override {
    if (!ctx.group || ctx.snapshot.interfaces.empty() || ctx.snapshot.acls.empty()) return;
    const SecurityGroup& g = *ctx.group;
    auto enis = ctx.snapshot.interfaces_with_group(g.id);
    if (enis.empty()) return;
    std::vector<Placement> places;
    std::vector<std::string> ids;
    for (const NetworkInterface* eni : enis) {
      places.push_back(place_interface(ctx.snapshot, *eni));
      if (!places.back().acl) return;  // an interface whose ACL is unknown: nothing is known dead
      ids.push_back(eni->id);
    }
    for (Direction d : {Direction::Ingress, Direction::Egress}) {
      const auto& rules = g.rules(d);
      if (rules.empty()) continue;
      PeerTable peers;
      // What can cross into (or out of) at least one of the interfaces' subnets.
      std::vector<PacketSet> crossing;
      for (const Placement& p : places)
        crossing.push_back(nacl_allowed_set(p.acl->entries(d)).unite(same_subnet_set(p)));
      PacketSet can_cross = PacketSet::unite_all(std::move(crossing));
      for (const SgRule& r : rules) {
        // Address packets only: a rule is dead for a peer address whoever the members of open
        // references are (an open reference's members may sit at any address, so it is never
        // called dead; resolved, it is its members' addresses).
        PacketSet full = rule_set(r, peers, ctx.references);
        PacketSet allowed = address_packets(full);
        if (allowed.empty()) continue;
        PacketSet dead = allowed.subtract(can_cross);
        if (dead.empty()) continue;
        bool whole = dead == allowed;
        Finding f = finding_of(whole ? kDead : kPartlyDead);
        f.resource_id = g.id;
        f.direction = d;
        f.world = ctx.world;
        f.interfaces = ids;
        f.rules.push_back(sg_rule_ref(g.id, d, r));
        f.witness = dead.witness(peers);
        f.regions = region_texts(dead, d);
        for (const Placement& p : places) add_placement_assumptions(p, f.assumptions);
        // The entries that stop the witness, one per ACL.
        std::vector<std::string> acls;
        bool confirmed = f.witness && rule_matches(r, *f.witness, ctx.references);
        for (const Placement& p : places) {
          if (std::find(acls.begin(), acls.end(), p.acl->id) == acls.end()) acls.push_back(p.acl->id);
          if (!f.witness) continue;
          bool inside = p.same_subnet(f.witness->family, f.witness->addr);
          NaclDecision dec = nacl_decide(p.acl->entries(d), *f.witness);
          confirmed = confirmed && !inside && !dec.allow;
          if (dec.entry) {
            RuleRef ref = nacl_entry_ref(p.acl->id, *dec.entry);
            bool seen = std::any_of(f.causes.begin(), f.causes.end(), [&](const RuleRef& c) {
              return c.resource_id == ref.resource_id && c.rule_number == ref.rule_number &&
                     c.direction == ref.direction;
            });
            if (!seen) f.causes.push_back(ref);
          }
        }
        require_confirmed(confirmed, f);
        std::string where =
            fmt::format("{} ({} on {})", fmt::join(acls, ", "), direction_name(d), interfaces_text(ids));
        f.message = whole ? fmt::format("{} {} of {} is dead: no packet it allows can cross {}", direction_name(d),
                                        sg_rule_text(r), g.id, where)
                          : fmt::format("part of {} {} of {} is dead: {} of what it allows cannot cross {}",
                                        direction_name(d), sg_rule_text(r), g.id,
                                        f.regions.size() == 1 ? f.regions.front() : "the regions listed", where);
        f.fix = whole ? "remove the rule, or allow its traffic in the ACL if it is meant to work"
                      : "narrow the rule to what the ACL lets through, or widen the ACL if the rest is meant to work";
        f.where = r.where();
        out.push_back(std::move(f));
      }
    }
  }
};

}  // namespace

Pass& pass_dead_group_rule() {
  static DeadGroupRulePass pass;
  return pass;
}

}  // namespace sgopt
