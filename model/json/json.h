// The JSON type of every reader and writer in model/ (the only layer that parses JSON).
#pragma once

#include <nlohmann/json.hpp>

namespace sgopt::json {

/// Keeps the key order of objects, so that written documents read like their input.
using Json = nlohmann::ordered_json;

}  // namespace sgopt::json
