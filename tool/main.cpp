// sgopt: the command-line tool. Maps outcomes to exit statuses: 0 clean/equivalent,
// 1 findings/different, 2 error (3: a query that depends on membership).
#include "model/diagnostic.h"
#include "tool/cli.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <sys/resource.h>

#include <exception>
#include <new>

int main(int argc, char** argv) {
  CLI::App app{
      "sgopt: exact analysis and optimization of AWS security groups and network ACLs.\n"
      "Reads the JSON that `aws ec2 describe-security-groups`, `describe-security-group-rules`,\n"
      "`describe-network-acls`, `describe-network-interfaces`, `describe-managed-prefix-lists`,\n"
      "`get-managed-prefix-list-entries` and `describe-stale-security-groups` print, Terraform plans and\n"
      "states (`terraform show -json`), CloudFormation templates (JSON or YAML) and AWS Config history,\n"
      "and proves what it claims. A referenced group stands for its members' addresses, a prefix list\n"
      "for its entries; a value the input leaves open (known only after apply) makes what rests on it\n"
      "unknown, never assumed.",
      "sgopt"};
  app.set_version_flag("--version", "sgopt " SGOPT_VERSION);
  app.require_subcommand(1);
  app.footer(
      "Examples:\n"
      "  sgopt diff plan.json --expect tighter-or-equal --format markdown   # prove a Terraform change\n"
      "  sgopt show samples/web-sprawl.json\n"
      "  sgopt query samples/web-sprawl.json --group sg-0a1b2c3d4e5f60001 --proto tcp --port 22 "
      "--peer 203.0.113.9\n"
      "Run `sgopt COMMAND --help` for the options of one command.\n"
      "Exit status: 0 clean or equivalent, 1 findings or different, 2 error (query: 3 when the answer\n"
      "depends on what a referenced group or prefix list holds).");
  sgopt::cli::Runner run;
#define SGOPT_COMMAND(name) sgopt::register_##name(app, run);
#include "tool/commands.def"
#undef SGOPT_COMMAND
  sgopt::cli::add_global_options(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help
    // CLI11's own words, with the arguments they quote made safe for the terminal.
    fmt::print(stderr, "{}\nRun with --help for more information.\n", sgopt::cli::terminal_text(e.what()));
    return sgopt::cli::kExitError;
  }
  try {
    sgopt::cli::ProgressDisplay progress;
    return run ? run() : sgopt::cli::kExitError;
  } catch (const std::bad_alloc&) {
    // Outputs are staged and renamed only at the end, so nothing was written.
    struct rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    fmt::print(stderr,
               "sgopt: error: out of memory: an allocation failed with {} MB in use at the peak, so the run needs "
               "more than that; nothing was written. Give it more memory (ulimit -v, the container's limit) or "
               "split the input (one VPC or account per run)\n",
               usage.ru_maxrss / 1024);
  } catch (const std::exception& e) {
    fmt::print(stderr, "sgopt: error: {}\n", sgopt::cli::terminal_text(e.what()));
  }
  return sgopt::cli::kExitError;
}
