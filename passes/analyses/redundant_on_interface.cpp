// Pass redundant-on-interface: when network interfaces are loaded, finds security-group rules that
// the other groups on every interface carrying the group already allow (removable as long as the
// group is not attached alone elsewhere), and says when some interface carries the group alone or
// without a covering group. It changes nothing.
#include "passes/analyses/redundant_on_interface.h"

#include "model/rule_text.h"
#include "passes/analyses/redundant_rules.h"
#include "passes/pass.h"
#include "solver/coverage.h"
#include "solver/rule_sets.h"

#include <fmt/format.h>

#include <algorithm>

namespace sgopt {

std::vector<InterfaceCoverage> interface_coverage(const Snapshot& snapshot, const SecurityGroup& group, Direction d,
                                                  const References* refs) {
  std::vector<InterfaceCoverage> out;
  auto enis = snapshot.interfaces_with_group(group.id);
  const auto& rules = group.rules(d);
  if (enis.empty() || rules.empty()) return out;
  PeerTable peers;
  std::vector<PacketSet> own;
  for (const auto& r : rules) own.push_back(rule_set(r, peers, refs));
  const PacketSet own_twice = covered_twice(own);

  // Per interface: the other groups' rules (with their origin) and their union.
  struct Other {
    std::string group_id;
    std::size_t rule;
    const SgRule* r;
    PacketSet set;
  };
  struct Eni {
    const NetworkInterface* eni;
    std::vector<Other> others;
    PacketSet allowed;
    bool alone = true;
  };
  std::vector<Eni> per_eni;
  for (const NetworkInterface* eni : enis) {
    Eni e{eni, {}, {}, true};
    for (const auto& gid : eni->group_ids) {
      if (gid == group.id) continue;
      e.alone = false;
      const SecurityGroup* other = snapshot.find_group(gid);
      if (!other) continue;
      const auto& orules = other->rules(d);
      for (std::size_t k = 0; k < orules.size(); ++k)
        e.others.push_back({gid, k, &orules[k], rule_set(orules[k], peers, refs)});
    }
    std::vector<PacketSet> sets;
    for (const auto& o : e.others) sets.push_back(o.set);
    e.allowed = PacketSet::unite_all(std::move(sets));
    per_eni.push_back(std::move(e));
  }

  for (std::size_t i = 0; i < rules.size(); ++i) {
    if (own[i].subset_of(own_twice)) continue;  // redundant within the group: redundant-rules reports it
    InterfaceCoverage c;
    c.rule = i;
    for (const auto& e : per_eni) {
      if (!own[i].subset_of(e.allowed)) {
        c.uncovered_on.push_back(e.eni->id);
        if (e.alone) c.alone_on.push_back(e.eni->id);
        continue;
      }
      c.covered_on.push_back(e.eni->id);
      std::vector<PacketSet> pieces;
      for (const auto& o : e.others) pieces.push_back(o.set.intersect(own[i]));
      for (std::size_t k : small_cover(own[i], pieces)) {
        const Other& o = e.others[k];
        bool seen = std::any_of(c.cover.begin(), c.cover.end(), [&](const InterfaceCoverage::Cover& x) {
          return x.group_id == o.group_id && x.rule == o.rule;
        });
        if (!seen) c.cover.push_back({o.group_id, o.rule});
      }
    }
    if (c.covered_on.empty()) continue;
    c.witness = typical_witness(own[i], peers);
    out.push_back(std::move(c));
  }
  return out;
}

namespace {

constexpr FindingKind kRedundantOnInterfaces{
    "redundant-on-interfaces", "RedundantOnInterfaces",
    "On every interface that carries the group, the other groups already allow everything the rule allows.",
    help_uri::kSecurityGroups, Severity::Low};
constexpr FindingKind kPartlyRedundant{
    "partly-redundant-on-interfaces", "PartlyRedundantOnInterfaces",
    "Other groups allow the rule's traffic on some interfaces that carry its group, but not on all.",
    help_uri::kSecurityGroups, Severity::Info};
constexpr const FindingKind* kKinds[] = {&kRedundantOnInterfaces, &kPartlyRedundant};

std::string join(const std::vector<std::string>& v) { return fmt::format("{}", fmt::join(v, ", ")); }

class RedundantOnInterfacePass final : public Pass {
 public:
  std::span<const FindingKind* const> kinds() const override { return kKinds; }
  void run(const AnalysisContext& ctx, std::vector<Finding>& out) const override {
    if (!ctx.group || ctx.snapshot.interfaces.empty()) return;
    const SecurityGroup& g = *ctx.group;
    for (Direction d : {Direction::Ingress, Direction::Egress}) {
      for (const auto& c : interface_coverage(ctx.snapshot, g, d, ctx.references)) {
        const SgRule& rule = g.rules(d)[c.rule];
        Finding f = finding_of(c.uncovered_on.empty() ? kRedundantOnInterfaces : kPartlyRedundant);
        f.resource_id = g.id;
        f.direction = d;
        f.rules.push_back(sg_rule_ref(g.id, d, rule));
        std::vector<std::string> cover_groups;
        for (const auto& cv : c.cover) {
          const SecurityGroup* og = ctx.snapshot.find_group(cv.group_id);
          f.causes.push_back(sg_rule_ref(cv.group_id, d, og->rules(d)[cv.rule]));
          if (std::find(cover_groups.begin(), cover_groups.end(), cv.group_id) == cover_groups.end())
            cover_groups.push_back(cv.group_id);
        }
        if (c.uncovered_on.empty()) {
          f.message = fmt::format(
              "{} {} is redundant on every interface that carries {} ({}): {} already {} everything it allows",
              direction_name(d), sg_rule_text(rule), g.id, join(c.covered_on), join(cover_groups),
              cover_groups.size() == 1 ? "allows" : "allow");
          // The covering rules may be reported for the same reason (two groups that cover each
          // other): each side is removable alone, never both, so the fix says what must stay.
          f.fix = fmt::format(
              "remove it from {} only while {} stays attached alongside {} on every interface and keeps the "
              "covering rule{}; when that rule is reported here too, remove one of the two, not both",
              g.id, g.id, join(cover_groups), f.causes.size() == 1 ? "" : "s");
        } else {
          f.message = fmt::format(
              "{} {} is redundant on {} ({} allow it) but not on {}{}; it is not removable", direction_name(d),
              sg_rule_text(rule), join(c.covered_on), join(cover_groups), join(c.uncovered_on),
              c.alone_on.empty() ? "" : fmt::format(" ({} carries {} alone)", join(c.alone_on), g.id));
          f.fix = "keep it";
        }
        f.witness = c.witness;
        if (f.witness) {
          bool ok = rule_matches(rule, *f.witness, ctx.references);
          for (const auto& eni_id : c.covered_on) {
            std::vector<SgRule> others;
            for (const NetworkInterface* eni : ctx.snapshot.interfaces_with_group(g.id))
              if (eni->id == eni_id)
                for (const auto& gid : eni->group_ids)
                  if (gid != g.id)
                    if (const SecurityGroup* og = ctx.snapshot.find_group(gid))
                      others.insert(others.end(), og->rules(d).begin(), og->rules(d).end());
            ok = ok && sg_allows(others, *f.witness, ctx.references);
          }
          require_confirmed(ok, f);
        }
        f.where = rule.where();
        out.push_back(std::move(f));
      }
    }
  }
};

}  // namespace

Pass& pass_redundant_on_interface() {
  static RedundantOnInterfacePass pass;
  return pass;
}

}  // namespace sgopt
