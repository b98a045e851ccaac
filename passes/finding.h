// A finding: what an analysis claims about the user's rules, with the proof material behind it.
#pragma once

#include "model/network_acl.h"
#include "model/packet.h"
#include "model/references.h"
#include "model/rule.h"

#include <optional>
#include <string>
#include <vector>

namespace sgopt {

enum class Severity { Info, Low, Medium, High, Critical };
const char* severity_name(Severity s);  // "info", "low", ...
std::optional<Severity> parse_severity(const std::string& s);

/// One rule or entry a finding talks about, pointing at the input the user wrote.
struct RuleRef {
  std::string resource_id;  // sg-... or acl-...
  Direction direction = Direction::Ingress;
  int permission_index = -1;  // SG: index in IpPermissions(Egress)
  std::string rule_id;        // SG: sgr-... when the input had one
  std::string peer;           // the peer exactly as written (NACL: the CIDR)
  int rule_number = 0;        // NACL
  bool allow = true;          // NACL: the entry's action
  std::string protocol;       // "tcp", "all", "50"
  std::string ports;          // "22", "1024-65535", "type 3 code 4", "all"
  std::string text;           // one-line human rendering ("tcp 22 0.0.0.0/0")
  std::string description;    // the rule's description, when it has one
  Location where;             // file and JSON pointer
};

struct Finding {
  std::string pass;  // registered pass name
  std::string kind;  // e.g. "redundant", "duplicate", "shadowed", "open-admin-port"
  Severity severity = Severity::Low;
  std::vector<std::string> controls;  // "CIS 5.2", "EC2.13", "PCI.EC2.5"
  std::string resource_id;
  std::optional<Direction> direction;
  std::string message;            // one sentence
  std::vector<RuleRef> rules;     // what the finding is about
  std::vector<RuleRef> causes;    // covering / blocking / overlapping rules
  std::optional<Packet> witness;  // a packet that shows the claim, checked by the reference evaluator
  std::string exposure;           // exact addresses x ports count, when the finding is about exposure
  std::string exposed_addresses;  // exact number of distinct peer addresses in that exposure
  /// Open references whose members the same services are open to beyond those addresses ("plus
  /// the members of sg-2": their addresses are not counted, as they are not known).
  std::vector<std::string> exposure_members;
  // Both layers together (security groups and network ACLs, model/topology.h):
  std::vector<std::string> interfaces;   // the interfaces the claim is about
  std::optional<Packet> reply;           // the reply of `witness` that the finding is about
  std::string ephemeral_ports;           // the client ports replies were judged at ("1024-65535")
  std::vector<std::string> regions;      // the traffic of the claim, exactly, as readable regions
  std::vector<std::string> assumptions;  // what the claim takes for given (e.g. no same-subnet peers)
  std::string fix;                       // one-line suggested fix
  Location where;                        // primary location (for SARIF)
  /// Open: the claim holds for every membership of referenced groups and prefix lists. Closed:
  /// it holds for the members the snapshot holds, and rests on the snapshot being complete.
  World world = World::Open;
};

/// The reference to an SG rule of a group, as the user wrote it.
RuleRef sg_rule_ref(const std::string& group_id, Direction d, const SgRule& rule);
/// The reference to a NACL entry.
RuleRef nacl_entry_ref(const std::string& acl_id, const NaclEntry& entry);

/// Guards every printed witness: throws std::logic_error when the reference evaluator does not
/// confirm it (an internal error; a claim that cannot be confirmed is never printed).
void require_confirmed(bool confirmed, const Finding& f);

}  // namespace sgopt
