// `sgopt diff`: proves that a change to groups and ACLs preserves behaviour, or shows exactly what
// traffic it gains and loses, as text, JSON or SARIF.
#include "passes/compare/diff.h"
#include "tool/cli.h"
#include "tool/json_shapes.h"
#include "tool/outputs.h"
#include "tool/sarif.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <memory>
#include <set>

namespace sgopt {
namespace {

struct DiffCliOptions {
  std::string old_path, new_path;
  std::vector<std::string> old_files, new_files;
  std::string match = "id";
  std::string left, right;
  std::string expect;
  std::string smt2_dir;
  cli::Format format = cli::Format::Text;
  bool no_prove = false;
  bool no_interfaces = false;
  bool groups_only = false;
  unsigned timeout_ms = 10000;
  unsigned threads = 0;
  std::size_t max_regions = 20;
};

/// Everything the renderers need.
struct Outcome {
  DiffReport report;
  const References* old_refs = nullptr;
  const References* new_refs = nullptr;
  std::optional<Expectation> expect;
  bool proving = true;
};

bool judged_ok(const ResourceDiff& r, const std::optional<Expectation>& expect) {
  for (const auto& d : r.directions)
    if (!meets(d, expect.value_or(Expectation::Equivalent))) return false;
  return true;
}

bool all_met(const Outcome& o) {
  for (const auto& r : o.report.resources)
    if (r.judged && !judged_ok(r, o.expect)) return false;
  return true;
}

std::map<std::string, int> tally(const Outcome& o) {
  std::map<std::string, int> n;
  for (const char* v : {"equivalent", "tighter", "looser", "incomparable", "unknown"}) n[v] = 0;
  for (const auto& r : o.report.resources)
    for (const auto& d : r.directions) ++n[verdict_name(d.verdict())];
  return n;
}

std::string proof_text(const DirectionDiff& d) {
  std::string s;
  switch (d.proof) {
    case ProofState::Proved: s = "proved by Z3"; break;
    case ProofState::Identical: s = "identical rules: equal by construction, no solver needed"; break;
    case ProofState::NotRun: s = "native engine; Z3 not run"; break;
    case ProofState::Unknown:
      s = fmt::format("unproved: {}; the native engine says {}", d.proof_note, verdict_name(d.native));
      break;
  }
  if (d.world == World::Closed) {
    s += "; closed world: rests on the loaded members of the referenced groups and lists being complete";
    if (d.open_world) s += fmt::format("; for every membership: {}", verdict_name(d.open_world->verdict()));
  }
  return s;
}

// "123 packets", "0 packets plus the members of sg-2".
std::string count_text(const PacketSet& set, const PeerTable& peers) {
  std::string s = fmt::format("{} packets", set.count().str());
  auto extra = set.extra_members(peers);
  if (!extra.empty()) {
    std::vector<std::string> ids;
    for (PeerKind m : extra) ids.push_back(peers.member_info(m).id);
    s += fmt::format(" plus the members of {}", fmt::join(ids, ", "));
  }
  return s;
}

std::string resource_title(const ResourceDiff& r) {
  std::string s = fmt::format("{} {}", resource_kind_name(r.kind), r.label());
  if (!r.name.empty()) s += fmt::format(" ({})", r.name);
  if (r.added()) s += ": added (compared with one that allows nothing)";
  if (r.removed()) s += ": removed (compared with one that allows nothing)";
  if (!r.old_acl.empty() || !r.new_acl.empty()) {
    std::string acl = r.old_acl == r.new_acl || r.new_acl.empty() ? r.old_acl
                      : r.old_acl.empty()                         ? r.new_acl
                                                                  : fmt::format("{} -> {}", r.old_acl, r.new_acl);
    s += fmt::format(" [both layers: its groups behind {}]", acl);
  }
  if (!r.judged) s += " [judged through its network interfaces]";
  return s;
}

void print_regions(const char* what, const PacketSet& set, const std::vector<Region>& regions, const PeerTable& peers,
                   std::size_t max_regions) {
  if (regions.empty()) {
    cli::print("    {}: nothing\n", what);
    return;
  }
  cli::print("    {} ({} region{}, {}):\n", what, regions.size(), regions.size() == 1 ? "" : "s",
             count_text(set, peers));
  for (std::size_t i = 0; i < regions.size() && i < max_regions; ++i) {
    cli::print("      {}\n", region_text(regions[i], peers));
    cli::print("        e.g. {}\n", region_witness(regions[i], peers).str());
  }
  if (regions.size() > max_regions)
    cli::print("      ... and {} more (--max-regions, or --format json for all)\n", regions.size() - max_regions);
}

void print_text(const Outcome& o, const PeerTable& peers, std::size_t max_regions) {
  for (const auto& r : o.report.resources) {
    cli::print("{}\n", resource_title(r));
    for (const auto& d : r.directions) {
      cli::print("  {:<7} {:<12} ({})\n", direction_name(d.direction), verdict_name(d.verdict()), proof_text(d));
      for (const auto& u : d.unknown_because) cli::print("    unknown: {}\n", u);
      if (!d.unknown_because.empty() && (!d.gained.empty() || !d.lost.empty()))
        cli::print("    on the rules whose values are known:\n");
      if (d.partial && d.verdict() != Verdict::Equivalent)
        cli::print(
            "    at most: rules of the group that the input does not declare may already allow what is gained "
            "or still allow what is lost\n");
      if (d.gained.empty() && d.lost.empty()) continue;
      print_regions("newly allowed", d.gained, d.gained_regions, peers, max_regions);
      print_regions("no longer allowed", d.lost, d.lost_regions, peers, max_regions);
    }
  }
  for (const auto& n : o.report.notes) cli::print("note: {}\n", n);
  auto n = tally(o);
  std::size_t directions = 0;
  for (const auto& r : o.report.resources) directions += r.directions.size();
  cli::print("{} resource{}, {} directions: {} equivalent, {} tighter, {} looser, {} incomparable, {} unknown\n",
             o.report.resources.size(), o.report.resources.size() == 1 ? "" : "s", directions, n["equivalent"],
             n["tighter"], n["looser"], n["incomparable"], n["unknown"]);
  cli::print("{}: {}\n", o.expect ? fmt::format("expected {}", expectation_name(*o.expect)) : "expected equivalent",
             all_met(o) ? "met" : "not met");
  std::string old_text = cli::references_text(*o.old_refs), new_text = cli::references_text(*o.new_refs);
  if (old_text == new_text) {
    cli::print("{}", old_text);
  } else {
    if (!old_text.empty()) cli::print("old side {}", old_text);
    if (!new_text.empty()) cli::print("new side {}", new_text);
  }
}

void print_json(const Outcome& o, const PeerTable& peers) {
  nlohmann::json out;
  out["resources"] = nlohmann::json::array();
  for (const auto& r : o.report.resources) {
    nlohmann::json jr{{"kind", r.kind == ResourceKind::Group ? "group"
                               : r.kind == ResourceKind::Acl ? "acl"
                                                             : "interface"},
                      {"old_id", r.old_id},
                      {"new_id", r.new_id},
                      {"name", r.name},
                      {"status", r.added()     ? "added"
                                 : r.removed() ? "removed"
                                               : "matched"},
                      {"judged", r.judged},
                      {"acl", {{"old", r.old_acl}, {"new", r.new_acl}}},
                      {"meets_expectation", judged_ok(r, o.expect)},
                      {"location", cli::location_json(r.where)}};
    jr["directions"] = nlohmann::json::array();
    auto direction_json = [&](const DirectionDiff& d) {
      nlohmann::json jd{{"direction", direction_name(d.direction)},
                        {"verdict", verdict_name(d.verdict())},
                        {"native_verdict", verdict_name(d.native)},
                        {"proof", proof_state_name(d.proof)},
                        {"world", world_name(d.world)},
                        {"newly_allowed", cli::regions_json(d.gained, d.gained_regions, peers)},
                        {"no_longer_allowed", cli::regions_json(d.lost, d.lost_regions, peers)}};
      if (!d.proof_note.empty()) jd["proof_note"] = d.proof_note;
      if (!d.unknown_because.empty()) jd["unknown_because"] = d.unknown_because;
      if (d.partial) jd["partial"] = true;
      return jd;
    };
    for (const auto& d : r.directions) {
      nlohmann::json jd = direction_json(d);
      if (d.open_world) jd["open_world"] = direction_json(*d.open_world);
      jr["directions"].push_back(std::move(jd));
    }
    out["resources"].push_back(std::move(jr));
  }
  out["summary"] = tally(o);
  out["expect"] = o.expect ? expectation_name(*o.expect) : "equivalent";
  out["met"] = all_met(o);
  out["notes"] = o.report.notes;
  out["references"] = {{"old", cli::references_json(*o.old_refs)}, {"new", cli::references_json(*o.new_refs)}};
  cli::print("{}\n", out.dump(2));
}

// One SARIF result per difference region, and one per verdict Z3 could not confirm, each at the
// rule or entry that makes the difference when one is found (else at the resource). Category
// "sgopt/diff/", so that diff's alerts and analyze's do not replace each other.
void print_sarif(const Outcome& o, const PeerTable& peers) {
  // What makes a region's witness differ, found with the reference evaluator: on `side` (the new
  // rules for traffic newly allowed, the old ones for traffic no longer allowed) the ACL entry
  // that decides it, or the first group rule that matches it; when the groups of both sides
  // allow it alike, the network ACL in front of them made the difference.
  struct Cause {
    Location where;
    std::string address, text;
  };
  auto cause_of = [](const RuleList& side, const RuleList& other, const Packet& w,
                     const std::string& resource) -> std::optional<Cause> {
    auto entry = [&w](const std::vector<NaclEntry>& entries, const std::string& acl) -> std::optional<Cause> {
      const NaclEntry* e = nacl_decide(entries, w).entry;
      if (!e || !e->allow || e->source.where.file.empty()) return std::nullopt;
      return Cause{e->source.where, e->source.address.str(),
                   fmt::format("{} entry {}", acl, nacl_entry_ref(acl, *e).text)};
    };
    if (side.is_nacl) return entry(side.entries, resource);
    if (side.acl && !other.is_nacl && sg_allows(other.rules, w, other.refs.get()))
      if (auto c = entry(side.acl->entries, side.acl->acl_id)) return c;
    for (const SgRule& rule : side.rules) {
      if (!rule_matches(rule, w, side.refs.get())) continue;
      Location where = rule.where();
      if (where.file.empty()) continue;
      std::string group = rule.source.resource_id.str();
      return Cause{where, rule.source.address.str(),
                   fmt::format("{} rule {}", group, sg_rule_ref(group, rule.source.direction, rule).text)};
    }
    return std::nullopt;
  };
  // Each rule has one severity: a difference is worth a look, not an error by itself.
  constexpr Severity kSeverity = Severity::Medium;
  std::vector<sarif::Result> results;
  auto add = [&](const ResourceDiff& r, const char* rule, const std::string& text, const std::string& identity,
                 const std::optional<Cause>& cause, nlohmann::json props) {
    sarif::Result res;
    res.rule_id = rule;
    res.level = sarif::level_of(kSeverity);
    // The fingerprint of the first release is kept: the message before the cause was added.
    res.fingerprint = sarif::fingerprint(res.rule_id + "|" + text);
    res.identity = identity;
    res.message = text;
    res.logical_name = r.label();
    if (cause) {
      res.message += fmt::format("; {} by {}", res.rule_id == "sgopt.diff.newly-allowed" ? "allowed" : "allowed before",
                                 cause->text);
      res.locations.push_back(cause->where);
      if (!cause->address.empty()) res.logical_locations.push_back({cause->address, cause->address, "resource"});
    } else {
      res.locations.push_back(r.where);
    }
    res.properties = std::move(props);
    results.push_back(std::move(res));
  };
  for (const auto& r : o.report.resources)
    for (const auto& d : r.directions) {
      auto each = [&](const std::vector<Region>& regions, bool gained) {
        const char* rule = gained ? "sgopt.diff.newly-allowed" : "sgopt.diff.no-longer-allowed";
        const RuleList& side = gained ? d.new_rules : d.old_rules;
        const RuleList& other = gained ? d.old_rules : d.new_rules;
        const std::string& resource =
            gained ? (r.new_id.empty() ? r.old_id : r.new_id) : (r.old_id.empty() ? r.new_id : r.old_id);
        for (const auto& g : regions) {
          Packet w = region_witness(g, peers);
          std::string region = region_text(g, peers);
          add(r, rule,
              fmt::format("{} {} {}: {} {} (e.g. {})", resource_kind_name(r.kind), r.label(),
                          direction_name(d.direction), gained ? "newly allows" : "no longer allows", region, w.str()),
              fmt::format("{}|{}|{}|{}", rule, r.label(), direction_name(d.direction), region),
              cause_of(side, other, w, resource),
              {{"resource", r.label()},
               {"direction", direction_name(d.direction)},
               {"verdict", verdict_name(d.verdict())},
               {"world", world_name(d.world)},
               {"region", cli::region_json(g, peers)}});
        }
      };
      each(d.gained_regions, true);
      each(d.lost_regions, false);
      for (std::size_t i = 0; i < d.unknown_because.size(); ++i) {
        sarif::Result res;
        res.rule_id = "sgopt.diff.unknown";
        res.level = sarif::level_of(kSeverity);
        res.message = fmt::format("{} {} {}: unknown, {}", resource_kind_name(r.kind), r.label(),
                                  direction_name(d.direction), d.unknown_because[i]);
        res.identity =
            fmt::format("sgopt.diff.unknown|{}|{}|{}", r.label(), direction_name(d.direction), d.unknown_because[i]);
        res.fingerprint = sarif::fingerprint(res.identity);
        res.logical_name = r.label();
        res.locations.push_back(d.unknown_at[i].file.empty() ? r.where : d.unknown_at[i]);
        res.properties = {{"resource", r.label()}, {"direction", direction_name(d.direction)}};
        results.push_back(std::move(res));
      }
      if (d.proof == ProofState::Unknown)
        add(r, "sgopt.diff.unproved",
            fmt::format("{} {} {}: {}", resource_kind_name(r.kind), r.label(), direction_name(d.direction),
                        d.proof_note),
            fmt::format("sgopt.diff.unproved|{}|{}", r.label(), direction_name(d.direction)), std::nullopt,
            {{"resource", r.label()}, {"direction", direction_name(d.direction)}});
    }
  const std::string context = "Reported by sgopt diff, which compares what two versions of the rules allow.";
  std::vector<sarif::Rule> rules{
      sarif::make_rule(
          "sgopt.diff.newly-allowed", "NewlyAllowed",
          {"The new rules allow traffic the old ones did not.",
           "Every region newly allowed is exposure the change adds; a refactoring that was meant to keep behaviour "
           "must add none, and a change that opens access should open exactly what was asked for.",
           "Check that the region (with its example packet) is meant to be reachable; if not, narrow or remove the "
           "rule or entry the result points at, and run sgopt diff again until it reports the intended verdict.",
           "", context},
          kSeverity, "security"),
      sarif::make_rule(
          "sgopt.diff.no-longer-allowed", "NoLongerAllowed",
          {"The new rules no longer allow traffic the old ones did.",
           "Traffic that used to flow will be refused once the change is applied, which breaks whatever depended "
           "on it unless the removal was intended.",
           "Check that nothing still needs the region (with its example packet); if something does, restore a rule "
           "or entry that allows it (the result points at the old one).",
           "", context},
          kSeverity, "reliability"),
      sarif::make_rule(
          "sgopt.diff.unknown", "UnknownValue",
          {"A value the comparison depends on is not known.",
           "The input leaves a value open (known only after apply, an intrinsic that needs the account, a default "
           "group's rules before adoption, an ACL whose other entries are not in the input), so nothing can be "
           "claimed about this direction and --expect cannot be met.",
           "Give the value (a --parameter, a literal instead of a reference), or plan again once what it depends on "
           "exists, then run sgopt diff again.",
           "", context},
          kSeverity, "reliability"),
      sarif::make_rule(
          "sgopt.diff.unproved", "Unproved",
          {"Z3 could not confirm the verdict in time.",
           "The native engine's verdict was not proved, so the comparison's claims for this direction are unknown "
           "and --expect cannot be met.",
           "Run sgopt diff again with a larger --timeout, or split the comparison (--left/--right); report the "
           "case if it persists.",
           "", context},
          kSeverity, "reliability")};
  sarif::RunInfo run;
  run.tool_version = SGOPT_VERSION;
  run.automation_id = "sgopt/diff/";
  std::size_t omitted = 0;
  cli::print("{}\n", sarif::make_log(run, rules, results, &omitted));
  if (omitted > 0)
    cli::warn(
        fmt::format("the SARIF log holds the first {} results, as GitHub code scanning rejects more; {} more "
                    "were left out (--format json has them all)",
                    sarif::kMaxResults, omitted));
}

// ---------------------------------------------------------------------------------------------
// Markdown: a pull-request comment. Changed resources first, one table row each, then each one's
// regions with a witness, then the equivalent ones behind <details>; never longer than GitHub's
// comment limit (65,536 characters): what does not fit is counted and left to --format json.

constexpr std::size_t kCommentLimit = 60000;  // GitHub's limit less room for the closing lines
constexpr std::size_t kRegionsShown = 5;

/// Text from the input made inert in Markdown and HTML.
std::string md_text(std::string_view s) {
  std::string out;
  for (char c : printable(s)) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '|': out += "\\|"; break;
      case '\\':
      case '`':
      case '*':
      case '_':
      case '[':
      case ']':
      case '#':
      case '!':
      case '~':
        out += '\\';
        out += c;
        break;
      default: out += c;
    }
  }
  return out;
}

