// Renderings of analysis findings.
#include "tool/findings_output.h"

#include "model/protocol.h"
#include "passes/pass.h"
#include "tool/cli.h"
#include "tool/json_shapes.h"
#include "tool/sarif.h"

#include <fmt/color.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <set>

namespace sgopt {

std::string finding_rule_id(const Finding& f) { return f.pass + "/" + f.kind; }

namespace {

// ----- pieces shared by the renderings -----

std::string ref_line(const RuleRef& r) {
  std::string head = r.rule_number > 0
                         ? fmt::format("{} {} entry {}", r.resource_id, direction_name(r.direction),
                                       r.rule_number == kNaclDefaultDenyV4 || r.rule_number == kNaclDefaultDenyV6
                                           ? std::string("*")
                                           : std::to_string(r.rule_number))
                     : r.permission_index >= 0
                         ? fmt::format("{} permission {} peer {}", r.resource_id, r.permission_index, r.peer)
                         : fmt::format("{} {} rule, peer {}", r.resource_id, direction_name(r.direction), r.peer);
  std::string where = r.where.json_pointer.empty() ? "" : fmt::format("  ({})", r.where.str());
  return fmt::format("{}: {}{}", head, r.text, where);
}

// What every rendering counts as findings arrive.
struct Tally {
  std::size_t total = 0;
  std::map<Severity, std::size_t> by_severity;
  void add(const Finding& f, ReportInfo& info) {
    ++total;
    ++by_severity[f.severity];
    info.failed = info.failed || (info.fail_on && f.severity >= *info.fail_on);
  }
};

constexpr Severity kSeverities[] = {Severity::Critical, Severity::High, Severity::Medium, Severity::Low,
                                    Severity::Info};

}  // namespace

nlohmann::json finding_json(const Finding& f) {
  nlohmann::json j{{"id", finding_rule_id(f)},
                   {"pass", f.pass},
                   {"kind", f.kind},
                   {"severity", severity_name(f.severity)},
                   {"controls", f.controls},
                   {"resource", f.resource_id},
                   {"message", f.message},
                   {"fix", f.fix},
                   {"location", cli::location_json(f.where)}};
  if (f.direction) j["direction"] = direction_name(*f.direction);
  j["rules"] = nlohmann::json::array();
  for (const auto& r : f.rules) j["rules"].push_back(cli::rule_json(r));
  j["causes"] = nlohmann::json::array();
  for (const auto& r : f.causes) j["causes"].push_back(cli::rule_json(r));
  if (f.witness) j["witness"] = cli::packet_json(*f.witness);
  if (f.reply) j["reply"] = cli::packet_json(*f.reply);
  if (!f.interfaces.empty()) j["interfaces"] = f.interfaces;
  if (!f.ephemeral_ports.empty()) j["ephemeral_ports"] = f.ephemeral_ports;
  if (!f.regions.empty()) j["regions"] = f.regions;
  if (!f.assumptions.empty()) j["assumptions"] = f.assumptions;
  j["world"] = world_name(f.world);
  if (!f.exposure.empty())
    j["exposure"] = {
        {"packets", f.exposure}, {"addresses", f.exposed_addresses}, {"plus_members_of", f.exposure_members}};
  return j;
}

namespace {

class JsonWriter : public FindingsWriter {
 public:
  JsonWriter(json::Sink out, ReportInfo& info) : out_(std::move(out)), info_(info) {
    // Keys in sorted order, except what depends on every finding, which follows them.
    member("fail_on", info.fail_on ? severity_name(*info.fail_on) : "none");
    member("inputs", info.inputs);
    member("passes", info.passes);
    member("references", info.references ? cli::references_json(*info.references) : nlohmann::json::array());
    member("schema_version", 1);
    member("tool", {{"name", "sgopt"}, {"version", SGOPT_VERSION}});
  }
  void add(const Finding& f) override {
    tally_.add(f, info_);
    out_(tally_.total == 1 ? ",\n  \"findings\": [\n    " : ",\n    ");
    out_(json::dump_nested(finding_json(f), 2, "    "));
  }
  void finish() override {
    out_(tally_.total == 0 ? ",\n  \"findings\": []" : "\n  ]");
    member("failed", info_.failed);
    nlohmann::json by = nlohmann::json::object();
    for (Severity s : kSeverities) by[severity_name(s)] = tally_.by_severity[s];
    member("summary", {{"total", tally_.total}, {"by_severity", by}});
    out_("\n}\n");
  }

