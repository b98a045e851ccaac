// A network ACL: numbered allow/deny entries per direction, the lowest matching number decides.
#pragma once

#include "model/rule.h"
#include "model/security_group.h"

#include <optional>
#include <string>
#include <vector>

namespace sgopt {

constexpr int kNaclDefaultDenyV4 = 32767;
constexpr int kNaclDefaultDenyV6 = 32768;

struct IcmpTypeCode {
  int type = -1;  // -1: all types
  int code = -1;  // -1: all codes
};

struct PortRange {
  int from = 0;
  int to = 65535;
};

struct NaclEntry {
  // Ordered largest alignment first, so that an entry has no padding to carry.
  Cidr cidr;
  RuleSource source;
  int rule_number = 0;
  bool allow = false;
  Direction direction = Direction::Ingress;
  int protocol = -1;
  std::optional<PortRange> port_range;
  std::optional<IcmpTypeCode> icmp;

  bool is_default_deny() const { return rule_number == kNaclDefaultDenyV4 || rule_number == kNaclDefaultDenyV6; }
};

/// Sorts entries into the order AWS evaluates them: ascending rule number (stable for equal ones).
void sort_by_rule_number(std::vector<NaclEntry>& entries);

struct NetworkAcl {
  std::string id;
  std::string vpc_id;
  std::string owner_id;
  bool is_default = false;
  Tags tags;
  std::vector<std::string> subnet_ids;  // from Associations
  /// Entries of one direction, sorted by rule number (the order AWS evaluates them).
  std::vector<NaclEntry> ingress;
  std::vector<NaclEntry> egress;
  Location where;
  std::string raw_json;
  /// Values the input leaves open; claims about their directions are unknown.
  std::vector<Unresolved> unresolved;
  /// The Terraform address or CloudFormation logical id that declares the ACL, if any.
  std::string address;

  const std::vector<NaclEntry>& entries(Direction d) const { return d == Direction::Ingress ? ingress : egress; }
  std::vector<NaclEntry>& entries(Direction d) { return d == Direction::Ingress ? ingress : egress; }
};

}  // namespace sgopt
