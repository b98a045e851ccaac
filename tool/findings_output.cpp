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
#include <map>
#include <set>

namespace sgopt {

std::string finding_rule_id(const Finding& f) { return f.pass + "/" + f.kind; }

namespace {

sarif::Level sarif_level(Severity s) {
  switch (s) {
    case Severity::Critical:
    case Severity::High: return sarif::Level::Error;
    case Severity::Medium: return sarif::Level::Warning;
    default: return sarif::Level::Note;
  }
}

const char* security_severity(Severity s) {
  switch (s) {
    case Severity::Critical: return "9.5";
    case Severity::High: return "8.0";
    case Severity::Medium: return "5.5";
    case Severity::Low: return "3.0";
    default: return "1.0";
  }
}

// ----- pieces shared by the renderings -----

std::string ref_line(const RuleRef& r) {
  std::string head = r.rule_number > 0
                         ? fmt::format("{} {} entry {}", r.resource_id, direction_name(r.direction),
                                       r.rule_number == kNaclDefaultDenyV4 || r.rule_number == kNaclDefaultDenyV6
                                           ? std::string("*")
                                           : std::to_string(r.rule_number))
                         : fmt::format("{} permission {} peer {}", r.resource_id, r.permission_index, r.peer);
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

std::vector<sarif::Rule> sarif_rules(const ReportInfo& info) {
  std::vector<sarif::Rule> rules;
  for (const Pass* p : all_passes()) {
    if (std::find(info.passes.begin(), info.passes.end(), p->name()) == info.passes.end()) continue;
    for (const FindingKind* k : p->kinds()) {
      sarif::Rule r;
      r.id = fmt::format("{}/{}", p->name(), k->id);
      r.name = k->title;
      r.short_description = k->help;
      r.help_uri = k->help_uri;
      r.default_level = sarif_level(k->severity);
      r.security_severity = security_severity(k->severity);
      r.tags = {"security", "aws"};
      rules.push_back(std::move(r));
    }
  }
  return rules;
}

class SarifWriter : public FindingsWriter {
 public:
  SarifWriter(json::Sink out, const std::vector<std::string>& files, ReportInfo& info)
      : log_(std::move(out), "sgopt", SGOPT_VERSION, "", sarif_rules(info), files), info_(info) {}
  void add(const Finding& f) override {
    tally_.add(f, info_);
    std::string id = finding_rule_id(f);
    sarif::Result res;
    res.rule_id = id;
    res.level = sarif_level(f.severity);
    res.message = f.fix.empty() ? f.message : fmt::format("{}. Fix: {}.", f.message, f.fix);
    res.locations.push_back(f.where);
    res.logical_name = f.resource_id;
    std::string rule_key;
    for (const auto& r : f.rules) rule_key += r.where.json_pointer + "|" + r.text + ";";
    res.fingerprint = sarif::fingerprint(
        fmt::format("{}|{}|{}|{}", id, f.resource_id, f.direction ? direction_name(*f.direction) : "", rule_key));
    nlohmann::json props{{"severity", severity_name(f.severity)},
                         {"security-severity", security_severity(f.severity)},
                         {"resource", f.resource_id},
                         {"world", world_name(f.world)}};
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
  void finish() override { log_.finish(); }

 private:
  sarif::LogWriter log_;
  ReportInfo& info_;
  Tally tally_;
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

std::unique_ptr<FindingsWriter> sarif_findings_writer(json::Sink out, const std::vector<std::string>& files,
                                                      ReportInfo& info) {
  return std::make_unique<SarifWriter>(std::move(out), files, info);
}

std::string findings_json(const std::vector<Finding>& findings, ReportInfo info) {
  std::string text;
  auto writer = json_findings_writer([&](std::string_view piece) { text += piece; }, info);
  for (const auto& f : findings) writer->add(f);
  writer->finish();
  return text;
}

}  // namespace sgopt
