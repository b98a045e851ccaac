// Pass redundant-rules: finds security-group rules whose packets the other rules of the same group
// and direction already allow, reports duplicates as such, and proposes one maximal set of rules
// that can be removed together, proved (native engine) to leave the group's behaviour unchanged.
// It judges each direction of each group on its own; it changes nothing.
#include "passes/analyses/redundant_rules.h"

#include "model/packet.h"
#include "model/references.h"
#include "model/rule_text.h"
#include "passes/pass.h"
#include "solver/coverage.h"
#include "solver/rule_sets.h"

#include <fmt/format.h>

#include <stdexcept>

namespace sgopt {

namespace {

struct Coverage {
  PacketSet once, twice;
};

Coverage coverage(const std::vector<PacketSet>& sets, std::size_t lo, std::size_t hi) {
  if (hi - lo == 1) return {sets[lo], PacketSet{}};
  std::size_t mid = lo + (hi - lo) / 2;
  Coverage l = coverage(sets, lo, mid), r = coverage(sets, mid, hi);
  PacketSet both = l.once.intersect(r.once);
  return {l.once.unite(r.once), PacketSet::unite_all({std::move(l.twice), std::move(r.twice), std::move(both)})};
}

}  // namespace

PacketSet covered_twice(const std::vector<PacketSet>& sets) {
  if (sets.empty()) return PacketSet{};
  return coverage(sets, 0, sets.size()).twice;
}

RedundancyAnalysis analyze_redundancy(const std::vector<SgRule>& rules, const References* refs) {
  // Each rule is judged on the packets of its own membership. A CIDR rule (or a resolved
  // reference) matches every membership at its addresses alike, so it is covered exactly when it
  // is covered on the packets with no membership, where only such address rules reach. An open
  // reference's rule matches its members only, so it is covered exactly when the address rules and
  // the rules naming the same reference cover it on its members' packets, which have the shape of
  // address packets. So every set below is a no-membership set: one per family, whatever the
  // number of references (the sets with every membership grow with it).
  const std::size_t n = rules.size();
  PeerTable peers;
  std::vector<std::vector<Box>> boxes;         // as the rules match, memberships included
  std::vector<std::vector<Box>> slice;         // the rule's own membership, as no-membership boxes
  std::vector<PacketSet> sets;                 // of `slice`
  std::vector<PeerKind> member(n, kNoMember);  // the open reference a rule names, if any
  boxes.reserve(n);
  slice.reserve(n);
  sets.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    boxes.push_back(rule_boxes(rules[i], peers, refs));
    slice.emplace_back();
    for (const Box& b : boxes.back()) {
      if (box_member(b) != kNoMember) member[i] = box_member(b);
      slice.back().push_back(as_address_box(b));
    }
    sets.push_back(PacketSet::from_boxes(slice.back()));
  }
  // The rules that can take part in covering rule i: address rules, and rules naming its reference.
  auto same_membership = [&](std::size_t i, std::size_t j) { return member[j] == kNoMember || member[j] == member[i]; };
  auto overlap = [&](std::size_t i, std::size_t j) {
    for (const Box& a : slice[i])
      for (const Box& b : slice[j])
        if (boxes_overlap(a, b)) return true;
    return false;
  };
  auto neighbours = [&](std::size_t i) {
    std::vector<std::size_t> nb;
    for (std::size_t j = 0; j < n; ++j)
      if (j != i && same_membership(i, j) && overlap(i, j)) nb.push_back(j);
    return nb;
  };
  auto covered_by = [&](std::size_t i, const std::vector<std::size_t>& nb) {
    std::vector<PacketSet> pieces;
    pieces.reserve(nb.size());
    for (std::size_t j : nb) pieces.push_back(sets[j].intersect(sets[i]));
    return sets[i].subset_of(PacketSet::unite_all(std::move(pieces)));
  };

