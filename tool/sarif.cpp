// SARIF 2.1.0 log building.
#include "tool/sarif.h"

#include "model/json/stream.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <map>
#include <stdexcept>

namespace sgopt::sarif {

const char* level_name(Level l) {
  switch (l) {
    case Level::None: return "none";
    case Level::Note: return "note";
    case Level::Warning: return "warning";
    case Level::Error: return "error";
  }
  return "warning";
}

Level level_of(Severity s) {
  switch (s) {
    case Severity::Critical:
    case Severity::High: return Level::Error;
    case Severity::Medium: return Level::Warning;
    default: return Level::Note;
  }
}

const char* security_severity_of(Severity s) {
  switch (s) {
    case Severity::Critical: return "9.5";
    case Severity::High: return "8.0";
    case Severity::Medium: return "5.5";
    case Severity::Low: return "3.0";
    default: return "1.0";
  }
}

namespace {

// Our own sentences as Markdown: characters Markdown or HTML would read are escaped.
std::string md(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (std::string_view("\\`*_[]<>|#").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

Rule make_rule(const std::string& id, const std::string& name, const RuleHelp& help, Severity severity,
               const std::string& concern, const std::string& help_uri) {
  Rule r;
  r.id = id;
  r.name = name;
  r.short_description = help.summary;
  r.full_description = help.summary + " " + help.why;
  if (!help.note.empty()) r.full_description += " " + help.note;
  r.help_uri = help_uri;
  r.default_level = level_of(severity);
  bool security = concern == "security";
  if (security) r.security_severity = security_severity_of(severity);
  std::string rating =
      security ? fmt::format("Severity: {} (security severity {}).", severity_name(severity), r.security_severity)
               : fmt::format("Severity: {} ({} issue, not a security one).", severity_name(severity), concern);
  r.help_text = fmt::format("{}\n\nWhy it matters: {}\n\nHow to fix: {}\n\n", help.summary, help.why, help.fix);
  r.help_markdown = fmt::format("{}\n\n**Why it matters.** {}\n\n**How to fix.** {}\n\n", md(help.summary),
                                md(help.why), md(help.fix));
  if (!help.note.empty()) {
    r.help_text += help.note + "\n\n";
    r.help_markdown += md(help.note) + "\n\n";
  }
  r.help_text += rating;
  r.help_markdown += md(rating);
  if (!help.context.empty()) {
    r.help_text += " " + help.context;
    r.help_markdown += " " + md(help.context);
  }
  if (!help_uri.empty()) {
    r.help_text += "\n\nAWS documentation: " + help_uri;
    r.help_markdown += fmt::format("\n\n[AWS documentation]({})", help_uri);
  }
  r.tags = {concern, "aws"};
  // Every claim is checked: witnesses by the reference evaluator, verdicts by Z3.
  r.precision = "very-high";
  return r;
}

std::string fingerprint(const std::string& text) {
  std::uint64_t h = 1469598103934665603ull;
  for (char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return fmt::format("{:016x}", h);
}

std::string percent_encode_path(std::string_view path) {
  std::string out;
  for (char ch : path) {
    auto c = static_cast<unsigned char>(ch);
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
                c == '_' || c == '~' || c == '/';
    out += keep ? std::string(1, ch) : fmt::format("%{:02X}", c);
  }
  return out;
}

std::string folder_uri(const std::string& folder) {
  std::string path = std::filesystem::path(folder).lexically_normal().generic_string();
  if (path.empty() || path.back() != '/') path += '/';
  return "file://" + percent_encode_path(path);
}

ArtifactUri artifact_uri(const std::string& path, const std::string& root) {
  // GitHub rejects the whole upload when a result has no physical location ("expected at least
  // one location", "expected a physical location"), and when an absolute URI's scheme differs from
  // the checkout's file: root, so standard input can be neither a logical location alone nor a
  // URI of its own scheme. It is the relative reference "%3Cstdin%3E" ("<stdin>"), with no base:
  // accepted, shown without a snippet, and no file of a repository can be named so by accident.
  if (path == kStdinName) return {percent_encode_path(path), false};
  namespace fs = std::filesystem;
  const fs::path base = fs::path(root).lexically_normal();
  fs::path p = fs::path(path);
  if (p.is_relative()) p = base / p;
  p = p.lexically_normal();
  fs::path rel = p.lexically_relative(base);
  if (!rel.empty() && *rel.begin() != ".." && rel != ".") return {percent_encode_path(rel.generic_string()), true};
  return {"file://" + percent_encode_path(p.generic_string()), false};
}

// The results go where this string is in the log's dump: the tool (its rules) comes after them,
// as keys are sorted, so that rules can be declared while results are written.
static const std::string kMarker = "\x01results\x01";

nlohmann::json LogWriter::log_json(bool with_marker) const {
  nlohmann::json driver{{"name", run_.tool_name}, {"version", run_.tool_version}, {"rules", rules_}};
  if (!run_.information_uri.empty()) driver["informationUri"] = run_.information_uri;
  nlohmann::json run{{"tool", {{"driver", driver}}},
                     {"results", with_marker ? nlohmann::json::array({kMarker}) : nlohmann::json::array()},
                     {"columnKind", "unicodeCodePoints"},
                     {"originalUriBaseIds", {{kSourceRoot, {{"uri", root_uri_}}}}}};
  if (!run_.automation_id.empty()) run["automationDetails"] = {{"id", run_.automation_id}};
  if (!artifacts_.empty()) run["artifacts"] = artifacts_;
  return {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
          {"version", "2.1.0"},
          {"runs", nlohmann::json::array({run})}};
}

LogWriter::LogWriter(std::function<void(std::string_view)> out, RunInfo run, const std::vector<Rule>& rules,
                     const std::vector<std::string>& files)
    : out_(std::move(out)), run_(std::move(run)) {
  if (run_.source_root.empty()) run_.source_root = std::filesystem::current_path().string();
  root_uri_ = folder_uri(run_.source_root);
  for (const auto& r : rules) declare(r);
  for (const auto& f : files) {
    if (!file_index_.emplace(f, artifacts_.size()).second) continue;
    ArtifactUri a = artifact_uri(f, run_.source_root);
    nlohmann::json loc{{"uri", a.uri}};
    if (a.relative) loc["uriBaseId"] = kSourceRoot;
    nlohmann::json artifact{{"location", loc}};
    if (f == kStdinName) artifact["description"] = {{"text", "standard input"}};
    artifacts_.push_back(std::move(artifact));
    file_locations_.push_back(std::move(loc));
  }
  std::string text = log_json(true).dump(2);
  std::string quoted = nlohmann::json(kMarker).dump();
  std::size_t at = text.find(quoted);
  std::size_t line = text.rfind('\n', at) + 1;
  indent_ = text.substr(line, at - line);
  head_ = text.substr(0, line);
}

void LogWriter::declare(const Rule& r) {
  if (!rule_index_.emplace(r.id, rules_.size()).second) return;
  nlohmann::json jr{{"id", r.id},
                    {"shortDescription", {{"text", r.short_description}}},
                    {"defaultConfiguration", {{"level", level_name(r.default_level)}}}};
  if (!r.name.empty()) jr["name"] = r.name;
  if (!r.full_description.empty()) jr["fullDescription"] = {{"text", r.full_description}};
  if (!r.help_uri.empty()) jr["helpUri"] = r.help_uri;
  if (!r.help_text.empty()) {
    jr["help"] = {{"text", r.help_text}};
    if (!r.help_markdown.empty()) jr["help"]["markdown"] = r.help_markdown;
  }
  nlohmann::json props = nlohmann::json::object();
  if (!r.security_severity.empty()) props["security-severity"] = r.security_severity;
  if (!r.tags.empty()) props["tags"] = r.tags;
  if (!r.precision.empty()) props["precision"] = r.precision;
  if (!props.empty()) jr["properties"] = props;
  rules_.push_back(std::move(jr));
}

nlohmann::json LogWriter::location_json(const Location& l, const Result& res, bool primary) const {
  // GitHub code scanning needs a region with a start line; when the input position is unknown the
  // result points at the file's first line and the JSON pointer says where inside it. The column
  // is not known (a Location holds the line only), so the region has none.
  nlohmann::json region{{"startLine", l.line > 0 ? l.line : 1}};
  if (l.line > 0) region["endLine"] = l.line;
  auto ai = file_index_.find(std::string(l.file));
  if (ai == file_index_.end()) throw std::logic_error("SARIF result names an undeclared file: " + l.file.str());
  nlohmann::json artifact = file_locations_[ai->second];
  artifact["index"] = ai->second;
  nlohmann::json loc{{"physicalLocation", {{"artifactLocation", artifact}, {"region", region}}}};
  nlohmann::json logical = nlohmann::json::array();
  if (!l.json_pointer.empty()) logical.push_back({{"fullyQualifiedName", l.json_pointer}, {"kind", "object"}});
  if (primary) {
    if (!res.logical_name.empty()) logical.push_back({{"name", res.logical_name}, {"kind", "resource"}});
    for (const auto& ll : res.logical_locations) {
      nlohmann::json j = nlohmann::json::object();
      if (!ll.name.empty()) j["name"] = ll.name;
      if (!ll.fully_qualified_name.empty()) j["fullyQualifiedName"] = ll.fully_qualified_name;
      if (!ll.kind.empty()) j["kind"] = ll.kind;
      logical.push_back(std::move(j));
    }
  }
  if (!logical.empty()) loc["logicalLocations"] = logical;
  if (!l.json_pointer.empty()) loc["properties"] = {{"jsonPointer", l.json_pointer}};
  return loc;
}

void LogWriter::add(const Result& res) {
  auto it = rule_index_.find(res.rule_id);
  if (it == rule_index_.end()) throw std::logic_error("SARIF result names an undeclared rule: " + res.rule_id);
  if (written_ >= run_.max_results) {
    ++omitted_;
    return;
  }
  nlohmann::json jr{{"ruleId", res.rule_id},
                    {"ruleIndex", it->second},
                    {"level", level_name(res.level)},
                    {"message", {{"text", res.message}}}};
  nlohmann::json locs = nlohmann::json::array();
  for (const auto& l : res.locations)
    if (!l.file.empty()) locs.push_back(location_json(l, res, locs.empty()));
  if (!locs.empty()) jr["locations"] = locs;
  // GitHub's own fingerprint is "<hash of the line's text>:<which such line in the file>"; this
  // one hashes what the result is about, and counts the results of the run that share it.
  std::string hash = fingerprint(res.identity.empty() ? res.rule_id + "|" + res.message : res.identity);
  jr["partialFingerprints"] = {{"primaryLocationLineHash", fmt::format("{}:{}", hash, ++hashes_[hash])}};
  if (!res.fingerprint.empty()) jr["partialFingerprints"]["sgoptFinding/v1"] = res.fingerprint;
  if (!res.properties.is_null()) jr["properties"] = res.properties;
  out_(written_++ == 0 ? head_ : ",\n");
  out_(indent_ + json::dump_nested(jr, 2, indent_));
}

void LogWriter::finish() {
  if (written_ == 0) {
    out_(log_json(false).dump(2));
    return;
  }
  std::string text = log_json(true).dump(2);
  std::string quoted = nlohmann::json(kMarker).dump();
  std::size_t at = text.find(quoted);
  if (text.compare(0, head_.size(), head_) != 0)
    throw std::logic_error("SARIF log: what precedes the results changed while they were written");
  out_(text.substr(at + quoted.size()));  // "\n   ]..." after the last result
}

std::string make_log(const RunInfo& run, const std::vector<Rule>& rules, const std::vector<Result>& results,
                     std::size_t* omitted) {
  std::vector<std::string> files;
  for (const auto& res : results)
    for (const auto& l : res.locations)
      if (!l.file.empty() && std::find(files.begin(), files.end(), l.file.str()) == files.end())
        files.push_back(l.file.str());
  std::string text;
  LogWriter writer([&text](std::string_view piece) { text += piece; }, run, rules, files);
  for (const auto& res : results) writer.add(res);
  writer.finish();
  if (omitted) *omitted = writer.omitted();
  return text;
}

}  // namespace sgopt::sarif
