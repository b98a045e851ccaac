// The JSON vocabulary every command speaks: one shape each for a location in the input, a rule, a
// packet, a region of traffic and a count, so that analyze, diff, minimize, query and show print
// the same objects. docs/common.schema.json defines them ($defs), and each command's schema
// refers to it.
#pragma once

#include "model/diagnostic.h"
#include "model/packet.h"
#include "model/references.h"
#include "model/rule.h"
#include "passes/finding.h"
#include "solver/packet_set.h"
#include "solver/regions.h"

#include <nlohmann/json.hpp>

#include <vector>

namespace sgopt::cli {

/// {"file", "json_pointer", "line"?} (line when known).
nlohmann::json location_json(const Location& l);
/// [{"direction", "what", "location"}]: values the input leaves open (model/rule.h Unresolved).
nlohmann::json unresolved_json(const std::vector<Unresolved>& open);
/// A count as a decimal string (counts exceed 2^64 for IPv6).
nlohmann::json count_json(const BigCount& n);
/// {"type": "sg-rule" | "nacl-entry", "resource", "direction", "protocol", "ports", "peer", "text",
///  "location", and for a rule "permission_index", "description" (and "rule_id" when known), for an
///  entry "rule_number" and "action"}.
nlohmann::json rule_json(const RuleRef& r);
/// {"text", "peer_type": "ipv4" | "ipv6", "peer", "protocol", "protocol_name", "port_key", and
///  "port" (tcp/udp) or "icmp_type" and "icmp_code" (icmp/icmpv6), and "member_of" {"type", "id"}
///  when the packet comes from a member of a referenced group or prefix list}.
nlohmann::json packet_json(const Packet& p);
/// The references whose members a set holds packets of beyond those of non-members: ["sg-2"].
nlohmann::json members_json(const PacketSet& set, const PeerTable& peers);
/// [{"text", "families", "addresses", "every_address", "members": "any" | "none-of" | "of",
///   "references"}] (solver/regions.h PeerGroup).
nlohmann::json peer_groups_json(const Region& r, const PeerTable& peers);
/// {"traffic", "protocols": [[lo, hi], ...], "port_keys": [lo, hi], "peers": [...], "peer_groups",
///  "count", "plus_members_of", "witness"}. The count is of packets with no membership.
nlohmann::json region_json(const Region& r, const PeerTable& peers);
/// {"count", "plus_members_of", "regions": [...]} for a whole set and its regions.
nlohmann::json regions_json(const PacketSet& set, const std::vector<Region>& regions, const PeerTable& peers);
/// [{"type", "id", "world", "resolved", "stale", "addresses", "note", "interfaces"?, "family"?}]:
/// what each referenced group and prefix list stood for.
nlohmann::json references_json(const References& refs);

}  // namespace sgopt::cli