 private:
  void member(const char* key, const nlohmann::json& value) {
    out_(fmt::format("{}  {}: {}", first_ ? "{\n" : ",\n", nlohmann::json(key).dump(),
                     json::dump_nested(value, 2, "  ")));
    first_ = false;
  }
  json::Sink out_;
  ReportInfo& info_;
  Tally tally_;
  bool first_ = true;
};

const char* concern_tag(Concern c) {
  switch (c) {
    case Concern::Security: return "security";
    case Concern::Reliability: return "reliability";
    case Concern::Maintainability: break;
  }
  return "maintainability";
}

// A kind's severity other than its default, with no case declared for it: the pass judged the
// finding so, and its message says why.
constexpr const char* kUnexplainedCase = "the pass judged the finding so; the result's message says why";

// The rule of a kind at one severity: its default (the case is null) or one of its cases.
sarif::Rule kind_rule(const Pass& p, const FindingKind& k, const SeverityCase* c) {
  std::string id = fmt::format("{}/{}", p.name(), k.id);
  sarif::RuleHelp help{k.help, k.why, k.fix, "",
                       fmt::format("Reported by sgopt analyze's {} pass: {}.", p.name(), p.description())};
  if (!c) return sarif::make_rule(id, k.title, help, k.severity, concern_tag(k.concern), k.help_uri);
  std::string sev = severity_name(c->severity);
  std::string summary = k.help;
  if (!summary.empty() && summary.back() == '.') summary.pop_back();
  help.summary = fmt::format("{} ({} case).", summary, sev);
  help.note = fmt::format("This is the {} case of {}, which is {} otherwise: it is reported at {} when {}.", sev, id,
                          severity_name(k.severity), sev, c->when);
  std::string name = k.title;
  name += static_cast<char>(std::toupper(static_cast<unsigned char>(sev[0])));
  name += sev.substr(1);
  return sarif::make_rule(id + "/" + sev, name, help, c->severity, concern_tag(k.concern), k.help_uri);
}

// The kind a finding is of, or null.
std::pair<const Pass*, const FindingKind*> kind_of(const Finding& f) {
  const Pass* p = find_pass(f.pass);
  return {p, p ? p->kind(f.kind) : nullptr};
}

}  // namespace

std::vector<sarif::Rule> sarif_rules(const ReportInfo& info) {
  std::vector<sarif::Rule> rules;
  for (const Pass* p : all_passes()) {
    if (std::find(info.passes.begin(), info.passes.end(), p->name()) == info.passes.end()) continue;
    for (const FindingKind* k : p->kinds()) {
      rules.push_back(kind_rule(*p, *k, nullptr));
      for (const SeverityCase& c : k->cases) rules.push_back(kind_rule(*p, *k, &c));
    }
  }
  return rules;
}

std::string sarif_rule_id(const Finding& f) {
  std::string id = finding_rule_id(f);
  auto [p, k] = kind_of(f);
  if (!k || f.severity == k->severity) return id;
  return id + "/" + severity_name(f.severity);
}

namespace {

sarif::RunInfo analyze_run() {
  sarif::RunInfo run;
  run.tool_version = SGOPT_VERSION;
  run.automation_id = "sgopt/analyze/";
  return run;
}

class SarifWriter : public FindingsWriter {
 public:
  SarifWriter(json::Sink out, const Snapshot& snapshot, ReportInfo& info)
      : log_(std::move(out), analyze_run(), sarif_rules(info), snapshot.files), snapshot_(snapshot), info_(info) {
    // Addresses are looked up only when some input declares resources by address (IaC).
    auto any = [](const auto& rules) {
      return std::any_of(rules.begin(), rules.end(), [](const auto& r) { return !r.source.address.empty(); });
    };
    for (const auto& g : snapshot.groups) iac_ = iac_ || !g.address.empty() || any(g.ingress) || any(g.egress);
    for (const auto& a : snapshot.acls) iac_ = iac_ || !a.address.empty() || any(a.ingress) || any(a.egress);
  }
  void add(const Finding& f) override {
    tally_.add(f, info_);
    std::string id = finding_rule_id(f);
    sarif::Result res;
    res.rule_id = sarif_rule_id(f);
    if (!log_.has_rule(res.rule_id))
      if (auto [p, k] = kind_of(f); k) {
        SeverityCase c{f.severity, kUnexplainedCase};
        log_.declare(kind_rule(*p, *k, &c));
      }
    res.level = sarif::level_of(f.severity);
    res.message = f.fix.empty() ? f.message : fmt::format("{}. Fix: {}.", f.message, f.fix);
    res.locations.push_back(f.where);
    res.logical_name = f.resource_id;
    if (iac_) res.logical_locations = addresses(f);
    std::string rule_key;
    for (const auto& r : f.rules) rule_key += r.where.json_pointer + "|" + r.text + ";";
    res.fingerprint = sarif::fingerprint(
        fmt::format("{}|{}|{}|{}", id, f.resource_id, f.direction ? direction_name(*f.direction) : "", rule_key));
    // The identity GitHub tracks the alert by: no line and no JSON pointer, so that moving a rule
    // keeps its alert; the witness's service (not its address) tells apart two findings of one
    // rule set, such as SSH and RDP open through one all-traffic rule.
    std::string identity = fmt::format("{}|{}|{}", id, f.resource_id, f.direction ? direction_name(*f.direction) : "");
    for (const auto& r : f.rules)
      identity += fmt::format("|{} {} {}", r.resource_id, r.rule_number > 0 ? std::to_string(r.rule_number) : r.rule_id,
                              r.text);
    for (const auto& i : f.interfaces) identity += "|" + i;
    if (f.witness) identity += fmt::format("|{}/{}", f.witness->protocol, f.witness->port_key);
    res.identity = identity;
    nlohmann::json props{
        {"severity", severity_name(f.severity)}, {"resource", f.resource_id}, {"world", world_name(f.world)}};
    if (!f.controls.empty()) props["controls"] = f.controls;
    if (f.witness) props["witness"] = f.witness->str();
    if (f.reply) props["reply"] = f.reply->str();
    if (!f.interfaces.empty()) props["interfaces"] = f.interfaces;
    if (!f.ephemeral_ports.empty()) props["ephemeral-ports"] = f.ephemeral_ports;
    if (!f.regions.empty()) props["regions"] = f.regions;
    if (!f.assumptions.empty()) props["assumptions"] = f.assumptions;
    if (!f.exposure.empty())
      props["exposure"] = {
          {"packets", f.exposure}, {"addresses", f.exposed_addresses}, {"plus_members_of", f.exposure_members}};
    res.properties = props;
    log_.add(res);
  }
  void finish() override {
    log_.finish();
    if (log_.omitted() > 0)
      cli::warn(
          fmt::format("the SARIF log holds the first {} findings, as GitHub code scanning rejects more; {} more "
                      "were left out (--format json has them all)",
                      sarif::kMaxResults, log_.omitted()));
  }

