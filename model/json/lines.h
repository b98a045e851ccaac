// Line numbers and JSON pointers of places in JSON text, found by one pass that never trusts the text.
#pragma once

#include "model/diagnostic.h"
#include "model/json/mapped_file.h"

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace sgopt {

/// One JSON pointer segment: "~" becomes "~0" and "/" becomes "~1" (RFC 6901).
std::string pointer_segment(std::string_view key);

/// Sets `line` of every location whose json_pointer names a value in `text`, in one pass.
/// Locations the text does not contain keep line 0. `read_past`, when given, hears how far it has read.
/// `each`, when given, is called with the pointer and line of every value of the text, in order.
void resolve_lines(std::string_view text, const std::vector<Location*>& locations, const json::ReadPast& read_past = {},
                   const std::function<void(std::string_view pointer, int line)>& each = {});

/// The pointer of the value being read at byte `offset` and the line of that byte; for reporting
/// syntax errors in text that is not valid JSON. `file` is copied into the result.
Location location_at(std::string_view text, std::size_t offset, const std::string& file);

}  // namespace sgopt
