// Generic SARIF 2.1.0 writing, shaped for GitHub code scanning: rule metadata, levels, and a
// location in the input file (region line plus the JSON pointer as a logical location).
#pragma once

#include "model/diagnostic.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace sgopt::sarif {

/// SARIF result levels.
enum class Level { None, Note, Warning, Error };
const char* level_name(Level l);  // "none", "note", "warning", "error"

/// One reportingDescriptor in tool.driver.rules.
struct Rule {
  std::string id;                 // stable, e.g. "overly-permissive/open-admin-port"
  std::string name;               // PascalCase, e.g. "OpenAdminPort"
  std::string short_description;  // one sentence
  std::string full_description;   // optional
  std::string help_uri;           // optional
  std::string help_text;          // optional
  Level default_level = Level::Warning;
  std::string security_severity;  // optional GitHub "security-severity" ("0.0".."10.0")
  std::vector<std::string> tags;  // optional
};

/// One result.
struct Result {
  std::string rule_id;
  Level level = Level::Warning;
  std::string message;
  std::vector<Location> locations;  // the first is the primary one
  std::string logical_name;         // e.g. the resource id; optional
  std::string fingerprint;          // stable identity across runs; optional
  nlohmann::json properties;        // optional property bag (null when unused)
};

/// A SARIF log with one run, written as its results arrive: the text dump(2) of the whole log
/// would be. Rules are written in the order given; results reference them by id and index, and
/// their files by index in `files` (run.artifacts). Locations with an empty file are skipped.
class LogWriter {
 public:
  LogWriter(std::function<void(std::string_view)> out, const std::string& tool_name, const std::string& tool_version,
            const std::string& information_uri, const std::vector<Rule>& rules, const std::vector<std::string>& files);
  /// Writes one result; a rule or a file not declared is an internal error (std::logic_error).
  void add(const Result& result);
  /// Writes the rest of the log.
  void finish();

 private:
  std::function<void(std::string_view)> out_;
  std::map<std::string, std::size_t> rule_index_, file_index_;
  std::string head_, tail_, indent_;  // the log around its results, and a result's indentation
  std::string empty_;                 // the whole log when it has no results
  std::size_t written_ = 0;
};

/// The whole log at once, as text: the files are those the results name, in order of first use.
std::string make_log(const std::string& tool_name, const std::string& tool_version,
                        const std::string& information_uri, const std::vector<Rule>& rules,
                        const std::vector<Result>& results);

/// A stable hex fingerprint of a string (FNV-1a 64), for partialFingerprints.
std::string fingerprint(const std::string& text);

}  // namespace sgopt::sarif
