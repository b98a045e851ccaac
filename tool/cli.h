// Shared pieces of the sgopt CLI: exit codes, output formats, loading inputs, the command hook.
#pragma once

#include "model/references.h"
#include "model/snapshot.h"

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
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
