// Readers for the JSON that AWS exports: describe-security-groups, describe-security-group-rules,
// describe-network-acls, describe-network-interfaces, describe-managed-prefix-lists.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/snapshot.h"

namespace sgopt {

/// Loads every FILE argument (a file, a folder read recursively in sorted order, or "-" for
/// standard input) into one snapshot. Throws InputError naming file, JSON path and line.
Snapshot load_inputs(const std::vector<std::string>& paths);
/// Adds one document's content to the snapshot; `file` names it in messages.
void load_document(Snapshot& snapshot, std::string_view text, const std::string& file);

}  // namespace sgopt
