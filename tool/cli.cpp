// Shared CLI pieces.
#include "tool/cli.h"

#include "model/aws/loader.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <map>

namespace sgopt::cli {

void add_format_option(CLI::App& cmd, Format& format, bool allow_sarif) {
  std::map<std::string, Format> names{{"text", Format::Text}, {"json", Format::Json}};
  if (allow_sarif) names["sarif"] = Format::Sarif;
  cmd.add_option("--format", format,
                 allow_sarif ? "Output format: text (for people), json, or sarif (SARIF 2.1.0 for code scanning)"
                             : "Output format: text (for people) or json")
      ->transform(CLI::CheckedTransformer(names, CLI::ignore_case))
      ->option_text(allow_sarif ? "text|json|sarif (default: text)" : "text|json (default: text)");
}

void add_inputs(CLI::App& cmd, std::vector<std::string>& files) {
  cmd.add_option("FILE", files,
                 "describe-* JSON files (security groups, security group rules, network ACLs, network "
                 "interfaces, managed prefix lists), folders of them, or - for standard input")
      ->required();
}

namespace {
LoadOptions g_load_options;
}  // namespace

void add_global_options(CLI::App& app) {
  app.add_flag("--lenient", g_load_options.lenient,
               "Accept input AWS never exports but that has one clear reading (a group, ACL or interface id "
               "given twice; ICMP type -1 with a code), with a warning instead of an error");
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
  for (CLI::App* sub : app.get_subcommands({})) sub->fallthrough();
}

Snapshot load(const std::vector<std::string>& files, bool quiet) {
  Snapshot s = load_inputs(files, g_load_options);
  if (!quiet)
    for (const auto& w : s.warnings) fmt::print(stderr, "sgopt: warning: {}\n", terminal_text(w.str()));
  return s;
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

bool use_color() { return isatty(STDOUT_FILENO) && std::getenv("NO_COLOR") == nullptr; }

}  // namespace sgopt::cli
