// Shared CLI pieces.
#include "tool/cli.h"

#include "model/aws/loader.h"
#include "model/progress.h"
#include "passes/workers.h"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>

namespace sgopt::cli {

void add_format_option(CLI::App& cmd, Format& format, bool allow_sarif, bool allow_markdown) {
  std::map<std::string, Format> names{{"text", Format::Text}, {"json", Format::Json}};
  if (allow_sarif) names["sarif"] = Format::Sarif;
  if (allow_markdown) names["markdown"] = Format::Markdown;
  std::string help = allow_markdown ? "Output format: text (for people), json, sarif (SARIF 2.1.0 for code scanning), "
                                      "or markdown (a summary for a pull-request comment)"
                     : allow_sarif  ? "Output format: text (for people), json, or sarif (SARIF 2.1.0 for code scanning)"
                                    : "Output format: text (for people) or json";
  cmd.add_option("--format", format, help)
      ->transform(CLI::CheckedTransformer(names, CLI::ignore_case))
      ->option_text(allow_markdown ? "text|json|sarif|markdown (default: text)"
                    : allow_sarif  ? "text|json|sarif (default: text)"
                                   : "text|json (default: text)");
}

void add_threads_option(CLI::App& cmd, unsigned& threads, const char* what) {
  cmd.add_option("--threads", threads,
                 fmt::format("{} (default 0: one per core; at most {}); the output never depends on it", what,
                             kMaxWorkerThreads))
      ->check(CLI::Range(0u, kMaxWorkerThreads))
      ->default_str("0");
}

void add_ephemeral_option(CLI::App& cmd, EphemeralPorts& ports) {
  cmd.add_option_function<std::string>(
         "--ephemeral-ports",
         [&ports](const std::string& text) {
           std::string why;
           ports = *parse_ephemeral_ports(text, &why);  // the check below has accepted it
         },
         "Client ports that replies through a stateless network ACL go to, LO-HI. AWS documents 1024-65535 for NAT "
         "gateways, load balancers and Lambda, 32768-61000 for many Linux kernels, 49152-65535 for Windows; every "
         "cross-layer claim names the range it used")
      ->type_name("LO-HI")
      ->default_str(ports.str())
      ->check(
          [](const std::string& text) {
            std::string why;
            return parse_ephemeral_ports(text, &why) ? std::string() : why;
          },
          "LO-HI");
}

void add_inputs(CLI::App& cmd, std::vector<std::string>& files) {
  cmd.add_option("FILE", files,
                 "describe-* JSON files (security groups, security group rules, network ACLs, network "
                 "interfaces, subnets, managed prefix lists), Terraform plans and states (terraform show -json), "
                 "CloudFormation templates (JSON or YAML), AWS Config history, folders of them, or - for standard "
                 "input")
      ->required();
}

namespace {
LoadOptions g_load_options;
std::vector<std::string> g_parameters;
bool g_quiet = false;
}  // namespace

void add_global_options(CLI::App& app) {
  app.add_flag("--lenient", g_load_options.lenient,
               "Accept input AWS never exports but that has one clear reading (a group, ACL or interface id "
               "given twice; ICMP type -1 with a code), with a warning instead of an error");
  app.add_flag("--quiet", g_quiet, "No progress display (it shows only on a terminal, for work longer than 2 s)");
  static std::string references = "resolve";
  app.add_option("--references", references,
                 "What referenced groups and prefix lists stand for: resolve (default) takes a group's members "
                 "from loaded describe-network-interfaces and a list's entries from loaded entries, and says "
                 "that such claims rest on the input being complete; open makes every claim hold for any "
                 "members")
      ->check(CLI::IsMember({"open", "resolve"}))
      ->each([](const std::string& v) {
        g_load_options.references = v == "open" ? ReferenceMode::Open : ReferenceMode::Resolve;
      });
  app.add_option("--parameter", g_parameters,
                 "CloudFormation: NAME=VALUE gives a template parameter its value (repeatable); parameters not "
                 "given take their Default")
      ->each([](const std::string& v) {
        auto eq = v.find('=');
        if (eq == std::string::npos || eq == 0)
          throw CLI::ValidationError("--parameter", "expected NAME=VALUE, found '" + printable(v) + "'");
        g_load_options.parameters.emplace_back(v.substr(0, eq), v.substr(eq + 1));
      });
  app.add_option("--at", g_load_options.at,
                 "AWS Config history: read each item as it was at this time (ISO 8601, e.g. 2026-11-30T10:14:00Z) "
                 "instead of its latest version");
  for (CLI::App* sub : app.get_subcommands({})) sub->fallthrough();
}

Snapshot load(const std::vector<std::string>& files, bool quiet, LoadOptions::Side side) {
  LoadOptions options = g_load_options;
  options.side = side;
  Snapshot s = load_inputs(files, options);
  if (!quiet)
    for (const auto& w : s.warnings) warn(w.str());
  return s;
}

void require_known(const Snapshot& s, const char* command) {
  const Unresolved* first = nullptr;
  std::size_t n = 0;
  for (const auto& g : s.groups)
    for (const auto& u : g.unresolved) first = first ? first : &u, ++n;
  for (const auto& a : s.acls)
    for (const auto& u : a.unresolved) first = first ? first : &u, ++n;
  if (!first) return;
  throw InputError(Diagnostic{
      first->where,
      fmt::format("{} writes rules out, and {} value{} the input leaves open would be lost with the rules they "
                  "feed (first: {}); give them (--parameter), or run it on the describe-* export once applied",
                  command, n, n == 1 ? "" : "s", first->what)});
}

std::string references_text(const References& refs) {
  if (refs.all().empty()) return "";
  std::string out = "references:\n";
  for (const ReferenceInfo& r : refs.all()) out += "  " + r.note() + "\n";
  return out;
}

namespace {
std::string each_line(std::string_view text, std::size_t max) {
  std::string out;
  std::size_t pos = 0;
  while (true) {
    std::size_t end = text.find('\n', pos);
    std::string_view line = text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    out += max ? echo(line, max) : printable(line);
    if (end == std::string_view::npos) break;
    out += '\n';
    pos = end + 1;
  }
  return out;
}
}  // namespace

std::string terminal_text(std::string_view message) { return each_line(message, 1000); }
std::string terminal_safe(std::string_view text) { return each_line(text, 0); }

// ---------------------------------------------------------------------------------------------
// Progress

namespace {

std::mutex g_stderr;
bool g_line_drawn = false;  // a progress line is on the terminal (guarded by g_stderr)

std::string grouped(std::size_t n) { return grouped_digits(std::to_string(n)); }

}  // namespace

std::string grouped_digits(std::string_view digits) {
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

void warn(std::string_view message) {
  std::lock_guard<std::mutex> lock(g_stderr);
  if (g_line_drawn) fmt::print(stderr, "\r\x1b[K");
  g_line_drawn = false;
  fmt::print(stderr, "sgopt: warning: {}\n", terminal_text(message));
}

std::string progress_line(const char* stage, std::size_t done, std::size_t total, double seconds) {
  std::string line = fmt::format("{}: {}", stage, grouped(done));
  double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
  if (total) {
    line += fmt::format(" of {} ({}%)", grouped(total), done * 100 / total);
    if (rate > 0 && done < total)
      line += fmt::format(", {}/s, about {} s left", grouped(static_cast<std::size_t>(rate)),
                          static_cast<std::size_t>(static_cast<double>(total - done) / rate + 0.5));
  } else if (rate > 0) {
    line += fmt::format(", {}/s", grouped(static_cast<std::size_t>(rate)));
  }
  return line;
}

ProgressDisplay::ProgressDisplay() {
  const char* term = std::getenv("TERM");
  if (g_quiet || !isatty(STDERR_FILENO) || (term && std::string_view(term) == "dumb")) return;
  thread_ = std::thread([this] {
    using Clock = std::chrono::steady_clock;
    const auto begin = Clock::now();
    const Progress& p = work_progress();
    const char* stage = nullptr;
    auto stage_begin = begin;
    std::unique_lock<std::mutex> wait_lock(wake_mutex_);
    while (!stop_) {
      wake_.wait_for(wait_lock, std::chrono::milliseconds(250));
      if (stop_) break;
      const char* now_stage = p.stage();
      auto now = Clock::now();
      if (now_stage != stage) {
        stage = now_stage;
        stage_begin = now;
      }
      std::lock_guard<std::mutex> lock(g_stderr);
      if (!stage || now - begin < std::chrono::seconds(2)) {
        if (g_line_drawn) fmt::print(stderr, "\r\x1b[K");
        g_line_drawn = false;
        continue;
      }
      double seconds = std::chrono::duration<double>(now - stage_begin).count();
      fmt::print(stderr, "\r{}\x1b[K", progress_line(stage, p.done(), p.total(), seconds));
      std::fflush(stderr);
      g_line_drawn = true;
    }
  });
}

ProgressDisplay::~ProgressDisplay() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(wake_mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
  std::lock_guard<std::mutex> lock(g_stderr);
  if (g_line_drawn) fmt::print(stderr, "\r\x1b[K");
  g_line_drawn = false;
}

bool stdout_is_terminal() { return isatty(STDOUT_FILENO) != 0; }

bool use_color() { return stdout_is_terminal() && std::getenv("NO_COLOR") == nullptr; }

}  // namespace sgopt::cli