  RedundancyAnalysis out;
  std::vector<PacketSet> address_sets;  // what a packet with no membership meets
  for (std::size_t i = 0; i < n; ++i)
    if (member[i] == kNoMember) address_sets.push_back(sets[i]);
  const PacketSet twice = covered_twice(address_sets);
  std::vector<std::vector<std::size_t>> nbs(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (member[i] == kNoMember ? !sets[i].subset_of(twice) : !covered_by(i, neighbours(i))) continue;
    RuleRedundancy red;
    red.rule = i;
    nbs[i] = neighbours(i);
    for (std::size_t j : nbs[i])
      if (member[j] == member[i] && sets[j] == sets[i]) {
        red.duplicate_of = j;
        red.cover = {j};
        break;
      }
    if (!red.duplicate_of) {
      // The tightest single rule that covers it, when there is one (by box volume: only the choice
      // among exact covers depends on it).
      std::optional<long double> best;
      for (std::size_t j : nbs[i]) {
        if (!sets[i].subset_of(sets[j])) continue;
        long double size = 0;
        for (const Box& b : boxes[j])
          size += (static_cast<long double>(b.kind_hi - b.kind_lo) + 1) *
                  (static_cast<long double>(b.addr_hi - b.addr_lo) + 1) * (b.proto_hi - b.proto_lo + 1) *
                  (b.port_hi - b.port_lo + 1);
        if (!best || size < *best) {
          best = size;
          red.cover = {j};
        }
      }
    }
    if (red.cover.empty()) {
      std::vector<PacketSet> pieces;
      pieces.reserve(nbs[i].size());
      for (std::size_t j : nbs[i]) pieces.push_back(sets[j].intersect(sets[i]));
      for (std::size_t k : small_cover(sets[i], pieces)) red.cover.push_back(nbs[i][k]);
    }
    out.redundant.push_back(std::move(red));
  }

  // One maximal removable set: a rule that is not redundant now never becomes redundant after
  // removals (the others only shrink), and a rule kept because its remaining neighbours do not
  // cover it stays uncoverable, so one pass from the back is maximal.
  std::vector<bool> kept(n, true);
  for (auto it = out.redundant.rbegin(); it != out.redundant.rend(); ++it) {
    std::size_t i = it->rule;
    bool cover_kept = !it->cover.empty() || sets[i].empty();
    for (std::size_t j : it->cover) cover_kept = cover_kept && kept[j];
    bool removable = cover_kept;
    if (!removable) {
      std::vector<std::size_t> kept_nbs;
      for (std::size_t j : nbs[i])
        if (kept[j]) kept_nbs.push_back(j);
      removable = covered_by(i, kept_nbs);
    }
    if (removable) kept[i] = false;
  }
  for (std::size_t i = 0; i < n; ++i)
    if (!kept[i]) out.removable.push_back(i);
  return out;
}

