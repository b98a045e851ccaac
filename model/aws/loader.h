// Readers for the JSON that AWS exports: describe-security-groups, describe-security-group-rules,
// describe-network-acls, describe-network-interfaces, describe-subnets, describe-managed-prefix-lists.
//
// A document's kind is found by its top-level key (SecurityGroups, SecurityGroupRules,
// NetworkAcls, NetworkInterfaces, Subnets, PrefixLists); ResponseMetadata and NextToken are ignored, so
// boto3 responses load as they are. Bad input throws one InputError naming the file, the JSON
// pointer and the line; odd but legal input loads and adds a warning to Snapshot::warnings.
//
// CloudFormation templates load too, JSON (a top-level AWSTemplateFormatVersion, or Resources of
// AWS:: types) or YAML (.yaml/.yml, or a .template or other input that does not start like JSON and
// has a top-level Resources or AWSTemplateFormatVersion): model/aws/read_cloudformation.cpp.
//
// describe-security-group-rules rows and describe-security-groups objects for the same group
// describe one group: a group known only from rows is built from them (SecurityGroup::rules_only),
// and when both kinds are loaded (in either order, any files) the describe-security-groups object
// is kept and each row must match one of its rules (same direction, peer and matched packets); the
// row's SecurityGroupRuleId is then copied to that rule. A row that matches no rule is an error,
// because the two exports then disagree about the group.
#pragma once

#include "model/json/mapped_file.h"
#include "model/snapshot.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sgopt {

struct LoadOptions {
  /// Accept input that AWS itself never exports but that has one clear reading, with a warning
  /// instead of an error: the same group, ACL or interface id twice (each object is kept), and an
  /// ICMP type of -1 with a code other than -1 (the code is ignored). Test fixtures need this.
  bool lenient = false;
  /// What referenced groups and prefix lists stand for once everything is loaded
  /// (model/references.h): resolved from the loaded interfaces and entries, or left open.
  ReferenceMode references = ReferenceMode::Resolve;
  /// Which state an input that holds two (a Terraform plan, AWS Config history) gives: Latest is
  /// the planned state of a plan and each Config item's latest version (or its version at `at`);
  /// Before and After are the two sides `diff` compares from one such input: a plan's prior and
  /// planned states, or each pair of consecutive versions of a Config item. Other inputs read the
  /// same on every side.
  enum class Side { Latest, Before, After };
  Side side = Side::Latest;
  /// AWS Config: the version of each item current at this time (ISO 8601, e.g.
  /// "2026-11-30T10:14:00Z"); empty for the latest.
  std::string at{};
  /// CloudFormation: parameter values (NAME=VALUE) that override the template's Defaults.
  std::vector<std::pair<std::string, std::string>> parameters{};
};

/// Loads every FILE argument (a file, a folder read recursively in sorted order, or "-" for
/// standard input) into one snapshot and works out its references. A folder's .json files are
/// read, and its .yaml, .yml and .template files that are CloudFormation templates (other YAML is
/// skipped with a warning). Throws InputError naming file, JSON path and line.
Snapshot load_inputs(const std::vector<std::string>& paths, const LoadOptions& options = {});
/// Adds one document's content to the snapshot; `file` names it in messages. `read_past`, when
/// given, hears how far each pass over the text has read (a mapped file drops what is behind).
void load_document(Snapshot& snapshot, std::string_view text, const std::string& file, const LoadOptions& options = {},
                   const json::ReadPast& read_past = {});

}  // namespace sgopt
