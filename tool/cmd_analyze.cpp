// `sgopt analyze`: runs the registered analyses over the inputs and reports findings as text, JSON
// or SARIF, with an exit status for CI.
#include "passes/pass.h"
#include "tool/cli.h"
#include "tool/findings_output.h"
#include "tool/outputs.h"

#include <fmt/format.h>

#include <functional>
#include <memory>
#include <sstream>

namespace sgopt {
namespace {

struct AnalyzeOptions {
  std::vector<std::string> files;
  std::string passes;
  bool list_passes = false;
  cli::Format format = cli::Format::Text;
  std::string fail_on = "medium";
  std::string out;
  unsigned threads = 0;
  AnalysisOptions analysis;
};

std::vector<const Pass*> select_passes(const std::string& list) {
  if (list.empty()) return all_passes();
  std::vector<const Pass*> out;
  std::stringstream ss(list);
  std::string name;
  while (std::getline(ss, name, ',')) {
    if (name.empty()) continue;
    const Pass* p = find_pass(name);
    if (!p) {
      std::vector<std::string> known;
      for (const Pass* q : all_passes()) known.emplace_back(q->name());
      throw InputError(Diagnostic{{}, fmt::format("unknown pass '{}' (known: {})", name, fmt::join(known, ", "))});
    }
    if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
  }
  return out;
}

int run_analyze(const AnalyzeOptions& o) {
  if (o.list_passes) {
    for (const Pass* p : all_passes()) {
      cli::print("{:<24} {}\n", p->name(), p->description());
      for (const FindingKind* k : p->kinds())
        cli::print("  {:<32} {:<8} {}\n", k->id, severity_name(k->severity), k->help);
    }
    return cli::kExitOk;
  }
  if (o.files.empty()) throw InputError(Diagnostic{{}, "analyze needs at least one FILE (or --list-passes)"});
  std::optional<Severity> fail_on;  // --fail-on was checked by CLI11 (IsMember)
  if (o.fail_on != "none") fail_on = parse_severity(o.fail_on);
  auto passes = select_passes(o.passes);
  Snapshot s = cli::load(o.files, o.format != cli::Format::Text);
  cli::OutputFiles outputs(o.files, s.files);
  if (!o.out.empty()) outputs.claim(o.out, "--out");
  ReportInfo info;
  info.inputs = o.files;
  for (const Pass* p : passes) info.passes.emplace_back(p->name());
  info.fail_on = fail_on;
  info.references = &s.references;

  // The report is written as the analysis goes, one resource's findings at a time (on a large
  // account it is several times the input): into the --out file's temporary copy, or to standard
  // output. A terminal gets it whole at the end, not interleaved with the progress line.
  std::pair<unsigned, unsigned> threads{0, 0};
  auto report = [&](const json::Sink& out) {
    std::unique_ptr<FindingsWriter> writer;
    switch (o.format) {
      case cli::Format::Text:
      case cli::Format::Markdown:  // not offered by analyze
        writer = text_findings_writer(out, s, info, o.out.empty() && cli::use_color());
        break;
      case cli::Format::Json: writer = json_findings_writer(out, info); break;
      case cli::Format::Sarif: writer = sarif_findings_writer(out, s, info); break;
    }
    run_analyses(
        s, passes, o.analysis, o.threads,
        [&](std::vector<Finding>& findings) {
          for (const Finding& f : findings) writer->add(f);
        },
        &threads);
    writer->finish();
  };
  if (!o.out.empty()) {
    outputs.set_writer(o.out, report);
    outputs.write_all();
  } else if (cli::stdout_is_terminal()) {
    std::string text;
    report([&text](std::string_view piece) { text += piece; });
    fmt::print("{}", text);
  } else {
    report([](std::string_view piece) { fmt::print("{}", piece); });
  }
  if (threads.second < threads.first)
    cli::warn(fmt::format("the system allowed only {} of {} worker threads; the analysis ran on {}", threads.second,
                          threads.first, threads.second));
  // Claims that rest on values the input leaves open were dropped: nothing proves those
  // directions clean, so unless --fail-on none the exit status says not clean.
  std::size_t open = open_directions(s);
  if (open > 0)
    cli::warn(
        fmt::format("{} direction{} of groups and ACLs rest{} on values the input leaves open (the warnings "
                    "above say which): what depends on them is unknown, not clean{}",
                    open, open == 1 ? "" : "s", open == 1 ? "s" : "", info.fail_on ? "; exit status 1" : ""));
  return info.failed || (open > 0 && info.fail_on) ? cli::kExitFindings : cli::kExitOk;
}

}  // namespace

void register_analyze(CLI::App& app, cli::Runner& run) {
  auto o = std::make_shared<AnalyzeOptions>();
  auto* cmd = app.add_subcommand(
      "analyze", "Find redundant, shadowed and overly permissive rules and quota problems, each claim proved");
  cmd->footer(
      "Examples:\n"
      "  sgopt analyze samples/web-sprawl.json samples/network-interfaces.json\n"
      "  sgopt analyze samples/nacl-shadowed.json --passes nacl-shadowing,overly-permissive\n"
      "  sgopt analyze exports/ --format sarif --out sgopt.sarif --fail-on high\n"
      "  sgopt analyze samples/three-tier.json --passes return-path-blocked,dead-group-rule,effective-exposure\n"
      "Passes judge what the rules allow together (security groups: any rule; ACLs: first match), with an\n"
      "exact packet-set engine; every witness packet is re-checked by a plain reading of AWS's rules.\n"
      "With describe-network-acls, -network-interfaces and -subnets loaded, the cross-layer passes judge\n"
      "both layers together: a packet must cross the subnet's ACL (stateless: replies are judged too, at\n"
      "--ephemeral-ports) and be allowed by the interface's groups.\n"
      "Terraform plans and states, CloudFormation templates and AWS Config history load too (a plan: its\n"
      "planned state). Claims that rest on a value the input leaves open (known only after apply, an\n"
      "intrinsic that needs the account) are dropped, and the run is then not clean.\n"
      "Exit status: 0 when no finding is at or above --fail-on and no value is left open, 1 otherwise\n"
      "(--fail-on none: always 0), 2 on bad input.");
  cli::add_inputs(*cmd, o->files);
  cmd->get_option("FILE")->required(false);
  cmd->add_option("--passes", o->passes, "Comma-separated passes to run (default: all; see --list-passes)");
  cmd->add_flag("--list-passes", o->list_passes, "List the passes with a one-line description and exit");
  cli::add_format_option(*cmd, o->format, true);
  cmd->add_option("--fail-on", o->fail_on,
                  "Exit with status 1 when a finding has this severity or higher: info, low, medium, high, "
                  "critical, or none")
      ->check(CLI::IsMember({"info", "low", "medium", "high", "critical", "none"}))
      ->default_str("medium");
  cmd->add_option("--out", o->out, "Write the report to this new file (atomically) instead of standard output");
  cmd->add_option("--max-port-range", o->analysis.max_port_range,
                  "overly-permissive: report open tcp/udp port ranges wider than this many ports")
      ->default_str(std::to_string(o->analysis.max_port_range))
      ->check(CLI::Range(0, 65535));
  cmd->add_option("--large-exposure-v4", o->analysis.large_exposure_v4_prefix,
                  "overly-permissive: report high-risk ports open to at least a /N worth of public IPv4 addresses")
      ->default_str(std::to_string(o->analysis.large_exposure_v4_prefix))
      ->check(CLI::Range(0, 32));
  cmd->add_option("--large-exposure-v6", o->analysis.large_exposure_v6_prefix,
                  "overly-permissive: the same for IPv6 (a /N worth of global unicast addresses)")
      ->default_str(std::to_string(o->analysis.large_exposure_v6_prefix))
      ->check(CLI::Range(0, 128));
  cli::add_ephemeral_option(*cmd, o->analysis.ephemeral);
  cli::add_threads_option(*cmd, o->threads, "Worker threads");
  cmd->callback([&run, o] { run = [o] { return run_analyze(*o); }; });
}

}  // namespace sgopt