namespace {

constexpr FindingKind kRedundant{
    "redundant",
    "RedundantRule",
    "A security-group rule allows nothing that the other rules of its group and direction do not already allow.",
    help_uri::kSecurityGroups,
    Severity::Low,
    Concern::Maintainability,
    "A rule that adds nothing still counts against the 60-rules quota and makes the group harder to review; when "
    "the covering rules change later, it may quietly keep traffic open that the change meant to close.",
    "Remove the rule (the finding names the rules that cover it), or narrow the covering rules if they are the "
    "mistake."};
constexpr FindingKind kDuplicate{
    "duplicate",
    "DuplicateRule",
    "A security-group rule allows exactly what another rule of the same group and direction allows.",
    help_uri::kSecurityGroups,
    Severity::Low,
    Concern::Maintainability,
    "Duplicates count twice against the rules quota and must both be changed to change what the group allows.",
    "Keep one of the two rules and remove the other."};
constexpr FindingKind kRemovableSet{
    "removable-set",
    "RemovableRuleSet",
    "Redundant rules that can be removed together without changing what the group allows.",
    help_uri::kSecurityGroups,
    Severity::Low,
    Concern::Maintainability,
    "Redundant rules can cover each other, so removing them one at a time is not always safe; this set is proved "
    "removable all at once, and frees that many rules of quota.",
    "Remove every rule of the set in one change; sgopt minimize writes the smallest equivalent group."};
constexpr const FindingKind* kKinds[] = {&kRedundant, &kDuplicate, &kRemovableSet};

std::string rule_list_text(const std::vector<SgRule>& rules, const std::vector<std::size_t>& idx) {
  std::string s;
  for (std::size_t k = 0; k < idx.size(); ++k) {
    if (k) s += k + 1 == idx.size() ? " and " : ", ";
    s += sg_rule_text(rules[idx[k]]);
  }
  return s;
}

// Why a rule matches no packet: only a resolved reference without addresses does.
std::string why_nothing(const Peer& peer, const References* refs) {
  const ReferenceInfo* info = refs && !peer.is_cidr() ? refs->find(peer.type, peer.ref) : nullptr;
  if (!info || !info->resolved) return "it matches no packet";
  if (info->type == PeerType::PrefixList) return fmt::format("the loaded entries of {} are empty", info->id);
  if (info->interfaces == 0) return fmt::format("no loaded network interface carries {}", info->id);
  return fmt::format("the interfaces that carry {} have no private address", info->id);
}

void redundancy_findings(const SecurityGroup& g, Direction d, const References* refs, std::vector<Finding>& out) {
  const auto& rules = g.rules(d);
  if (rules.empty()) return;  // one rule alone is redundant only when it allows nothing
  RedundancyAnalysis a = analyze_redundancy(rules, refs);
  PeerTable peers;
  for (const auto& red : a.redundant) {
    const SgRule& rule = rules[red.rule];
    Finding f = finding_of(red.duplicate_of ? kDuplicate : kRedundant);
    f.resource_id = g.id;
    f.direction = d;
    f.rules.push_back(sg_rule_ref(g.id, d, rule));
    std::vector<SgRule> cover;
    for (std::size_t j : red.cover) {
      f.causes.push_back(sg_rule_ref(g.id, d, rules[j]));
      cover.push_back(rules[j]);
    }
    if (red.duplicate_of) {
      f.message =
          fmt::format("{} {} allows exactly what {} (permission {}) allows", direction_name(d), sg_rule_text(rule),
                      sg_rule_text(rules[*red.duplicate_of]), rules[*red.duplicate_of].source.permission_index);
    } else if (red.cover.empty()) {
      f.message =
          fmt::format("{} {} allows nothing: {}", direction_name(d), sg_rule_text(rule), why_nothing(rule.peer, refs));
    } else {
      f.message = fmt::format("{} {} is redundant: {} {} everything it allows", direction_name(d), sg_rule_text(rule),
                              rule_list_text(rules, red.cover),
                              red.cover.size() == 1 ? "already allows" : "together already allow");
    }
    f.witness = typical_witness(rule_set(rule, peers, refs), peers);
    if (f.witness) require_confirmed(rule_matches(rule, *f.witness, refs) && sg_allows(cover, *f.witness, refs), f);
    f.fix = fmt::format("remove the rule for {} from permission {} ({} {})", f.rules[0].peer,
                        rule.source.permission_index, direction_name(d), sg_rule_text(rule));
    if (red.cover.empty() && !rule.peer.is_cidr())
      f.fix += fmt::format(" only if {} is to stay empty: the rule allows traffic again once it has {}", rule.peer.ref,
                           rule.peer.type == PeerType::PrefixList ? "entries" : "members");
    f.where = rule.where();
    out.push_back(std::move(f));
  }
  if (a.redundant.size() < 2) return;
  // The removable set, proved: the group without it allows exactly the same packets.
  std::vector<SgRule> kept;
  std::vector<bool> drop(rules.size(), false);
  for (std::size_t i : a.removable) drop[i] = true;
  for (std::size_t i = 0; i < rules.size(); ++i)
    if (!drop[i]) kept.push_back(rules[i]);
  if (!sg_equivalent(kept, rules, refs)) throw std::logic_error("internal error: removable set changes group " + g.id);
  Finding f = finding_of(kRemovableSet);
  f.resource_id = g.id;
  f.direction = d;
  for (std::size_t i : a.removable) f.rules.push_back(sg_rule_ref(g.id, d, rules[i]));
  f.message = fmt::format(
      "{} of the {} redundant {} rules can be removed together; what the group allows stays exactly the same",
      a.removable.size(), a.redundant.size(), direction_name(d));
  f.fix = fmt::format("remove these {} rules together", a.removable.size());
  f.where = rules[a.removable.front()].where();
  out.push_back(std::move(f));
}

class RedundantRulesPass final : public Pass {
 public:
  std::span<const FindingKind* const> kinds() const override { return kKinds; }
  void run(const AnalysisContext& ctx, std::vector<Finding>& out) const override {
    if (!ctx.group) return;
    for (Direction d : {Direction::Ingress, Direction::Egress}) redundancy_findings(*ctx.group, d, ctx.references, out);
  }
};

}  // namespace

Pass& pass_redundant_rules() {
  static RedundantRulesPass pass;
  return pass;
}

}  // namespace sgopt
