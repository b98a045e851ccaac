// Runs the real sgopt binary for CLI tests and captures its exit status and output.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace sgopt::testing {

struct CliResult {
  int status = -1;  // exit status; -1 when the process did not exit normally (crash)
  std::string out;
  std::string err;
};

/// Runs `sgopt ARGS...` (arguments are shell-quoted) with `stdin_text` on standard input.
CliResult run_sgopt(const std::vector<std::string>& args, const std::string& stdin_text = "");
/// Path of a file under samples/.
std::string sample(const std::string& name);
/// A fresh, empty temporary folder for one test.
std::string temp_dir();
/// Writes content to path (tests only).
void write_text(const std::string& path, const std::string& content);
/// Reads a whole file ("" when missing).
std::string read_text(const std::string& path);
/// Runs z3 and cvc5 on every file of dir and expects each to answer unsat (a solver that is not
/// installed is a failure); returns how many files there were.
std::size_t expect_all_unsat(const std::string& dir);
/// True when python3 with jsonschema can run tests/tool/validate_json.py.
bool have_schema_validator();
/// True when every file validates against docs/SCHEMA (e.g. "diff.schema.json"); the validator
/// prints what is wrong to standard error.
bool schema_valid(const std::string& schema, const std::vector<std::string>& files);

}  // namespace sgopt::testing