 private:
  // The Terraform or CloudFormation addresses of what the finding is about: its rules' (most
  // specific first), then its resource's.
  std::vector<sarif::LogicalLocation> addresses(const Finding& f) const {
    std::vector<sarif::LogicalLocation> out;
    auto add = [&out](const std::string& a) {
      if (a.empty()) return;
      for (const auto& l : out)
        if (l.fully_qualified_name == a) return;
      out.push_back({a, a, "resource"});
    };
    auto same = [](const Location& a, const Location& b) {
      return a.file == b.file && a.json_pointer == b.json_pointer && a.line == b.line;
    };
    for (const RuleRef& r : f.rules) {
      if (r.rule_number > 0) {
        if (const NetworkAcl* acl = snapshot_.find_acl(r.resource_id))
          for (const NaclEntry& e : acl->entries(r.direction))
            if (e.rule_number == r.rule_number && same(e.source.where, r.where)) add(e.source.address.str());
      } else if (const SecurityGroup* g = snapshot_.find_group(r.resource_id)) {
        for (const SgRule& rule : g->rules(r.direction))
          if (same(rule.where(), r.where)) add(rule.source.address.str());
      }
    }
    if (const SecurityGroup* g = snapshot_.find_group(f.resource_id)) add(g->address);
    if (const NetworkAcl* a = snapshot_.find_acl(f.resource_id)) add(a->address);
    return out;
  }

  sarif::LogWriter log_;
  const Snapshot& snapshot_;
  ReportInfo& info_;
  Tally tally_;
  bool iac_ = false;
};

fmt::text_style severity_style(Severity s) {
  switch (s) {
    case Severity::Critical: return fmt::emphasis::bold | fmt::fg(fmt::terminal_color::red);
    case Severity::High: return fmt::fg(fmt::terminal_color::red);
    case Severity::Medium: return fmt::fg(fmt::terminal_color::yellow);
    case Severity::Low: return fmt::fg(fmt::terminal_color::cyan);
    default: return fmt::text_style(fmt::emphasis::faint);
  }
}

class TextWriter : public FindingsWriter {
 public:
  TextWriter(json::Sink out, const Snapshot& snapshot, ReportInfo& info, bool color)
      : out_(std::move(out)), snapshot_(snapshot), info_(info), color_(color) {}