/// A code span: backticks in the text become quotes, a table's bar is escaped.
std::string md_code(std::string_view s) {
  std::string out = "`";
  for (char c : printable(s)) {
    if (c == '`')
      out += '\'';
    else if (c == '|')
      out += "\\|";
    else
      out += c;
  }
  return out + "`";
}

bool has_change(const ResourceDiff& r) {
  return std::any_of(r.directions.begin(), r.directions.end(),
                     [](const DirectionDiff& d) { return d.verdict() != Verdict::Equivalent; });
}

std::string verdict_cell(const DirectionDiff& d) {
  std::string v = verdict_name(d.verdict());
  if (d.partial && d.verdict() != Verdict::Equivalent) v += " (at most)";
  return v;
}

std::string where_text(const Location& l) {
  std::string f = l.file.str();
  return l.line > 0 ? fmt::format("{}:{}", f, l.line) : f;
}

std::string resource_md(const ResourceDiff& r, const Outcome& o, const PeerTable& peers) {
  std::string s =
      fmt::format("### {} {} {}", judged_ok(r, o.expect) ? "✅" : "❌", resource_kind_name(r.kind), md_code(r.label()));
  if (!r.name.empty()) s += " (" + md_text(r.name) + ")";
  if (r.added()) s += ": added";
  if (r.removed()) s += ": removed";
  s += fmt::format("\n{}\n\n", md_text(where_text(r.where)));
  for (const auto& d : r.directions) {
    s += fmt::format("**{}: {}** ({})\n", direction_name(d.direction), verdict_cell(d), md_text(proof_text(d)));
    for (const auto& u : d.unknown_because) s += fmt::format("- unknown: {}\n", md_text(u));
    if (d.partial && d.verdict() != Verdict::Equivalent)
      s += "- at most: rules of the group the input does not declare may already allow what is gained or still "
           "allow what is lost\n";
    auto list = [&](const char* what, const std::vector<Region>& regions) {
      if (regions.empty()) return;
      s += fmt::format("- {} ({} region{}):\n", what, regions.size(), regions.size() == 1 ? "" : "s");
      auto item = [&](const Region& g) {
        return fmt::format("  - {} e.g. {}\n", md_code(region_text(g, peers)), md_code(region_witness(g, peers).str()));
      };
      for (std::size_t i = 0; i < regions.size() && i < kRegionsShown; ++i) s += item(regions[i]);
      if (regions.size() > kRegionsShown) {
        s += fmt::format("  <details><summary>{} more</summary>\n\n", regions.size() - kRegionsShown);
        for (std::size_t i = kRegionsShown; i < regions.size(); ++i) s += item(regions[i]);
        s += "\n  </details>\n";
      }
    };
    list("newly allowed", d.gained_regions);
    list("no longer allowed", d.lost_regions);
    s += "\n";
  }
  return s;
}

