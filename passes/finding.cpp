// Findings: severity names and the references that point at the user's input.
#include "passes/finding.h"

#include "model/protocol.h"
#include "model/rule_text.h"

#include <array>
#include <stdexcept>

namespace sgopt {

namespace {
constexpr std::array<const char*, 5> kSeverityNames = {"info", "low", "medium", "high", "critical"};
}

const char* severity_name(Severity s) { return kSeverityNames.at(static_cast<std::size_t>(s)); }

std::optional<Severity> parse_severity(const std::string& s) {
  for (std::size_t i = 0; i < kSeverityNames.size(); ++i)
    if (s == kSeverityNames[i]) return static_cast<Severity>(i);
  return std::nullopt;
}

RuleRef sg_rule_ref(const std::string& group_id, Direction d, const SgRule& rule) {
  RuleRef r;
  r.resource_id = group_id;
  r.direction = d;
  r.permission_index = rule.source.permission_index;
  r.rule_id = rule.source.rule_id;
  r.peer = rule.source.peer_text.empty() ? rule.peer.str() : rule.source.peer_text;
  r.protocol = protocol_name(rule.protocol);
  r.ports = ports_text(rule.protocol, rule.from_port, rule.to_port);
  r.text = sg_rule_text(rule);
  r.description = rule.source.description;
  r.where = rule.where();
  return r;
}

RuleRef nacl_entry_ref(const std::string& acl_id, const NaclEntry& entry) {
  RuleRef r;
  r.resource_id = acl_id;
  r.direction = entry.direction;
  r.rule_number = entry.rule_number;
  r.allow = entry.allow;
  r.peer = entry.cidr.str();
  r.protocol = protocol_name(entry.protocol);
  r.ports = nacl_ports_text(entry);
  r.text = nacl_entry_text(entry);
  r.description = entry.source.description;
  r.where = entry.source.where;
  return r;
}

void require_confirmed(bool confirmed, const Finding& f) {
  if (!confirmed)
    throw std::logic_error("internal error: the reference evaluator does not confirm the witness of " + f.pass + "/" +
                           f.kind + " on " + f.resource_id);
}

}  // namespace sgopt
