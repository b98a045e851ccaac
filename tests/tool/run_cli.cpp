// Process runner for CLI tests.
#include "tests/tool/run_cli.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace sgopt::testing {

static std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

void write_text(const std::string& path, const std::string& content) {
  std::ofstream f(path, std::ios::binary);
  f << content;
  if (!f) throw std::runtime_error("cannot write " + path);
}

std::string read_text(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string temp_dir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "sgopt-test-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  return tmpl;
}

// Literal concatenation keeps GCC 12's -Warray-bounds false positive on string + literal away.
std::string sample(const std::string& name) { return SGOPT_SOURCE_DIR "/samples/" + name; }

CliResult run_sgopt(const std::vector<std::string>& args, const std::string& stdin_text) {
  std::string dir = temp_dir();
  std::string in = dir + "/stdin", out = dir + "/stdout", err = dir + "/stderr";
  write_text(in, stdin_text);
  std::string cmd = quote(SGOPT_BINARY);
  for (const auto& a : args) cmd += " " + quote(a);
  cmd += " <" + quote(in) + " >" + quote(out) + " 2>" + quote(err);
  int raw = std::system(cmd.c_str());
  CliResult r;
  if (raw != -1 && WIFEXITED(raw)) r.status = WEXITSTATUS(raw);
  r.out = read_text(out);
  r.err = read_text(err);
  std::filesystem::remove_all(dir);
  return r;
}

bool have_schema_validator() { return std::system("python3 -c 'import jsonschema' >/dev/null 2>&1") == 0; }

bool schema_valid(const std::string& schema, const std::vector<std::string>& files) {
  std::string cmd = "python3 " + quote(SGOPT_SOURCE_DIR "/tests/tool/validate_json.py") + " " + quote(schema);
  for (const auto& f : files) cmd += " " + quote(f);
  return std::system(cmd.c_str()) == 0;
}

std::size_t expect_all_unsat(const std::string& dir) {
  // Two independent solvers read every obligation: z3 and cvc5 (./dev installs both).
  const std::pair<const char*, const char*> solvers[] = {{"z3", "z3 "}, {"cvc5", "cvc5 --lang smt2 "}};
  for (const auto& [name, command] : solvers)
    if (std::system(fmt::format("command -v {} >/dev/null 2>&1", name).c_str()) != 0)
      ADD_FAILURE() << name << " is not installed (./dev test installs it): the obligations must pass both solvers";
  std::size_t files = 0;
  for (const auto& f : std::filesystem::directory_iterator(dir)) {
    ++files;
    for (const auto& [name, command] : solvers) {
      std::string cmd = command + quote(f.path().string()) + " 2>&1";
      FILE* pipe = popen(cmd.c_str(), "r");
      if (!pipe) {
        ADD_FAILURE() << "cannot run " << cmd;
        continue;
      }
      std::string answer;
      char buf[256];
      while (fgets(buf, sizeof buf, pipe)) answer += buf;
      pclose(pipe);
      EXPECT_EQ(answer, "unsat\n") << name << " on " << f.path();
    }
  }
  return files;
}

}  // namespace sgopt::testing