void print_markdown(const Outcome& o, const PeerTable& peers) {
  auto n = tally(o);
  std::string expected = o.expect ? expectation_name(*o.expect) : "equivalent";
  std::string out = fmt::format(
      "## sgopt diff: {} {}\n\n", all_met(o) ? "✅" : "❌",
      all_met(o) ? fmt::format("every change is {}", expected) : fmt::format("not every change is {}", expected));
  out += fmt::format(
      "{} resource{} compared: {} equivalent, {} tighter, {} looser, {} incomparable, {} unknown "
      "directions.\n\n",
      o.report.resources.size(), o.report.resources.size() == 1 ? "" : "s", n["equivalent"], n["tighter"], n["looser"],
      n["incomparable"], n["unknown"]);
  std::vector<const ResourceDiff*> changed, same;
  for (const auto& r : o.report.resources) (has_change(r) ? changed : same).push_back(&r);
  if (!changed.empty()) {
    out += "| | resource | ingress | egress | where |\n|---|---|---|---|---|\n";
    std::size_t rows = 0;
    for (const ResourceDiff* r : changed) {
      std::string row =
          fmt::format("| {} | {} {}{} |", judged_ok(*r, o.expect) ? "✅" : "❌", resource_kind_name(r->kind),
                      md_code(r->label()), r->name.empty() ? "" : " (" + md_text(r->name) + ")");
      for (const auto& d : r->directions) row += fmt::format(" {} |", verdict_cell(d));
      row += fmt::format(" {} |\n", md_text(where_text(r->where)));
      if (out.size() + row.size() > kCommentLimit / 2) break;
      out += row;
      ++rows;
    }
    if (rows < changed.size()) out += fmt::format("\n... and {} more changed resources.\n", changed.size() - rows);
    out += "\n";
    std::size_t shown = 0;
    for (const ResourceDiff* r : changed) {
      std::string section = resource_md(*r, o, peers);
      if (out.size() + section.size() > kCommentLimit) break;
      out += section;
      ++shown;
    }
    if (shown < changed.size())
      out += fmt::format(
          "{} more changed resources are not shown here (the comment limit): run `sgopt diff "
          "--format json` for all of them.\n\n",
          changed.size() - shown);
  }
  if (!same.empty()) {
    std::string list = fmt::format("<details><summary>{} equivalent resource{}</summary>\n\n", same.size(),
                                   same.size() == 1 ? "" : "s");
    std::size_t listed = 0;
    for (const ResourceDiff* r : same) {
      std::string line = fmt::format("- {} {}{}\n", resource_kind_name(r->kind), md_code(r->label()),
                                     r->name.empty() ? "" : " (" + md_text(r->name) + ")");
      if (out.size() + list.size() + line.size() > kCommentLimit) break;
      list += line;
      ++listed;
    }
    if (listed < same.size()) list += fmt::format("- ... and {} more\n", same.size() - listed);
    out += list + "\n</details>\n\n";
  }
  for (const auto& note : o.report.notes) out += "> " + md_text(note) + "\n";
  out += fmt::format(
      "\n<sub>sgopt {}: every verdict above is proved (Z3) or shown with a witness packet; "
      "\"unknown\" means a value the input leaves open.</sub>\n",
      SGOPT_VERSION);
  cli::print("{}", out);
}

