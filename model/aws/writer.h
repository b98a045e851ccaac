// Writers in describe shape. Every field of the original objects is kept; only rules change.
#pragma once

#include "model/json/stream.h"
#include "model/snapshot.h"

#include <functional>
#include <string>
#include <vector>

namespace sgopt {

/// {"SecurityGroups": [...]} with IpPermissions/IpPermissionsEgress rebuilt from the model's rules
/// (rules with equal protocol and ports share one IpPermission, as AWS groups them).
std::string write_security_groups(const std::vector<SecurityGroup>& groups);
/// {"NetworkAcls": [...]} with Entries rebuilt from the model's entries.
std::string write_network_acls(const std::vector<NetworkAcl>& acls);
/// One document with both: {"SecurityGroups": [...], "NetworkAcls": [...]}, each key only when
/// there is something to write.
std::string write_snapshot(const std::vector<SecurityGroup>& groups, const std::vector<NetworkAcl>& acls);
/// The same document written piece by piece to `out` (one group or ACL at a time).
void write_snapshot(const json::Sink& out, const std::vector<SecurityGroup>& groups,
                    const std::vector<NetworkAcl>& acls);
/// The IpPermissions that `aws ec2 authorize-/revoke-security-group-*` take for these rules (rules
/// with equal protocol and ports share one permission), as compact JSON; descriptions only when asked.
std::string ip_permissions_json(const std::vector<SgRule>& rules, bool with_descriptions);
/// Writes content to path through a temporary file in the same folder and a rename, so that a
/// reader never sees a partial file. Throws std::runtime_error on failure.
void write_file_atomic(const std::string& path, const std::string& content);

/// The two halves of write_file_atomic, for a run that writes several files all or none: stage
/// every file (complete, synced temporary files beside their targets), then commit each.
struct StagedFile {
  std::string path;       // the destination
  std::string temporary;  // the complete temporary file beside it
};
/// Writes content to a temporary file beside path (with the mode a replaced file had). Throws
/// std::runtime_error, leaving nothing behind.
StagedFile stage_file(const std::string& path, const std::string& content);
/// The same with the content written by `produce` piece by piece (never held whole). An
/// exception from `produce` leaves nothing behind and is rethrown.
StagedFile stage_file(const std::string& path, const std::function<void(const json::Sink&)>& produce);
/// Renames the staged file over its destination. Throws std::runtime_error (and removes the
/// temporary file) when the rename fails.
void commit_staged(const StagedFile& f);
/// Removes a staged file that is not to be committed.
void discard_staged(const StagedFile& f) noexcept;

}  // namespace sgopt
