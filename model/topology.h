// Security groups and network ACLs together (AWS-SEMANTICS.md sections 2.6 and 3): a packet
// reaches an interface only when the network ACL of the interface's subnet lets it cross the
// subnet's boundary and the union of the interface's groups allows it. Groups are stateful (the
// reply of an allowed request always passes them); ACLs are stateless, so the reply must also be
// allowed by the ACL's other direction, to the client's ephemeral port. Traffic between two
// addresses of one subnet does not cross its ACL.
//
// This file holds where each interface sits (its subnet and that subnet's ACL) and the reference
// evaluator of both layers for one concrete flow, written the obvious way; solver/effective.h
// computes the same as packet sets.
#pragma once

#include "model/packet.h"
#include "model/snapshot.h"

#include <optional>
#include <string>
#include <vector>

namespace sgopt {

/// The client ports a reply goes to. AWS documents 1024-65535 for NAT gateways, load balancers
/// and Lambda, 32768-61000 for many Linux kernels, 49152-65535 for Windows Server 2008 and later.
struct EphemeralPorts {
  int lo = 1024;
  int hi = 65535;
  std::string str() const;  // "1024-65535"
  bool operator==(const EphemeralPorts&) const = default;
};
/// Parses "LO-HI" (0 <= LO <= HI <= 65535); nullopt and *why on error.
std::optional<EphemeralPorts> parse_ephemeral_ports(const std::string& text, std::string* why);

/// Where an interface sits, and which ACL filters its subnet's boundary.
struct Placement {
  const NetworkInterface* eni = nullptr;
  const Subnet* subnet = nullptr;   // null when describe-subnets did not describe the subnet
  const NetworkAcl* acl = nullptr;  // null when no loaded ACL is known to be the subnet's
  /// How the ACL was found ("subnet-1 is associated with acl-1", "subnet-1 is in no loaded ACL's
  /// Associations, so it uses acl-9, the default ACL of vpc-1"), or why none is known.
  std::string acl_why;
  /// What is assumed about same-subnet traffic: empty when the subnet's blocks are loaded.
  std::string subnet_assumption;
  /// The interface's groups that the snapshot defines, in the interface's order, and the ids it
  /// names that no loaded input defines.
  std::vector<const SecurityGroup*> groups;
  std::vector<std::string> missing_groups;

  /// Both layers are known: the ACL and every group.
  bool complete() const { return acl != nullptr && missing_groups.empty(); }
  /// The interface carries no group: AWS attaches none to NAT gateways, transit gateway
  /// attachments and load balancers created without groups. No group filters it, and what it
  /// forwards is traffic of other addresses, so the cross-layer claims about what an interface
  /// accepts are not made for it.
  bool no_groups() const { return groups.empty() && missing_groups.empty(); }
  /// Whether traffic with this peer address stays inside the subnet (then no ACL filters it).
  bool same_subnet(Family f, u128 addr) const;
};

/// The ACL of a subnet: the loaded ACL whose Associations name it, else the loaded default ACL
/// of its VPC (a subnet not explicitly associated uses it), else null; `why` says which.
const NetworkAcl* subnet_acl(const Snapshot& snapshot, const std::string& subnet_id, const std::string& vpc_id,
                             std::string* why);
Placement place_interface(const Snapshot& snapshot, const NetworkInterface& eni);
/// The interfaces whose subnet's ACL is `acl`, by subnet in order of first appearance, then in
/// input order.
std::vector<const NetworkInterface*> interfaces_behind(const Snapshot& snapshot, const NetworkAcl& acl);

/// The fate of one flow at an interface, layer by layer. `direction` is the direction of the
/// request as the interface sees it: Ingress, a peer connects to the interface (the request's
/// port key is the interface's service port; the reply goes to the peer's `client_port`); Egress,
/// the interface connects to the peer (the reply comes back to the interface's `client_port`).
struct FlowVerdict {
  bool same_subnet = false;              // the peer is in the interface's subnet: no ACL consulted
  NaclDecision acl_request;              // the ACL direction the request crosses (when not same_subnet)
  const SecurityGroup* group = nullptr;  // the first group whose rules allow the request
  const SgRule* rule = nullptr;          // and its first rule that does
  bool reply_checked = false;            // tcp/udp and protocols without ports; not ICMP
  NaclDecision acl_reply;                // the other ACL direction, for the reply

  bool request_passes_acl() const { return same_subnet || acl_request.allow; }
  bool accepted() const { return request_passes_acl() && rule != nullptr; }
  bool reply_passes() const { return !reply_checked || same_subnet || acl_reply.allow; }
  /// Accepted, and (where replies are checked) its reply passes too.
  bool answered() const { return accepted() && reply_passes(); }
};
/// The reply of a request: the same peer and protocol, to the client port for tcp/udp, with no
/// port for protocols without one; nullopt for ICMP, whose replies are other messages.
std::optional<Packet> reply_packet(const Packet& request, int client_port);
/// Both layers for one request (needs place.acl). `refs` resolves references as the rules'
/// reference evaluator does.
FlowVerdict evaluate_flow(const Placement& place, Direction direction, const Packet& request, int client_port,
                          const References* refs = nullptr);

}  // namespace sgopt