std::string file_stem(const ResourceDiff& r, const DirectionDiff& d, const std::string& obligation) {
  std::string id = r.old_id.empty()                           ? r.new_id
                   : r.new_id.empty() || r.new_id == r.old_id ? r.old_id
                                                              : r.old_id + "_vs_" + r.new_id;
  for (char& c : id)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') c = '_';
  return fmt::format("{}-{}-{}.smt2", id, direction_name(d.direction), obligation);
}

int run_diff(const DiffCliOptions& opts) {
  std::vector<std::string> old_files = opts.old_files, new_files = opts.new_files;
  if (!opts.old_path.empty()) old_files.insert(old_files.begin(), opts.old_path);
  if (!opts.new_path.empty()) new_files.insert(new_files.begin(), opts.new_path);
  bool named = !opts.left.empty() || !opts.right.empty();
  // One input that holds both sides (a Terraform plan, AWS Config history) is compared with itself.
  bool one_input = !named && new_files.empty() && !old_files.empty();
  if (named && new_files.empty()) new_files = old_files;
  if (one_input) new_files = old_files;
  if (old_files.empty() || new_files.empty())
    throw std::invalid_argument("diff needs an OLD and a NEW input (positional, or --old/--new)");

  bool quiet = opts.format != cli::Format::Text;
  using Side = LoadOptions::Side;
  Snapshot before = cli::load(old_files, quiet, one_input ? Side::Before : Side::Latest);
  if (one_input && !before.two_sided)
    throw std::invalid_argument(
        "diff needs an OLD and a NEW input; one input is enough only when it holds both sides (a Terraform plan "
        "from `terraform show -json`, or AWS Config history)");
  Snapshot after = cli::load(new_files, true, one_input ? Side::After : Side::Latest);
  // One input read twice warns once: the new side says only what the old side did not.
  if (!quiet) {
    std::set<std::string> said;
    if (one_input)
      for (const auto& w : before.warnings) said.insert(w.str());
    for (const auto& w : after.warnings)
      if (!said.count(w.str())) cli::warn(w.str());
  }
  std::vector<std::string> given = old_files, read = before.files;
  given.insert(given.end(), new_files.begin(), new_files.end());
  read.insert(read.end(), after.files.begin(), after.files.end());
  cli::OutputFiles outputs(given, read);
  if (!opts.smt2_dir.empty()) {
    std::error_code ec;
    if (std::filesystem::exists(opts.smt2_dir, ec) && !std::filesystem::is_directory(opts.smt2_dir, ec))
      throw InputError(Diagnostic{Location{opts.smt2_dir, "", 0}, "--emit-smt2 names a file; give a folder"});
  }
  DiffOptions dopts;
  dopts.match = opts.match == "name" ? MatchBy::Name : MatchBy::Id;
  dopts.left = opts.left;
  dopts.right = opts.right;
  dopts.interfaces = !opts.no_interfaces;
  dopts.both_layers = !opts.groups_only;

  ProveOptions prove;
  prove.prove = !opts.no_prove;
  prove.timeout_ms = opts.timeout_ms;
  prove.smt2 = !opts.smt2_dir.empty();
  prove.threads = opts.threads;
  Outcome o;
  o.report = diff_and_prove(before, after, dopts, prove);
  o.old_refs = &before.references;
  o.new_refs = &after.references;
  if (!opts.expect.empty()) o.expect = parse_expectation(opts.expect);
  o.proving = prove.prove;
  const PeerTable& peers = o.report.peers;

  if (!opts.smt2_dir.empty()) {
    std::filesystem::create_directories(opts.smt2_dir);  // its files are claimed in it
    for (const auto& r : o.report.resources)
      for (const auto& d : r.directions)
        for (const DirectionDiff* dd :
             {static_cast<const DirectionDiff*>(&d), static_cast<const DirectionDiff*>(d.open_world.get())}) {
          if (!dd) continue;
          for (const auto& ob : dd->smt2) {
            std::string name = dd == &d ? ob.name : "open-world-" + ob.name;
            std::string path = (std::filesystem::path(opts.smt2_dir) / file_stem(r, d, name)).string();
            outputs.claim(path, "--emit-smt2");
            outputs.set(path, ob.text);
          }
        }
    outputs.write_all();
  }

  switch (opts.format) {
    case cli::Format::Text: print_text(o, peers, opts.max_regions); break;
    case cli::Format::Json: print_json(o, peers); break;
    case cli::Format::Sarif: print_sarif(o, peers); break;
    case cli::Format::Markdown: print_markdown(o, peers); break;
  }
  return all_met(o) ? cli::kExitOk : cli::kExitFindings;
}

}  // namespace

