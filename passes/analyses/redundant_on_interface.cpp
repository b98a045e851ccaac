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
#include <map>

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

  // Per combination of other groups (interfaces often share one): their rules (with their origin)
  // and their union, made once however many interfaces carry it.
  struct Other {
    std::string group_id;
    std::size_t rule;
    const SgRule* r;
    PacketSet set;
  };
  struct Combination {
    std::vector<Other> others;
    PacketSet allowed;
    bool alone = true;
  };
  std::vector<Combination> combinations;
  std::vector<std::size_t> combination_of;  // per interface
  std::map<std::vector<std::string>, std::size_t> known;
  for (const NetworkInterface* eni : enis) {
    std::vector<std::string> key;
    for (const auto& gid : eni->group_ids)
      if (gid != group.id) key.push_back(gid);
    auto [it, fresh] = known.emplace(key, combinations.size());
    combination_of.push_back(it->second);
    if (!fresh) continue;
    Combination c;
    c.alone = key.empty();
    for (const auto& gid : key) {
      const SecurityGroup* other = snapshot.find_group(gid);
      if (!other) continue;
      const auto& orules = other->rules(d);
      for (std::size_t k = 0; k < orules.size(); ++k)
        c.others.push_back({gid, k, &orules[k], rule_set(orules[k], peers, refs)});
    }
    std::vector<PacketSet> sets;
    for (const auto& o : c.others) sets.push_back(o.set);
    c.allowed = PacketSet::unite_all(std::move(sets));
    combinations.push_back(std::move(c));
  }
  for (std::size_t i = 0; i < rules.size(); ++i) {
    if (own[i].subset_of(own_twice)) continue;  // redundant within the group: redundant-rules reports it
    InterfaceCoverage c;
    c.rule = i;
    std::vector<char> covered(combinations.size()), counted(combinations.size());
    for (std::size_t k = 0; k < combinations.size(); ++k) covered[k] = own[i].subset_of(combinations[k].allowed);
    for (std::size_t e = 0; e < enis.size(); ++e) {
      std::size_t k = combination_of[e];
      const Combination& combination = combinations[k];
      if (!covered[k]) {
        c.uncovered_on.push_back(enis[e]->id);
        if (combination.alone) c.alone_on.push_back(enis[e]->id);
        continue;
      }
      c.covered_on.push_back(enis[e]->id);
      if (counted[k]) continue;  // its covering rules are in already
      counted[k] = 1;
      std::vector<PacketSet> pieces;
      for (const auto& o : combination.others) pieces.push_back(o.set.intersect(own[i]));
      for (std::size_t p : small_cover(own[i], pieces)) {
        const Other& o = combination.others[p];
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
    "redundant-on-interfaces",
    "RedundantOnInterfaces",
    "On every interface that carries the group, the other groups already allow everything the rule allows.",
    help_uri::kSecurityGroups,
    Severity::Low,
    Concern::Maintainability,
    "Traffic sees the union of an interface's groups, so this rule changes nothing where the group is used; it "
    "still costs quota and review effort.",
    "Remove the rule if the group is meant to be used only with those other groups; keep it if the group is "
    "also meant to stand alone."};
constexpr FindingKind kPartlyRedundant{
    "partly-redundant-on-interfaces",
    "PartlyRedundantOnInterfaces",
    "Other groups allow the rule's traffic on some interfaces that carry its group, but not on all.",
    help_uri::kSecurityGroups,
    Severity::Info,
    Concern::Maintainability,
    "The rule matters only on some of the interfaces, which is worth knowing before changing it or the other "
    "groups.",
    "No change is needed; consider splitting the group if the interfaces need different rules."};
constexpr const FindingKind* kKinds[] = {&kRedundantOnInterfaces, &kPartlyRedundant};

std::string join(const std::vector<std::string>& v) { return fmt::format("{}", fmt::join(v, ", ")); }

class RedundantOnInterfacePass final : public Pass {
 public:
  std::span<const FindingKind* const> kinds() const override { return kKinds; }
  void run(const AnalysisContext& ctx, std::vector<Finding>& out) const override {
    if (!ctx.group || ctx.snapshot.interfaces.empty()) return;
    const SecurityGroup& g = *ctx.group;
    const auto enis = ctx.snapshot.interfaces_with_group(g.id);
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
          // Checked plainly: the rule matches it, and on each covered interface some other group does.
          bool ok = rule_matches(rule, *f.witness, ctx.references);
          auto covered = c.covered_on.begin();  // in the order of the interfaces
          for (const NetworkInterface* eni : enis) {
            if (covered == c.covered_on.end() || eni->id != *covered) continue;
            ++covered;
            bool allowed = false;
            for (const auto& gid : eni->group_ids)
              if (gid != g.id)
                if (const SecurityGroup* og = ctx.snapshot.find_group(gid))
                  allowed = allowed || sg_allows(og->rules(d), *f.witness, ctx.references);
            ok = ok && allowed;
          }
          require_confirmed(ok && covered == c.covered_on.end(), f);
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
