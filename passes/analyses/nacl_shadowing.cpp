// Pass nacl-shadowing: under first-match order per direction, finds NACL entries that never decide
// anything (shadowed; a likely bug when an earlier entry of the other action decides their
// packets), entries whose removal changes no decision (redundant, such as a deny just above the
// default deny), and entries that generalize or partly overlap an earlier entry of the other
// action. It names the entries that block or overlap each one; it changes nothing.
#include "passes/analyses/nacl_shadowing.h"

#include "model/rule_text.h"
#include "passes/pass.h"
#include "solver/coverage.h"
#include "solver/rule_sets.h"

#include <fmt/format.h>

#include <algorithm>

namespace sgopt {

namespace {

constexpr FindingKind kShadowedConflict{
    "shadowed-conflict",
    "NaclShadowedConflict",
    "A network ACL entry never applies: earlier entries decide all its packets, some with the opposite action.",
    help_uri::kNetworkAcls,
    Severity::High,
    Concern::Security,
    "The entry says the opposite of what the ACL does: a deny that never applies leaves traffic open that its "
    "author meant to block, and an allow that never applies blocks traffic that was meant to flow.",
    "Give the entry a lower rule number than the entries that decide its packets (the finding names them), or "
    "remove it if the earlier entries are right."};
constexpr FindingKind kShadowed{
    "shadowed",
    "NaclShadowed",
    "A network ACL entry never applies: earlier entries already decide all its packets the same way.",
    help_uri::kNetworkAcls,
    Severity::Low,
    Concern::Maintainability,
    "The entry is dead weight: it counts against the 20-entries quota and suggests a decision the ACL does not "
    "depend on.",
    "Remove the entry."};
constexpr FindingKind kRedundant{
    "redundant",
    "NaclRedundant",
    "Removing a network ACL entry changes no decision (for example a deny just above the default deny).",
    help_uri::kNetworkAcls,
    Severity::Low,
    Concern::Maintainability,
    "The entry costs quota and review effort without changing what the ACL lets through.",
    "Remove the entry."};
constexpr FindingKind kGeneralization{
    "generalization",
    "NaclGeneralization",
    "A network ACL entry contains everything an earlier entry of the opposite action decides.",
    help_uri::kNetworkAcls,
    Severity::Info,
    Concern::Maintainability,
    "A broad entry with an exception carved out before it is a common and deliberate pattern, but the order of "
    "the two entries is then what decides: renumbering them flips the exception.",
    "No change is needed if the exception is intended; keep the two entries in this order."};
constexpr FindingKind kCorrelation{
    "correlation",
    "NaclCorrelation",
    "A network ACL entry partly overlaps what an earlier entry of the opposite action decides.",
    help_uri::kNetworkAcls,
    Severity::Low,
    Concern::Maintainability,
    "Where two entries of opposite actions overlap, only the rule numbers decide; such overlaps are easy to get "
    "wrong when entries are added or renumbered.",
    "Check that the earlier entry should win on the overlap; split the entries so they no longer overlap if "
    "not."};
constexpr const FindingKind* kKinds[] = {&kShadowedConflict, &kShadowed, &kRedundant, &kGeneralization, &kCorrelation};

const FindingKind& kind_of(EntryIssueKind k) {
  switch (k) {
    case EntryIssueKind::ShadowedConflict: return kShadowedConflict;
    case EntryIssueKind::Shadowed: return kShadowed;
    case EntryIssueKind::Redundant: return kRedundant;
    case EntryIssueKind::Generalization: return kGeneralization;
    case EntryIssueKind::Correlation: return kCorrelation;
  }
  return kShadowed;
}

}  // namespace

const char* entry_issue_name(EntryIssueKind k) { return kind_of(k).id; }

std::vector<EntryIssue> classify_nacl_entries(const std::vector<NaclEntry>& entries) {
  const std::size_t n = entries.size();
  PeerTable peers;
  std::vector<PacketSet> sets;
  for (const auto& e : entries) sets.push_back(PacketSet::from_box(entry_box(e)));
  // effective[i]: the packets entry i decides (first match).
  const std::vector<PacketSet> effective = nacl_decided_sets(entries);
  // suffix_allow[i]: what entries i..n-1 allow under first match (implicit deny after them).
  std::vector<PacketSet> suffix_allow(n + 1);
  for (std::size_t i = n; i-- > 0;) {
    PacketSet rest = suffix_allow[i + 1].subtract(sets[i]);
    suffix_allow[i] = entries[i].allow ? rest.unite(sets[i]) : rest;
  }

  std::vector<EntryIssue> out;
  for (std::size_t i = 0; i < n; ++i) {
    const NaclEntry& e = entries[i];
    if (e.is_default_deny()) continue;
    if (effective[i].empty()) {
      EntryIssue issue{EntryIssueKind::Shadowed, i, {}, false, std::nullopt};
      PacketSet conflict;
      for (std::size_t j = 0; j < i; ++j) {
        PacketSet part = effective[j].intersect(sets[i]);
        if (part.empty()) continue;
        issue.related.push_back(j);
        if (entries[j].allow != e.allow) conflict = conflict.unite(part);
      }
      if (!conflict.empty()) issue.kind = EntryIssueKind::ShadowedConflict;
      issue.witness = typical_witness(conflict.empty() ? sets[i] : conflict, peers);
      out.push_back(std::move(issue));
      continue;
    }
    // Redundant: without the entry, its packets fall to the later entries; same decisions?
    const PacketSet& after_allow = suffix_allow[i + 1];
    bool same = e.allow ? effective[i].subset_of(after_allow) : !effective[i].intersects(after_allow);
    if (same) {
      EntryIssue issue{EntryIssueKind::Redundant, i, {}, false, typical_witness(effective[i], peers)};
      PacketSet rest = effective[i];
      for (std::size_t k = i + 1; k < n && !rest.empty(); ++k) {
        if (!rest.intersects(sets[k])) continue;
        issue.related.push_back(k);
        rest = rest.subtract(sets[k]);
      }
      issue.implicit_deny = !rest.empty();
      out.push_back(std::move(issue));
    }
    // Overlaps with what earlier entries of the other action decide.
    std::vector<std::size_t> general, correl;
    PacketSet general_part, correl_part;
    for (std::size_t j = 0; j < i; ++j) {
      if (entries[j].allow == e.allow || effective[j].empty()) continue;
      PacketSet part = effective[j].intersect(sets[i]);
      if (part.empty()) continue;
      if (effective[j].subset_of(sets[i])) {
        general.push_back(j);
        general_part = general_part.unite(part);
      } else {
        correl.push_back(j);
        correl_part = correl_part.unite(part);
      }
    }
    if (!general.empty())
      out.push_back(
          EntryIssue{EntryIssueKind::Generalization, i, general, false, typical_witness(general_part, peers)});
    if (!correl.empty())
      out.push_back(EntryIssue{EntryIssueKind::Correlation, i, correl, false, typical_witness(correl_part, peers)});
  }
  return out;
}

bool confirm_entry_issue(const std::vector<NaclEntry>& entries, const EntryIssue& issue) {
  if (!issue.witness) return true;
  const Packet& p = *issue.witness;
  const NaclEntry& e = entries[issue.entry];
  if (!entry_matches(e, p)) return false;
  NaclDecision d = nacl_decide(entries, p);
  switch (issue.kind) {
    case EntryIssueKind::Shadowed: return d.entry != &e && d.entry && d.allow == e.allow;
    case EntryIssueKind::ShadowedConflict: return d.entry != &e && d.entry && d.allow != e.allow;
    case EntryIssueKind::Redundant: {
      std::vector<NaclEntry> without;
      for (const auto& x : entries)
        if (&x != &e) without.push_back(x);
      return d.entry == &e && nacl_decide(without, p).allow == e.allow;
    }
    case EntryIssueKind::Generalization:
    case EntryIssueKind::Correlation: {
      bool decided_by_related = false;
      for (std::size_t j : issue.related) decided_by_related = decided_by_related || d.entry == &entries[j];
      return decided_by_related && d.allow != e.allow;
    }
  }
  return false;
}

namespace {

std::string numbers_text(const std::vector<NaclEntry>& entries, const std::vector<std::size_t>& idx) {
  std::vector<std::string> parts;
  for (std::size_t j : idx) parts.push_back(std::to_string(entries[j].rule_number));
  return fmt::format("{}", fmt::join(parts, ", "));
}

Finding issue_finding(const NetworkAcl& acl, Direction d, const std::vector<NaclEntry>& entries,
                      const EntryIssue& issue) {
  const NaclEntry& e = entries[issue.entry];
  Finding f = finding_of(kind_of(issue.kind));
  f.resource_id = acl.id;
  f.direction = d;
  f.rules.push_back(nacl_entry_ref(acl.id, e));
  for (std::size_t j : issue.related) f.causes.push_back(nacl_entry_ref(acl.id, entries[j]));
  f.witness = issue.witness;
  f.where = e.source.where;
  const std::string related = numbers_text(entries, issue.related);
  const bool one = issue.related.size() == 1;
  const char* plural = one ? "entry" : "entries";
  switch (issue.kind) {
    case EntryIssueKind::ShadowedConflict:
      f.message = fmt::format(
          "{} entry {} ({}) never applies: earlier {} {} {} all its packets, some with the opposite action",
          direction_name(d), e.rule_number, nacl_entry_text(e), plural, related, one ? "decides" : "decide");
      f.fix = fmt::format("renumber entry {} below {} if it is meant to apply, or delete it", e.rule_number, related);
      break;
    case EntryIssueKind::Shadowed:
      f.message =
          fmt::format("{} entry {} ({}) never applies: earlier {} {} already {}{} all its packets", direction_name(d),
                      e.rule_number, nacl_entry_text(e), plural, related, e.allow ? "allow" : "deny", one ? "s" : "");
      f.fix = fmt::format("delete entry {}", e.rule_number);
      break;
    case EntryIssueKind::Redundant:
      f.message = fmt::format("{} entry {} ({}) changes no decision: without it, {} would {} the same packets",
                              direction_name(d), e.rule_number, nacl_entry_text(e),
                              issue.related.empty() ? std::string("the implicit deny")
                                                    : fmt::format("{} {}{}", plural, related,
                                                                  issue.implicit_deny ? " and the implicit deny" : ""),
                              e.allow ? "allow" : "deny");
      f.fix = fmt::format("delete entry {}", e.rule_number);
      break;
    case EntryIssueKind::Generalization:
      f.message = fmt::format(
          "{} entry {} ({}) generalizes earlier {} {} of the opposite action (exceptions before a "
          "broader rule; check that this is intended)",
          direction_name(d), e.rule_number, nacl_entry_text(e), plural, related);
      f.fix = "none needed if the earlier entries are intended exceptions";
      break;
    case EntryIssueKind::Correlation:
      f.message = fmt::format(
          "{} entry {} ({}) partly overlaps earlier {} {} of the opposite action, which {} the overlap",
          direction_name(d), e.rule_number, nacl_entry_text(e), plural, related, one ? "decides" : "decide");
      f.fix = fmt::format("split entry {} or the overlapping entries so that no packet is claimed by both actions",
                          e.rule_number);
      break;
  }
  require_confirmed(confirm_entry_issue(entries, issue), f);
  return f;
}

class NaclShadowingPass final : public Pass {
 public:
  std::span<const FindingKind* const> kinds() const override { return kKinds; }
  void run(const AnalysisContext& ctx, std::vector<Finding>& out) const override {
    if (!ctx.acl) return;
    for (Direction d : {Direction::Ingress, Direction::Egress}) {
      const std::vector<NaclEntry>& entries = ctx.acl->entries(d);  // in rule-number order
      for (const auto& issue : classify_nacl_entries(entries))
        out.push_back(issue_finding(*ctx.acl, d, entries, issue));
    }
  }
};

}  // namespace

Pass& pass_nacl_shadowing() {
  static NaclShadowingPass pass;
  return pass;
}

}  // namespace sgopt