void register_diff(CLI::App& app, cli::Runner& run) {
  auto opts = std::make_shared<DiffCliOptions>();
  auto* cmd = app.add_subcommand(
      "diff", "Prove that NEW allows exactly what OLD allows, or show exactly what it gains and loses");
  cmd->footer(
      "Groups and ACLs are paired by id (--match name: by group name / Name tag); one missing on a side is\n"
      "compared with one that allows nothing. When both sides carry network interfaces, each interface's\n"
      "groups are also compared together, and groups on interfaces are judged through them. When both sides\n"
      "also place the interface behind a loaded network ACL (describe-network-acls, and describe-subnets for\n"
      "same-subnet peers), the interface is judged on both layers: what its groups allow and its subnet's ACL\n"
      "lets cross. An ACL whose interfaces are all judged that way is judged through them, so a deny moved\n"
      "from an ACL into a group is proven harmless interface by interface, or its exact effect is shown.\n"
      "Replies through the stateless ACL are not compared here (analyze's return-path-blocked judges them).\n"
      "Per direction the verdict is equivalent, tighter (NEW allows a strict subset), looser (a strict\n"
      "superset) or incomparable; differences are listed as regions that together are exactly the\n"
      "difference, each with a witness packet. The native engine computes everything exactly; Z3 proves\n"
      "every universal claim (equal, within, regions exact) unless --no-prove, and a claim Z3 cannot\n"
      "decide is reported as unknown. Two sides that are the same rules (in any order, references\n"
      "standing for the same) are equal by construction and reported as identical, without a solver.\n"
      "A Terraform plan (terraform show -json plan.out) holds both sides: `sgopt diff plan.json` compares its\n"
      "prior state with its planned one; AWS Config history compares consecutive versions of each item. A\n"
      "value known only after apply, or an intrinsic that cannot be evaluated, makes its direction unknown.\n"
      "Examples:\n"
      "  sgopt diff samples/refactor-before.json samples/refactor-after.json\n"
      "  sgopt diff plan.json --expect tighter-or-equal --format markdown\n"
      "  sgopt diff before/ after/ --expect tighter-or-equal --format json\n"
      "  sgopt diff sgs.json --left sg-0123 --right sg-0456\n"
      "  sgopt diff --old sgs.json --old enis.json --new sgs2.json --new enis.json\n"
      "Exit status: 0 when every judged resource meets --expect (default: equivalent), 1 otherwise, 2 on errors.");
  cmd->add_option("OLD", opts->old_path,
                  "The old rules: a describe-* JSON file, a Terraform plan or state, a CloudFormation template, AWS "
                  "Config history, a folder of them, or -. A Terraform plan or Config history alone is both sides");
  cmd->add_option("NEW", opts->new_path, "The new rules (same kinds of input as OLD)");
  cmd->add_option("--old", opts->old_files, "One more input for the old side (repeatable)")->allow_extra_args(false);
  cmd->add_option("--new", opts->new_files, "One more input for the new side (repeatable)")->allow_extra_args(false);
  cmd->add_option("--match", opts->match, "Pair resources by id (group id, ACL id) or by name (group name, Name tag)")
      ->check(CLI::IsMember({"id", "name"}))
      ->capture_default_str();
  cmd->add_option("--left", opts->left, "Compare only this group or ACL (looked up on the old side first) ...");
  cmd->add_option("--right", opts->right, "... with this one (looked up on the new side first; one input is enough)");
  cmd->add_option("--expect", opts->expect,
                  "What the change must be for exit status 0: equivalent, tighter, looser or tighter-or-equal "
                  "(default: equivalent)")
      ->check(CLI::IsMember({"equivalent", "tighter", "looser", "tighter-or-equal"}));
  cmd->add_option("--emit-smt2", opts->smt2_dir,
                  "Write every proof obligation to DIR as SMT-LIB2; `z3 FILE` prints unsat for each claim that holds");
  cli::add_format_option(*cmd, opts->format, true, true);
  cmd->add_flag("--no-prove", opts->no_prove, "Skip the Z3 proofs (verdicts then rest on the native engine alone)");
  cmd->add_option("--timeout", opts->timeout_ms, "Z3 time limit per proof obligation, in milliseconds (1 to 3600000)")
      ->capture_default_str()
      ->check(CLI::Range(1u, 3600000u));
  cli::add_threads_option(*cmd, opts->threads, "Proof worker threads, one Z3 context each");
  cmd->add_flag("--no-interfaces", opts->no_interfaces,
                "Do not compare network interfaces; judge every group on its own");
  cmd->add_flag("--groups-only", opts->groups_only,
                "In the interface view, compare only the interfaces' groups, not their subnets' network ACLs");
  cmd->add_option("--max-regions", opts->max_regions, "Regions printed per difference in text output")
      ->capture_default_str();
  cmd->callback([&run, opts] { run = [opts] { return run_diff(*opts); }; });
}

}  // namespace sgopt