  void add(const Finding& f) override {
    tally_.add(f, info_);
    reported_.emplace(f.pass, f.kind);
    std::string out;
    if (tally_.total == 1 || f.resource_id != current_) {
      current_ = f.resource_id;
      std::string label = current_;
      if (const SecurityGroup* g = snapshot_.find_group(current_)) {
        if (!g->name.empty()) label += fmt::format(" ({})", g->name);
        label = "security group " + label;
      } else if (snapshot_.find_acl(current_)) {
        label = "network ACL " + label;
      }
      if (tally_.total > 1) out += "\n";
      std::string file = f.where.file.empty() ? "" : "  " + f.where.file.str();
      out += paint(fmt::emphasis::bold, printable(label)) + cli::terminal_safe(file) + "\n";
    }
    out +=
        fmt::format("  {} {}{}\n", paint(severity_style(f.severity), fmt::format("{:<8}", severity_name(f.severity))),
                    finding_rule_id(f), f.direction ? fmt::format(" [{}]", direction_name(*f.direction)) : "");
    // The rest of a finding quotes the input (ids, names, descriptions): made safe as a whole.
    std::string rest;
    rest += fmt::format("           {}\n", f.message);
    for (const auto& r : f.rules) rest += fmt::format("           rule:    {}\n", ref_line(r));
    for (const auto& r : f.causes) rest += fmt::format("           because: {}\n", ref_line(r));
    if (f.witness) rest += fmt::format("           witness: {}\n", f.witness->str());
    if (f.reply) rest += fmt::format("           reply:   {}\n", f.reply->str());
    for (const auto& r : f.regions) rest += fmt::format("           region:  {}\n", r);
    if (!f.interfaces.empty()) rest += fmt::format("           on:      {}\n", fmt::join(f.interfaces, ", "));
    if (!f.ephemeral_ports.empty())
      rest += fmt::format("           ephemeral ports: {} (--ephemeral-ports)\n", f.ephemeral_ports);
    for (const auto& a : f.assumptions) rest += fmt::format("           assumes: {}\n", a);
    if (!f.exposure.empty())
      rest += fmt::format("           exposed: {} packets (address x protocol/port) from {} addresses{}\n", f.exposure,
                          f.exposed_addresses,
                          f.exposure_members.empty()
                              ? ""
                              : fmt::format(", plus the members of {}", fmt::join(f.exposure_members, ", ")));
    if (!f.controls.empty()) rest += fmt::format("           controls: {}\n", fmt::join(f.controls, ", "));
    if (f.world == World::Closed)
      rest +=
          "           world:   closed: holds for the loaded members of the referenced groups and lists, and "
          "rests on that input being complete\n";
    if (!f.fix.empty()) rest += fmt::format("           fix:     {}\n", f.fix);
    out += cli::terminal_safe(rest);
    out_(out);
  }

  void finish() override {
    std::string out;
    // What each kind reported means, from the kinds the passes declare.
    std::vector<std::string> legend;
    for (const Pass* p : all_passes())
      for (const FindingKind* k : p->kinds())
        if (reported_.count({std::string(p->name()), k->id}))
          legend.push_back(fmt::format("  {}/{}: {}", p->name(), k->id, k->help));
    if (!legend.empty()) out += fmt::format("\nwhat the kinds mean:\n{}\n", fmt::join(legend, "\n"));
    std::vector<std::string> parts;
    for (Severity s : kSeverities)
      if (tally_.by_severity[s]) parts.push_back(fmt::format("{} {}", tally_.by_severity[s], severity_name(s)));
    if (tally_.total > 0) out += "\n";
    out += fmt::format("{} finding{}{}{}", tally_.total, tally_.total == 1 ? "" : "s",
                       parts.empty() ? "" : fmt::format(" ({})", fmt::join(parts, ", ")),
                       info_.fail_on ? fmt::format("; {} at or above {}", info_.failed ? "some" : "none",
                                                   severity_name(*info_.fail_on))
                                     : "");
    out += "\n";
    if (info_.references) out += cli::terminal_safe(cli::references_text(*info_.references));
    out_(out);
  }

 private:
  std::string paint(fmt::text_style style, const std::string& s) const {
    return color_ ? fmt::format("{}", fmt::styled(s, style)) : s;
  }
  json::Sink out_;
  const Snapshot& snapshot_;
  ReportInfo& info_;
  bool color_;
  Tally tally_;
  std::string current_;
  std::set<std::pair<std::string, std::string>> reported_;
};

}  // namespace

std::unique_ptr<FindingsWriter> text_findings_writer(json::Sink out, const Snapshot& snapshot, ReportInfo& info,
                                                     bool color) {
  return std::make_unique<TextWriter>(std::move(out), snapshot, info, color);
}

std::unique_ptr<FindingsWriter> json_findings_writer(json::Sink out, ReportInfo& info) {
  return std::make_unique<JsonWriter>(std::move(out), info);
}

std::unique_ptr<FindingsWriter> sarif_findings_writer(json::Sink out, const Snapshot& snapshot, ReportInfo& info) {
  return std::make_unique<SarifWriter>(std::move(out), snapshot, info);
}

std::string findings_json(const std::vector<Finding>& findings, ReportInfo info) {
  std::string text;
  auto writer = json_findings_writer([&](std::string_view piece) { text += piece; }, info);
  for (const auto& f : findings) writer->add(f);
  writer->finish();
  return text;
}

}  // namespace sgopt
