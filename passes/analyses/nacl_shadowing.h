// First-match analysis of network ACL entries: shadowed, redundant, generalization, correlation.
#pragma once

#include "model/network_acl.h"
#include "model/packet.h"

#include <optional>
#include <string>
#include <vector>

namespace sgopt {

enum class EntryIssueKind {
  Shadowed,          // earlier entries decide all its packets, with the same action
  ShadowedConflict,  // earlier entries decide all its packets, some with the other action (likely bug)
  Redundant,         // it decides packets, but removing it changes no decision
  Generalization,    // it contains everything an earlier entry of the other action decides
  Correlation,       // it partly overlaps what an earlier entry of the other action decides
};
const char* entry_issue_name(EntryIssueKind k);  // "shadowed", "shadowed-conflict", ...

struct EntryIssue {
  EntryIssueKind kind;
  std::size_t entry = 0;             // index in the entry list
  std::vector<std::size_t> related;  // blocking, deciding or overlapping entries (indices)
  bool implicit_deny = false;        // Redundant: the implicit deny (no entry) takes over some packets
  std::optional<Packet> witness;     // a packet showing the claim
};

/// Classifies every entry of one direction (entries in rule-number order; default denies are
/// looked at but never reported). Issues come in entry order.
std::vector<EntryIssue> classify_nacl_entries(const std::vector<NaclEntry>& entries);

/// True when the reference evaluator confirms the issue's witness.
bool confirm_entry_issue(const std::vector<NaclEntry>& entries, const EntryIssue& issue);

}  // namespace sgopt
