// AWS CLI plans of rule changes.
#include "model/aws/cli_plan.h"

#include "model/aws/writer.h"
#include "model/json/json.h"
#include "model/protocol.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <tuple>

namespace sgopt {
namespace {

using Json = json::Json;

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

struct Plan {
  std::vector<std::string> commands;
  Json steps = Json::array();
  bool every_step_equivalent = true;
  std::vector<std::string> notes;
};

void add_sg_steps(Plan& plan, const std::vector<SgChange>& changes, bool authorize) {
  for (const SgChange& c : changes) {
    const auto& rules = authorize ? c.authorize : c.revoke;
    if (rules.empty()) continue;
    std::string action = fmt::format("{}-security-group-{}", authorize ? "authorize" : "revoke",
                                     c.direction == Direction::Ingress ? "ingress" : "egress");
    std::string perms = ip_permissions_json(rules, authorize);
    plan.commands.push_back(
        fmt::format("aws ec2 {} --group-id {} --ip-permissions {}", action, c.group_id, shell_quote(perms)));
    plan.steps.push_back({{"action", action}, {"group_id", c.group_id}, {"ip_permissions", Json::parse(perms)}});
  }
}

void add_nacl_steps(Plan& plan, const std::string& acl_id, Direction d, const NaclPlan& np) {
  const char* dir = d == Direction::Ingress ? "--ingress" : "--egress";
  for (const NaclStep& s : np.steps) {
    const char* action = s.action == NaclStep::Action::Create    ? "create-network-acl-entry"
                         : s.action == NaclStep::Action::Replace ? "replace-network-acl-entry"
                                                                 : "delete-network-acl-entry";
    Json step{{"action", action},
              {"network_acl_id", acl_id},
              {"egress", d == Direction::Egress},
              {"rule_number", s.rule_number}};
    std::string cmd =
        fmt::format("aws ec2 {} --network-acl-id {} {} --rule-number {}", action, acl_id, dir, s.rule_number);
    if (s.action != NaclStep::Action::Delete) {
      const NaclEntry& e = s.entry;
      std::string cidr_opt = e.cidr.family == Family::V4 ? "--cidr-block" : "--ipv6-cidr-block";
      cmd += fmt::format(" --protocol {} --rule-action {} {} {}", e.protocol, e.allow ? "allow" : "deny", cidr_opt,
                         e.cidr.str());
      step["protocol"] = std::to_string(e.protocol);
      step["rule_action"] = e.allow ? "allow" : "deny";
      step[e.cidr.family == Family::V4 ? "cidr_block" : "ipv6_cidr_block"] = e.cidr.str();
      if (e.port_range) {
        cmd += fmt::format(" --port-range From={},To={}", e.port_range->from, e.port_range->to);
        step["port_range"] = {{"From", e.port_range->from}, {"To", e.port_range->to}};
      }
      if (e.icmp) {
        cmd += fmt::format(" --icmp-type-code Type={},Code={}", e.icmp->type, e.icmp->code);
        step["icmp_type_code"] = {{"Type", e.icmp->type}, {"Code", e.icmp->code}};
      }
    }
    plan.commands.push_back(cmd);
    plan.steps.push_back(std::move(step));
  }
  if (!np.every_step_equivalent) {
    plan.every_step_equivalent = false;
    plan.notes.push_back(
        fmt::format("{} {}: no entry-by-entry order keeps every decision; apply these steps "
                    "together (for example in a maintenance window)",
                    acl_id, direction_name(d)));
  }
}

}  // namespace

CliPlan aws_cli_plan(const std::vector<SgChange>& groups, const std::vector<AclChange>& acls) {
  Plan plan;
  add_sg_steps(plan, groups, true);
  add_sg_steps(plan, groups, false);
  for (const AclChange& a : acls) add_nacl_steps(plan, a.acl_id, a.direction, a.plan);
  CliPlan out;
  out.script =
      "#!/bin/sh\n# sgopt minimize: new rules are authorized before old ones are revoked, and ACL entries\n"
      "# change one at a time so that no step changes what the rules allow.\nset -e\n";
  for (const auto& n : plan.notes) out.script += "# note: " + n + "\n";
  for (const auto& c : plan.commands) out.script += c + "\n";
  Json pj{{"every_step_equivalent", plan.every_step_equivalent}, {"notes", plan.notes}, {"steps", plan.steps}};
  out.json = pj.dump(2) + "\n";
  out.steps = plan.steps.size();
  out.every_step_equivalent = plan.every_step_equivalent;
  out.notes = plan.notes;
  return out;
}

CliPlan aws_cleanup_plan(const std::vector<CleanupStep>& steps, const std::vector<std::string>& header,
                         json::Json* steps_json) {
  using Action = CleanupStep::Action;
  CliPlan out;
  out.script = "#!/bin/sh\n";
  for (const std::string& h : header) out.script += "# " + h + "\n";
  out.script += "set -e\n";
  Json js = Json::array();
  for (const CleanupStep& st : steps) {
    std::string cmd;
    Json j{{"action", cleanup_action_name(st.action)}, {"why", st.why}};
    const char* dir = st.direction == Direction::Ingress ? "ingress" : "egress";
    switch (st.action) {
      case Action::AuthorizeRule:
      case Action::RevokeRule: {
        bool authorize = st.action == Action::AuthorizeRule;
        j["group_id"] = st.resource_id;
        j["direction"] = dir;
        std::string perms = ip_permissions_json({st.rule}, authorize);
        if (!authorize && !st.rule.source.rule_id.empty()) {
          cmd = fmt::format("aws ec2 revoke-security-group-{} --group-id {} --security-group-rule-ids {}", dir,
                            st.resource_id, st.rule.source.rule_id.str());
          j["security_group_rule_id"] = st.rule.source.rule_id.str();
        } else {
          cmd = fmt::format("aws ec2 {}-security-group-{} --group-id {} --ip-permissions {}",
                            authorize ? "authorize" : "revoke", dir, st.resource_id, shell_quote(perms));
        }
        j["ip_permissions"] = Json::parse(perms);
        break;
      }
      case Action::SetInterfaceGroups:
        cmd = fmt::format("aws ec2 modify-network-interface-attribute --network-interface-id {} --groups {}",
                          st.resource_id, fmt::join(st.groups, " "));
        j["network_interface_id"] = st.resource_id;
        j["groups"] = st.groups;
        j["groups_before"] = st.before_groups;
        break;
      case Action::DeleteGroup:
        cmd = fmt::format("aws ec2 delete-security-group --group-id {}", st.resource_id);
        j["group_id"] = st.resource_id;
        break;
      case Action::DeleteAcl:
        cmd = fmt::format("aws ec2 delete-network-acl --network-acl-id {}", st.resource_id);
        j["network_acl_id"] = st.resource_id;
        break;
    }
    j["command"] = cmd;
    out.script += "# " + st.why + "\n" + cmd + "\n";
    js.push_back(std::move(j));
  }
  out.json = js.dump(2) + "\n";
  out.steps = steps.size();
  if (steps_json) *steps_json = std::move(js);
  return out;
}

}  // namespace sgopt
