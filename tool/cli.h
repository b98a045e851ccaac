// Shared pieces of the sgopt CLI: exit codes, output formats, loading inputs, the command hook.
#pragma once

#include "model/aws/loader.h"
#include "model/references.h"
#include "model/snapshot.h"
#include "model/topology.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace sgopt::cli {

/// Exit statuses every command keeps to.
enum ExitCode : int { kExitOk = 0, kExitFindings = 1, kExitError = 2 };

enum class Format { Text, Json, Sarif, Markdown };

/// Adds `--format text|json[|sarif]` (default text).
void add_format_option(CLI::App& cmd, Format& format, bool allow_sarif, bool allow_markdown = false);
/// Adds `--threads N` (0: one per core; at most kMaxWorkerThreads), described as `what`.
void add_threads_option(CLI::App& cmd, unsigned& threads, const char* what);
/// --ephemeral-ports LO-HI: the client ports replies through a network ACL are judged at.
void add_ephemeral_option(CLI::App& cmd, EphemeralPorts& ports);
/// Adds the FILE... positional (files, folders or "-").
void add_inputs(CLI::App& cmd, std::vector<std::string>& files);
/// Adds the global `--lenient` and `--quiet` flags and `--references open|resolve` (usable after any
/// command).
void add_global_options(CLI::App& app);
/// "references:" and one line per referenced group or prefix list saying what it stood for (open
/// world, or resolved and closed); empty when the rules name none.
std::string references_text(const References& refs);
/// Loads the inputs (leniently when --lenient was given; with the global --parameter and --at) and
/// prints each warning to stderr unless quiet. `side` picks a side of a plan or a history.
Snapshot load(const std::vector<std::string>& files, bool quiet = false,
              LoadOptions::Side side = LoadOptions::Side::Latest);
/// Refuses (InputError, exit status 2) a snapshot with values the input leaves open, for commands
/// that write rules out: what they write would lose the rules those values feed.
void require_known(const Snapshot& s, const char* command);
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
/// True when standard output is a terminal.
bool stdout_is_terminal();
/// A decimal number with its thousands separated: "1234567" -> "1,234,567".
std::string grouped_digits(std::string_view digits);
/// "sgopt: warning: MESSAGE" on standard error (terminal_text), clearing a progress line first.
void warn(std::string_view message);

/// "analyzing: 4,210 of 10,000 (42%), 1,800/s, about 3 s left"; without a total, the count and
/// rate only.
std::string progress_line(const char* stage, std::size_t done, std::size_t total, double seconds);

/// While it lives, draws work_progress() (model/progress.h) on standard error, a line redrawn four
/// times a second: only when standard error is a terminal, TERM is not "dumb" and --quiet was not
/// given, and only once the run has taken 2 s. The line is cleared when it ends.
class ProgressDisplay {
 public:
  ProgressDisplay();
  ~ProgressDisplay();
  ProgressDisplay(const ProgressDisplay&) = delete;
  ProgressDisplay& operator=(const ProgressDisplay&) = delete;

 private:
  std::thread thread_;
  std::mutex wake_mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
};

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
