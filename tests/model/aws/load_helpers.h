// Helpers for the loader and writer tests: load JSON text, catch the one error, compare models.
#pragma once

#include "model/aws/loader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

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

/// A fresh folder per test under the system temporary folder, removed afterwards.
class TempDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("sgopt-test-" + std::to_string(::getpid()) + "-" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  /// Writes `text` to `name` inside the folder, creating subfolders.
  void write(const std::string& name, const std::string& text) const {
    std::filesystem::create_directories((dir_ / name).parent_path());
    std::ofstream(dir_ / name) << text;
  }
  std::filesystem::path dir_;
};

}  // namespace sgopt::testing
