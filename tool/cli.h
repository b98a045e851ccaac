// Shared pieces of the sgopt CLI: exit codes, output formats, loading inputs, the command hook.
#pragma once

#include "model/references.h"
#include "model/snapshot.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sgopt::cli {

/// Exit statuses every command keeps to.
enum ExitCode : int { kExitOk = 0, kExitFindings = 1, kExitError = 2 };

enum class Format { Text, Json, Sarif };

/// Adds `--format text|json[|sarif]` (default text).
void add_format_option(CLI::App& cmd, Format& format, bool allow_sarif);
/// Adds the FILE... positional (files, folders or "-").
void add_inputs(CLI::App& cmd, std::vector<std::string>& files);
/// Adds the global `--lenient` flag and `--references open|resolve` (usable after any command).
void add_global_options(CLI::App& app);
/// "references:" and one line per referenced group or prefix list saying what it stood for (open
/// world, or resolved and closed); empty when the rules name none.
std::string references_text(const References& refs);
/// Loads the inputs (leniently when --lenient was given) and prints each warning to stderr unless
/// quiet.
Snapshot load(const std::vector<std::string>& files, bool quiet = false);
/// A message for the terminal: each line printable (model/diagnostic.h) and at most 1,000
/// characters, whatever input it quotes.
std::string terminal_text(std::string_view message);
/// Text output made safe for a terminal: every line printable (model/diagnostic.h), newlines kept.
std::string terminal_safe(std::string_view text);
/// fmt::print to standard output through terminal_safe: every text output of a command goes through
/// it, as its names, descriptions and ids come from the input.
template <typename... T>
void print(fmt::format_string<T...> format, T&&... args) {
  fmt::print("{}", terminal_safe(fmt::format(format, std::forward<T>(args)...)));
}
/// True when standard output is a terminal and NO_COLOR is not set.
bool use_color();

/// A command's body; returns the exit status.
using Runner = std::function<int()>;

}  // namespace sgopt::cli

// Each line of tool/commands.def names a command; its file defines
//   void sgopt::register_<name>(CLI::App& app, sgopt::cli::Runner& run);
// which adds the subcommand and, in its callback, sets `run`.
namespace sgopt {
#define SGOPT_COMMAND(name) void register_##name(CLI::App& app, cli::Runner& run);
#include "tool/commands.def"
#undef SGOPT_COMMAND
}  // namespace sgopt
