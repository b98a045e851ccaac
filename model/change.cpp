// Clean-up steps applied as AWS applies them (model/change.h).
#include "model/change.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace sgopt {

const char* cleanup_action_name(CleanupStep::Action a) {
  switch (a) {
    case CleanupStep::Action::AuthorizeRule: return "authorize-rule";
    case CleanupStep::Action::RevokeRule: return "revoke-rule";
    case CleanupStep::Action::SetInterfaceGroups: return "set-interface-groups";
    case CleanupStep::Action::DeleteGroup: return "delete-group";
    case CleanupStep::Action::DeleteAcl: return "delete-acl";
  }
  return "delete-group";
}

namespace {

[[noreturn]] void refuse(const std::string& what) { throw std::invalid_argument(what); }

SecurityGroup& group_named(Snapshot& s, const std::string& id) {
  auto it = std::find_if(s.groups.begin(), s.groups.end(), [&](const SecurityGroup& g) { return g.id == id; });
  if (it == s.groups.end()) refuse(fmt::format("no loaded security group {}", id));
  return *it;
}

}  // namespace

void apply_cleanup_step(Snapshot& s, const CleanupStep& step) {
  using Action = CleanupStep::Action;
  switch (step.action) {
    case Action::AuthorizeRule: {
      auto& rules = group_named(s, step.resource_id).rules(step.direction);
      auto key = aws_rule_key(step.rule);
      if (std::any_of(rules.begin(), rules.end(), [&](const SgRule& r) { return aws_rule_key(r) == key; }))
        refuse(fmt::format("{} already has the {} rule (InvalidPermission.Duplicate)", step.resource_id,
                           direction_name(step.direction)));
      rules.push_back(step.rule);
      break;
    }
    case Action::RevokeRule: {
      auto& rules = group_named(s, step.resource_id).rules(step.direction);
      auto key = aws_rule_key(step.rule);
      auto it = std::find_if(rules.begin(), rules.end(), [&](const SgRule& r) { return aws_rule_key(r) == key; });
      if (it == rules.end())
        refuse(fmt::format("{} has no such {} rule (InvalidPermission.NotFound)", step.resource_id,
                           direction_name(step.direction)));
      rules.erase(it);
      break;
    }
    case Action::SetInterfaceGroups: {
      auto it = std::find_if(s.interfaces.begin(), s.interfaces.end(),
                             [&](const NetworkInterface& e) { return e.id == step.resource_id; });
      if (it == s.interfaces.end()) refuse(fmt::format("no loaded network interface {}", step.resource_id));
      if (step.groups.empty()) refuse(fmt::format("{} would carry no security group", step.resource_id));
      for (const std::string& id : step.groups) group_named(s, id);
      it->group_ids = step.groups;
      break;
    }
    case Action::DeleteGroup: {
      SecurityGroup& g = group_named(s, step.resource_id);
      if (g.is_default()) refuse(fmt::format("{} is a default group (Client.CannotDelete)", g.id));
      for (const NetworkInterface& e : s.interfaces)
        if (std::find(e.group_ids.begin(), e.group_ids.end(), g.id) != e.group_ids.end())
          refuse(fmt::format("{} carries {} (DependencyViolation)", e.id, g.id));
      const Interned named(g.id);  // compared by identity in the loop over every rule
      for (const SecurityGroup& other : s.groups) {
        if (&other == &g) continue;
        for (Direction d : {Direction::Ingress, Direction::Egress})
          for (const SgRule& r : other.rules(d))
            if (r.peer.type == PeerType::Group && r.peer.ref == named)
              refuse(fmt::format("a rule of {} names {} (DependencyViolation)", other.id, g.id));
      }
      s.groups.erase(s.groups.begin() + (&g - s.groups.data()));
      break;
    }
    case Action::DeleteAcl: {
      auto it =
          std::find_if(s.acls.begin(), s.acls.end(), [&](const NetworkAcl& a) { return a.id == step.resource_id; });
      if (it == s.acls.end()) refuse(fmt::format("no loaded network ACL {}", step.resource_id));
      if (it->is_default) refuse(fmt::format("{} is a default ACL", it->id));
      if (!it->subnet_ids.empty()) refuse(fmt::format("{} is associated with a subnet", it->id));
      s.acls.erase(it);
      break;
    }
  }
  if (changes_references(s, step))
    s.resolve_references(s.references.mode());
  else if (step.action == Action::DeleteGroup || step.action == Action::DeleteAcl)
    s.index();  // the id indexes shift; what references stand for does not
}

bool changes_references(const Snapshot& s, const CleanupStep& step) {
  using Action = CleanupStep::Action;
  return step.action == Action::SetInterfaceGroups ||
         (step.action == Action::AuthorizeRule && !step.rule.peer.is_cidr() &&
          !s.references.find(step.rule.peer.type, step.rule.peer.ref));
}

}  // namespace sgopt
