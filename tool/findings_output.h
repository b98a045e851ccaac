// Analysis findings as text (grouped by resource), JSON (docs/analyze.schema.json) and SARIF 2.1.0.
#pragma once

#include "model/json/stream.h"
#include "model/snapshot.h"
#include "passes/finding.h"

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

namespace sgopt {

/// What a report says besides the findings.
struct ReportInfo {
  std::vector<std::string> inputs;         // the FILE arguments
  std::vector<std::string> passes;         // names of the passes run
  std::optional<Severity> fail_on;         // null: never fail
  bool failed = false;                     // some finding is at or above fail_on
  const References* references = nullptr;  // what referenced groups and lists stood for
};

/// "pass/kind": the stable id of a kind of finding (SARIF ruleId).
std::string finding_rule_id(const Finding& f);

/// A report written as findings arrive (resources in order, as run_analyses hands them out), then
/// closed with what depends on all of them: counts, the legend, whether the run failed.
class FindingsWriter {
 public:
  virtual ~FindingsWriter() = default;
  /// Writes one finding and counts it (ReportInfo::failed is updated).
  virtual void add(const Finding& f) = 0;
  /// Writes the rest of the report.
  virtual void finish() = 0;
};

/// Findings grouped by resource, for a terminal; ANSI colour when asked. The input it quotes is
/// made safe for a terminal.
std::unique_ptr<FindingsWriter> text_findings_writer(json::Sink out, const Snapshot& snapshot, ReportInfo& info,
                                                     bool color);
/// The JSON report (schema: docs/analyze.schema.json): "failed" and "summary" come after "findings".
std::unique_ptr<FindingsWriter> json_findings_writer(json::Sink out, ReportInfo& info);
/// The SARIF 2.1.0 log: one reporting descriptor per kind the passes can report; `files` are the
/// inputs the findings can point into.
std::unique_ptr<FindingsWriter> sarif_findings_writer(json::Sink out, const std::vector<std::string>& files,
                                                      ReportInfo& info);

/// The JSON report of findings already at hand, as text.
std::string findings_json(const std::vector<Finding>& findings, ReportInfo info);
/// One finding as JSON (the "findings" items of the report).
nlohmann::json finding_json(const Finding& f);

}  // namespace sgopt
