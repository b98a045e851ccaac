// A network interface (ENI): the groups it carries and the private addresses those groups denote.
#pragma once

#include "model/diagnostic.h"
#include "model/ip.h"

#include <optional>
#include <string>
#include <vector>

namespace sgopt {

struct NetworkInterface {
  std::string id;
  std::string subnet_id;
  std::string vpc_id;
  std::string description;
  std::string interface_type;
  std::vector<std::string> group_ids;  // in input order
  std::vector<u128> private_ipv4;
  std::vector<u128> ipv6;
  std::vector<Cidr> prefixes;  // delegated Ipv4Prefixes / Ipv6Prefixes (the interface owns all their addresses)
  std::string public_ip;       // Association.PublicIp, when the interface has one
  Location where;
  std::string raw_json;
};

/// What attaches groups to interfaces it has not created yet (a launch template version, a launch
/// configuration): a group it names is in use though no loaded interface carries it.
struct GroupConsumer {
  std::string kind;                      // "launch template", "launch configuration"
  std::string name;                      // "lt-0abc (web) version 3", "web-lc"
  std::vector<std::string> group_ids;    // the groups it names by id
  std::vector<std::string> group_names;  // and by name (EC2-Classic and default-VPC launch data)
  Location where;
};

/// A subnet (describe-subnets): the addresses whose traffic among themselves no network ACL filters.
struct Subnet {
  std::string id;
  std::string vpc_id;
  std::string availability_zone;
  std::vector<Cidr> cidrs;  // CidrBlock and the associated Ipv6CidrBlockAssociationSet blocks
  Location where;
};

/// A managed prefix list, when the input carries one (describe-managed-prefix-lists).
struct PrefixList {
  std::string id;
  std::string name;
  int max_entries = 0;           // 0 when unknown
  std::optional<Family> family;  // AddressFamily, when given
  std::vector<Cidr> entries;
  bool entries_loaded = false;  // the entries were given (get-managed-prefix-list-entries), even if none
  bool described = false;       // describe-managed-prefix-lists described it (name, family, MaxEntries)
  Location where;
};

}  // namespace sgopt
