// Generic SARIF 2.1.0 writing, shaped for GitHub code scanning: rule metadata, levels, and a
// location in the input file (region line plus the JSON pointer as a logical location), with
// what GitHub's upload rules ask beyond the schema: a category per command, valid URIs relative to
// %SRCROOT%, a primaryLocationLineHash per result, at most 25,000 results.
#pragma once

#include "model/diagnostic.h"
#include "passes/finding.h"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace sgopt::sarif {

/// SARIF result levels.
enum class Level { None, Note, Warning, Error };
const char* level_name(Level l);  // "none", "note", "warning", "error"

/// GitHub rejects a run with more results than this.
inline constexpr std::size_t kMaxResults = 25000;
/// The uriBaseId of paths relative to the folder sgopt ran in (run.originalUriBaseIds).
inline constexpr const char* kSourceRoot = "%SRCROOT%";
/// What the loader calls standard input (model/aws/loader.cpp).
inline constexpr const char* kStdinName = "<stdin>";

/// One reportingDescriptor in tool.driver.rules. GitHub shows the full description at the top of
/// an alert and the help beside it; every rule should have both.
struct Rule {
  std::string id;                 // stable, e.g. "overly-permissive/open-admin-port"
  std::string name;               // PascalCase, e.g. "OpenAdminPort"
  std::string short_description;  // one sentence
  std::string full_description;   // what the rule means and why it matters
  std::string help_uri;           // optional
  std::string help_text;          // what it means, why it matters, how to fix it
  std::string help_markdown;      // the same as Markdown; optional
  Level default_level = Level::Warning;
  /// GitHub's "security-severity" ("0.0".."10.0"), read from the rule: for rules tagged
  /// "security" only, and then required.
  std::string security_severity;
  std::vector<std::string> tags;  // "security", "maintainability", ...
  std::string precision;          // optional: "very-high", "high", "medium", "low"
};

/// What a rule tells the person reading its alert, in parts; make_rule writes them out.
struct RuleHelp {
  std::string summary;  // what it means, one sentence
  std::string why;      // why it matters
  std::string fix;      // how to fix it
  std::string note;     // optional: when this rule rather than its sibling applies
  std::string context;  // optional: where the rule comes from (the pass, the command)
};

/// One of sgopt's rules: exactly one severity, which sets its level (critical and high: error,
/// medium: warning, low and info: note) and, when `concern` is "security", its security severity;
/// tags `concern` and "aws"; the full description and help (text and Markdown) from `help`.
Rule make_rule(const std::string& id, const std::string& name, const RuleHelp& help, Severity severity,
               const std::string& concern, const std::string& help_uri = "");
/// The SARIF level of a severity.
Level level_of(Severity s);
/// GitHub's security severity of a severity: critical 9.5, high 8.0, medium 5.5, low 3.0, info 1.0
/// (GitHub reads 9.0 and up as critical, 7.0 as high, 4.0 as medium, above 0 as low).
const char* security_severity_of(Severity s);

/// A logical location of a result: a resource by id or by the address that declares it.
struct LogicalLocation {
  std::string name;
  std::string fully_qualified_name;
  std::string kind;  // "resource", "object"
};

/// One result.
struct Result {
  std::string rule_id;
  Level level = Level::Warning;
  std::string message;
  std::vector<Location> locations;  // the first is the primary one
  std::string logical_name;         // e.g. the resource id; optional
  /// More logical locations of the primary location (Terraform addresses), after the JSON
  /// pointer and logical_name.
  std::vector<LogicalLocation> logical_locations;
  std::string fingerprint;  // sgoptFinding/v1: stable identity across runs; optional
  /// What the result is about without any position (rule, resource, the finding's own identity):
  /// hashed into primaryLocationLineHash, so that a rule moving in its file keeps its alert.
  /// Empty: the rule id and the message.
  std::string identity;
  nlohmann::json properties;  // optional property bag (null when unused)
};

/// What a run says about itself.
struct RunInfo {
  std::string tool_name = "sgopt";
  std::string tool_version;
  std::string information_uri;
  /// runs[].automationDetails.id, which GitHub takes for the upload's category: two commands
  /// whose ids differ do not replace each other's alerts ("sgopt/analyze/").
  std::string automation_id;
  /// The absolute folder relative paths are relative to (kSourceRoot); empty: the current one.
  std::string source_root;
  /// Results past this many are counted (LogWriter::omitted), not written.
  std::size_t max_results = kMaxResults;
};

/// A SARIF log with one run, written as its results arrive: the text dump(2) of the whole log
/// would be. Rules are written in the order declared; results reference them by id and index, and
/// their files by index in `files` (run.artifacts). Locations with an empty file are skipped.
class LogWriter {
 public:
  LogWriter(std::function<void(std::string_view)> out, RunInfo run, const std::vector<Rule>& rules,
            const std::vector<std::string>& files);
  bool has_rule(const std::string& id) const { return rule_index_.count(id) > 0; }
  /// Declares one more rule (one already declared is kept as it is); any time before finish().
  void declare(const Rule& rule);
  /// Writes one result; a rule or a file not declared is an internal error (std::logic_error).
  void add(const Result& result);
  /// Writes the rest of the log.
  void finish();
  /// How many results were left out past RunInfo::max_results.
  std::size_t omitted() const { return omitted_; }

 private:
  nlohmann::json log_json(bool with_marker) const;
  nlohmann::json location_json(const Location& l, const Result& res, bool primary) const;

  std::function<void(std::string_view)> out_;
  RunInfo run_;
  std::string root_uri_;  // file:///...the source root.../
  nlohmann::json rules_ = nlohmann::json::array(), artifacts_ = nlohmann::json::array();
  std::map<std::string, std::size_t> rule_index_, file_index_;
  std::vector<nlohmann::json> file_locations_;  // each file's artifactLocation, by index
  std::map<std::string, std::size_t> hashes_;   // how often each primaryLocationLineHash was given
  std::string head_, indent_;                   // the log before its results, and a result's indentation
  std::size_t written_ = 0, omitted_ = 0;
};

/// The whole log at once, as text: the files are those the results name, in order of first use.
/// `omitted`, when given, receives how many results were left out past RunInfo::max_results.
std::string make_log(const RunInfo& run, const std::vector<Rule>& rules, const std::vector<Result>& results,
                     std::size_t* omitted = nullptr);

/// A stable hex fingerprint of a string (FNV-1a 64), for partialFingerprints.
std::string fingerprint(const std::string& text);

/// Every byte but RFC 3986's unreserved ones (letters, digits, - . _ ~) and '/' as %XX: a path
/// made a valid URI path, whatever it holds (spaces, %, #, ?, non-ASCII).
std::string percent_encode_path(std::string_view path);
/// The URI of a folder, with the trailing slash a base URI needs: "/work/a b" -> "file:///work/a%20b/".
std::string folder_uri(const std::string& folder);

/// An input file as a SARIF artifact location.
struct ArtifactUri {
  std::string uri;
  bool relative = false;  // relative to kSourceRoot (uriBaseId)
};
/// `path` relative to `root` (an absolute folder) when it lies inside it, else an absolute file:
/// URI; standard input (kStdinName) as a relative reference that names no file.
ArtifactUri artifact_uri(const std::string& path, const std::string& root);

}  // namespace sgopt::sarif
