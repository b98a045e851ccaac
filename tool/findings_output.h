// Analysis findings as text (grouped by resource), JSON (docs/analyze.schema.json) and SARIF 2.1.0.
#pragma once

#include "model/json/stream.h"
#include "model/snapshot.h"
#include "passes/finding.h"

#include <nlohmann/json.hpp>

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
/// Findings grouped by resource (in the order given), for a terminal; ANSI colour when asked.
std::string findings_text(const std::vector<Finding>& findings, const Snapshot& snapshot, const ReportInfo& info,
                          bool color);
/// The JSON report (schema: docs/analyze.schema.json), written to `out` one finding at a time.
void write_findings_json(const json::Sink& out, const std::vector<Finding>& findings, const ReportInfo& info);
/// The same report as text (dump(2) of it, and a newline).
std::string findings_json(const std::vector<Finding>& findings, const ReportInfo& info);
/// One finding as JSON (the "findings" items of the report).
nlohmann::json finding_json(const Finding& f);
/// The SARIF 2.1.0 log: one reporting descriptor per kind the passes can report.
nlohmann::json findings_sarif(const std::vector<Finding>& findings, const ReportInfo& info);

}  // namespace sgopt
