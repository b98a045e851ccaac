// Analysis findings as text (grouped by resource), JSON (docs/analyze.schema.json) and SARIF 2.1.0.
#pragma once

#include "model/json/stream.h"
#include "model/snapshot.h"
#include "passes/finding.h"
#include "tool/sarif.h"

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
/// The SARIF 2.1.0 log for GitHub code scanning (category "sgopt/analyze/"): one rule per kind the
/// passes can report and per other severity a kind is reported at (a rule has one severity),
/// results pointing into the snapshot's files, with the Terraform or CloudFormation addresses of
/// the resources and rules as logical locations.
std::unique_ptr<FindingsWriter> sarif_findings_writer(json::Sink out, const Snapshot& snapshot, ReportInfo& info);
/// The rules sarif_findings_writer declares before any finding, in order.
std::vector<sarif::Rule> sarif_rules(const ReportInfo& info);
/// The SARIF rule id of a finding: finding_rule_id, with "/severity" when the finding's severity
/// is not its kind's default.
std::string sarif_rule_id(const Finding& f);

/// The JSON report of findings already at hand, as text.
std::string findings_json(const std::vector<Finding>& findings, ReportInfo info);
/// One finding as JSON (the "findings" items of the report).
nlohmann::json finding_json(const Finding& f);

}  // namespace sgopt
