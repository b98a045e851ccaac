// Helpers for the loader and writer tests: load JSON text, catch the one error, compare models.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "model/aws/loader.h"

namespace sgopt::testing {

/// Loads one document from text; the file is named `file` in every location.
inline Snapshot load_text(const std::string& json, const std::string& file = "test.json",
                          const LoadOptions& options = {}) {
  Snapshot s;
  load_document(s, json, file, options);
  return s;
}

/// The diagnostic of the InputError that loading `json` throws; fails the test when none is thrown.
inline Diagnostic load_error(const std::string& json, const std::string& file = "bad.json") {
  try {
    load_text(json, file);
  } catch (const InputError& e) {
    return e.diagnostic();
  }
  ADD_FAILURE() << "no InputError for: " << json.substr(0, 200);
  return Diagnostic{};
}

/// Expects two snapshots to hold the same groups and ACLs: ids, names, every rule's and entry's
/// semantic fields, descriptions, rule ids and order.
void expect_same_model(const Snapshot& a, const Snapshot& b);

}  // namespace sgopt::testing
