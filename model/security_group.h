// A security group: allow-only rules per direction, the union of which decides.
#pragma once

#include "model/rule.h"

#include <string>
#include <utility>
#include <vector>

namespace sgopt {

using Tags = std::vector<std::pair<std::string, std::string>>;

struct SecurityGroup {
  std::string id;
  std::string name;
  std::string description;
  std::string vpc_id;
  std::string owner_id;
  Tags tags;
  std::vector<SgRule> ingress;
  std::vector<SgRule> egress;
  Location where;        // the group object in its file
  std::string raw_json;  // the original object, so that writers keep every field
  /// Known only from describe-security-group-rules rows: no name, description or raw object.
  bool rules_only = false;
  /// Only some of its rules are known: the input declares rules of a group it does not describe
  /// (Terraform rules of a group made elsewhere). Claims about it hold for whatever rules it has
  /// besides; a diff says what the declared rules can change at most.
  bool partial = false;
  /// Values the input leaves open; claims about their directions are unknown.
  std::vector<Unresolved> unresolved;
  /// The Terraform address or CloudFormation logical id that declares the group, if any.
  std::string address;

  const std::vector<SgRule>& rules(Direction d) const { return d == Direction::Ingress ? ingress : egress; }
  std::vector<SgRule>& rules(Direction d) { return d == Direction::Ingress ? ingress : egress; }
  bool is_default() const { return name == "default"; }
};

}  // namespace sgopt
