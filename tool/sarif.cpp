// SARIF 2.1.0 log building.
#include "tool/sarif.h"

#include "model/json/stream.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
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

std::string fingerprint(const std::string& text) {
  std::uint64_t h = 1469598103934665603ull;
  for (char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return fmt::format("{:016x}", h);
}

static nlohmann::json location_json(const Location& l, const std::string& logical_name) {
  // GitHub code scanning needs a region with a start line; when the input position is unknown the
  // result points at the file's first line and the JSON pointer says where inside it.
  nlohmann::json region{{"startLine", l.line > 0 ? l.line : 1}};
  nlohmann::json loc{{"physicalLocation", {{"artifactLocation", {{"uri", l.file}}}, {"region", region}}}};
  nlohmann::json logical = nlohmann::json::array();
  if (!l.json_pointer.empty()) logical.push_back({{"fullyQualifiedName", l.json_pointer}, {"kind", "object"}});
  if (!logical_name.empty()) logical.push_back({{"name", logical_name}, {"kind", "resource"}});
  if (!logical.empty()) loc["logicalLocations"] = logical;
  if (!l.json_pointer.empty()) loc["properties"] = {{"jsonPointer", l.json_pointer}};
  return loc;
}

LogWriter::LogWriter(std::function<void(std::string_view)> out, const std::string& tool_name,
                     const std::string& tool_version, const std::string& information_uri,
                     const std::vector<Rule>& rules, const std::vector<std::string>& files)
    : out_(std::move(out)) {
  nlohmann::json jrules = nlohmann::json::array();
  for (const auto& r : rules) {
    rule_index_.emplace(r.id, jrules.size());
    nlohmann::json jr{{"id", r.id},
                      {"shortDescription", {{"text", r.short_description}}},
                      {"defaultConfiguration", {{"level", level_name(r.default_level)}}}};
    if (!r.name.empty()) jr["name"] = r.name;
    if (!r.full_description.empty()) jr["fullDescription"] = {{"text", r.full_description}};
    if (!r.help_uri.empty()) jr["helpUri"] = r.help_uri;
    if (!r.help_text.empty()) jr["help"] = {{"text", r.help_text}};
    nlohmann::json props = nlohmann::json::object();
    if (!r.security_severity.empty()) props["security-severity"] = r.security_severity;
    if (!r.tags.empty()) props["tags"] = r.tags;
    if (!props.empty()) jr["properties"] = props;
    jrules.push_back(std::move(jr));
  }
  nlohmann::json artifacts = nlohmann::json::array();
  for (const auto& f : files)
    if (file_index_.emplace(f, artifacts.size()).second) artifacts.push_back({{"location", {{"uri", f}}}});

  nlohmann::json driver{{"name", tool_name}, {"version", tool_version}, {"rules", jrules}};
  if (!information_uri.empty()) driver["informationUri"] = information_uri;
  // The log is dumped once around a marker that stands where the results go.
  const std::string marker = "\x01results\x01";
  nlohmann::json run{{"tool", {{"driver", driver}}}, {"results", {marker}}, {"columnKind", "unicodeCodePoints"}};
  if (!artifacts.empty()) run["artifacts"] = artifacts;
  nlohmann::json log{{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
                     {"version", "2.1.0"},
                     {"runs", nlohmann::json::array({run})}};
  std::string text = log.dump(2);
  std::string quoted = nlohmann::json(marker).dump();
  std::size_t at = text.find(quoted);
  std::size_t line = text.rfind('\n', at) + 1;
  indent_ = text.substr(line, at - line);
  head_ = text.substr(0, line);
  tail_ = text.substr(at + quoted.size());  // "\n   ]..." after the last result
  run["results"] = nlohmann::json::array();
  empty_ = nlohmann::json{{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
                          {"version", "2.1.0"},
                          {"runs", nlohmann::json::array({run})}}
               .dump(2);
}

void LogWriter::add(const Result& res) {
  auto it = rule_index_.find(res.rule_id);
  if (it == rule_index_.end()) throw std::logic_error("SARIF result names an undeclared rule: " + res.rule_id);
  nlohmann::json jr{{"ruleId", res.rule_id},
                    {"ruleIndex", it->second},
                    {"level", level_name(res.level)},
                    {"message", {{"text", res.message}}}};
  nlohmann::json locs = nlohmann::json::array();
  for (const auto& l : res.locations) {
    if (l.file.empty()) continue;
    auto ai = file_index_.find(std::string(l.file));
    if (ai == file_index_.end()) throw std::logic_error("SARIF result names an undeclared file: " + l.file.str());
    auto jl = location_json(l, locs.empty() ? res.logical_name : "");
    jl["physicalLocation"]["artifactLocation"]["index"] = ai->second;
    locs.push_back(std::move(jl));
  }
  if (!locs.empty()) jr["locations"] = locs;
  if (!res.fingerprint.empty()) jr["partialFingerprints"] = {{"sgoptFinding/v1", res.fingerprint}};
  if (!res.properties.is_null()) jr["properties"] = res.properties;
  out_(written_++ == 0 ? head_ : ",\n");
  out_(indent_ + json::dump_nested(jr, 2, indent_));
}

void LogWriter::finish() { out_(written_ == 0 ? empty_ : tail_); }

std::string make_log(const std::string& tool_name, const std::string& tool_version, const std::string& information_uri,
                     const std::vector<Rule>& rules, const std::vector<Result>& results) {
  std::vector<std::string> files;
  for (const auto& res : results)
    for (const auto& l : res.locations)
      if (!l.file.empty() && std::find(files.begin(), files.end(), l.file.str()) == files.end())
        files.push_back(l.file.str());
  std::string text;
  LogWriter writer([&text](std::string_view piece) { text += piece; }, tool_name, tool_version, information_uri, rules,
                   files);
  for (const auto& res : results) writer.add(res);
  writer.finish();
  return text;
}

}  // namespace sgopt::sarif
