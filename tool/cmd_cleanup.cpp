// `sgopt cleanup`: the account clean-up (unused, referenced-only, duplicate and tighter groups,
// ACLs with no subnet) as a dry-run summary, and with --plan the AWS CLI steps and their JSON.
// Every step is checked while it is planned, and the state after the whole plan is proved
// equivalent on every interface by Z3 before anything is written.
#include "model/aws/cli_plan.h"
#include "model/rule_text.h"
#include "passes/compare/diff.h"
#include "passes/transforms/cleanup.h"
#include "tool/cli.h"
#include "tool/outputs.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace sgopt {
namespace {

using Json = nlohmann::ordered_json;
using Action = CleanupStep::Action;

struct CleanupCmdOptions {
  std::vector<std::string> files;
  std::string plan;
  CleanupOptions cleanup;
  bool keep_referenced = false;
  bool no_duplicates = false;
  bool no_tighter = false;
  bool prove = true;
  unsigned timeout_ms = 10000;
  unsigned threads = 0;
  cli::Format format = cli::Format::Text;
};

std::string plural(std::size_t n, const char* one, const char* many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

std::string step_text(const CleanupStep& s) {
  switch (s.action) {
    case Action::AuthorizeRule:
      return fmt::format("authorize on {} {} {}", s.resource_id, direction_name(s.direction), sg_rule_text(s.rule));
    case Action::RevokeRule:
      return fmt::format("revoke from {} {} {}", s.resource_id, direction_name(s.direction), sg_rule_text(s.rule));
    case Action::SetInterfaceGroups:
      return fmt::format("set the groups of {} to {} (was {})", s.resource_id, fmt::join(s.groups, ", "),
                         fmt::join(s.before_groups, ", "));
    case Action::DeleteGroup: return fmt::format("delete security group {}", s.resource_id);
    case Action::DeleteAcl: return fmt::format("delete network ACL {}", s.resource_id);
  }
  return "";
}

// Z3 proves what every interface allows after the plan equal to what it allowed before.
struct PlanProof {
  std::size_t interfaces = 0, proved = 0;  // proved: by Z3, or identical rules in every direction
  std::size_t identical = 0;               // of those, the interfaces whose rules did not change
  std::vector<std::string> unknown;        // "eni-1 ingress: timeout"
  bool run = false;
};

PlanProof prove_plan(const Snapshot& before, const CleanupPlan& plan, const CleanupCmdOptions& o) {
  PlanProof p;
  if (!o.prove || plan.steps.empty()) return p;
  p.run = true;
  Snapshot b = before;
  b.resolve_references(ReferenceMode::Resolve);
  Snapshot a = replay_cleanup(b, plan.steps);
  DiffOptions d;
  d.interfaces = true;
  d.only_interfaces = true;
  ProveOptions po;
  po.timeout_ms = o.timeout_ms;
  po.threads = o.threads;
  // Only the interfaces' claims are the plan's to prove, in the world the plan was made in (members
  // as loaded): the groups it deletes or edits differ on their own by design, and a revoked rule
  // that named a memberless group is looser in the open world only.
  DiffReport r = diff_snapshots(b, a, d);
  std::vector<DirectionDiff*> claims;
  for (ResourceDiff& rd : r.resources)
    if (rd.kind == ResourceKind::Interface)
      for (DirectionDiff& dd : rd.directions) claims.push_back(&dd);
  prove_directions(claims, r.peers, po.timeout_ms, po.threads);
  for (const ResourceDiff& rd : r.resources) {
    if (rd.kind != ResourceKind::Interface) continue;
    ++p.interfaces;
    bool ok = true, same = true;
    for (const DirectionDiff& dd : rd.directions) {
      same = same && dd.proof == ProofState::Identical;
      if (dd.verdict() == Verdict::Equivalent) continue;
      ok = false;
      if (dd.verdict() != Verdict::Unknown)
        throw std::logic_error(
            fmt::format("internal error: the clean-up plan changes {} {}", rd.label(), direction_name(dd.direction)));
      p.unknown.push_back(fmt::format("{} {}: {}", rd.label(), direction_name(dd.direction), dd.proof_note));
    }
    if (ok) ++p.proved;
    if (ok && same) ++p.identical;
  }
  return p;
}

int run_cleanup(CleanupCmdOptions o) {
  Snapshot s = cli::load(o.files);
  cli::require_known(s, "cleanup");
  cli::OutputFiles outputs(o.files, s.files);
  if (!o.plan.empty()) {
    outputs.claim(o.plan, "--plan");
    outputs.claim(o.plan + ".json", "--plan (its JSON twin)");
  }
  o.cleanup.referenced = !o.keep_referenced;
  o.cleanup.duplicates = !o.no_duplicates;
  o.cleanup.tighter = !o.no_tighter;
  o.cleanup.threads = o.threads;
  CleanupPlan plan;
  try {
    plan = plan_cleanup(s, o.cleanup);
  } catch (const std::invalid_argument& e) {
    // Not one place in one file: what the inputs lack together.
    throw std::runtime_error(fmt::format("{} (read: {})", e.what(), fmt::join(o.files, ", ")));
  }
  PlanProof proof = prove_plan(s, plan, o);
  bool proved = !proof.run || proof.unknown.empty();

  std::vector<std::string> header{
      fmt::format("sgopt cleanup: {} steps; no step changes what any interface allows (each checked, the whole "
                  "plan proved on {} interfaces)",
                  plan.steps.size(), proof.interfaces)};
  for (const auto& a : plan.assumptions) header.push_back("assumes: " + a);
  Json steps_json;
  CliPlan cli_plan = aws_cleanup_plan(plan.steps, header, &steps_json);
  if (!o.plan.empty() && proved && !plan.steps.empty()) {
    outputs.set(o.plan, cli_plan.script);
    outputs.set(o.plan + ".json", cli_plan.json);
    outputs.write_all();
  }

  std::size_t revokes = 0, authorizes = 0;
  for (const CleanupStep& st : plan.steps) {
    revokes += st.action == Action::RevokeRule;
    authorizes += st.action == Action::AuthorizeRule;
  }
  if (o.format == cli::Format::Json) {
    Json j;
    j["tool"] = "sgopt cleanup";
    j["steps"] = std::move(steps_json);
    j["deleted_groups"] = plan.deleted_groups;
    j["deleted_acls"] = plan.deleted_acls;
    j["repointed_interfaces"] = plan.repointed_interfaces;
    j["not_planned"] = Json::array();
    for (const CleanupSkip& k : plan.skipped) {
      Json jk{{"resource_id", k.resource_id}, {"why", k.why}};
      if (!k.interface_id.empty()) jk["interface_id"] = k.interface_id;
      if (k.direction) jk["direction"] = direction_name(*k.direction);
      if (k.witness) jk["witness"] = k.witness->str();
      j["not_planned"].push_back(std::move(jk));
    }
    j["checks"] = plan.checks;
    j["proof"] = {{"run", proof.run},
                  {"interfaces", proof.interfaces},
                  {"proved", proof.proved},
                  {"identical", proof.identical},
                  {"unknown", proof.unknown}};
    j["assumptions"] = plan.assumptions;
    j["plan"] = o.plan.empty() || !proved || plan.steps.empty()
                    ? Json(nullptr)
                    : Json{{"commands", o.plan}, {"json", o.plan + ".json"}};
    cli::print("{}\n", j.dump(2));
  } else {
    std::string t = fmt::format("clean-up of {} groups, {} ACLs and {} interfaces ({}):\n", s.groups.size(),
                                s.acls.size(), s.interfaces.size(),
                                o.plan.empty() ? "a dry run, nothing is written or changed" : "nothing is changed");
    t += fmt::format("  delete {}{}{}\n", plural(plan.deleted_groups.size(), "security group", "security groups"),
                     plan.deleted_groups.empty() ? "" : ": ", fmt::join(plan.deleted_groups, ", "));
    t += fmt::format("  delete {}{}{}\n", plural(plan.deleted_acls.size(), "network ACL", "network ACLs"),
                     plan.deleted_acls.empty() ? "" : ": ", fmt::join(plan.deleted_acls, ", "));
    t += fmt::format("  re-point {}; authorize {} and revoke {} that name deleted groups\n",
                     plural(plan.repointed_interfaces, "interface", "interfaces"), plural(authorizes, "rule", "rules"),
                     plural(revokes, "rule", "rules"));
    if (!plan.steps.empty()) t += "steps, in order:\n";
    for (std::size_t i = 0; i < plan.steps.size(); ++i)
      t += fmt::format("  {:>3}. {}\n       because {}\n", i + 1, step_text(plan.steps[i]), plan.steps[i].why);
    if (!plan.skipped.empty()) t += "found but not planned:\n";
    for (const CleanupSkip& k : plan.skipped) t += fmt::format("  {}: {}\n", k.resource_id, k.why);
    t += fmt::format("checked: {} interface policies compared exactly while planning", plan.checks);
    if (proof.run)
      t += fmt::format(
          "; proved for {} of {} interfaces that they allow after the plan exactly what they allow now "
          "({} by Z3, {} with unchanged rules)",
          proof.proved, proof.interfaces, proof.proved - proof.identical, proof.identical);
    t += "\n";
    for (const auto& u : proof.unknown) t += "unknown: " + u + "\n";
    for (const auto& a : plan.assumptions) t += "assumes: " + a + "\n";
    if (!o.plan.empty()) {
      if (!proved)
        t += "no plan written: Z3 could not prove every interface unchanged (raise --timeout)\n";
      else if (plan.steps.empty())
        t += "nothing to clean up: no plan written\n";
      else
        t += fmt::format("wrote {} ({} steps) and {}.json\n", o.plan, plan.steps.size(), o.plan);
    }
    cli::print("{}", cli::terminal_safe(t));
  }
  return plan.steps.empty() && proved ? cli::kExitOk : cli::kExitFindings;
}

}  // namespace

void register_cleanup(CLI::App& app, cli::Runner& run) {
  auto opts = std::make_shared<CleanupCmdOptions>();
  auto* cmd = app.add_subcommand(
      "cleanup", "Plan the deletion of unused and duplicate groups and unused ACLs, with no traffic change");
  cli::add_inputs(*cmd, opts->files);
  cmd->add_option("--plan", opts->plan,
                  "Write the AWS CLI steps to this new file (a shell script) and the same steps to PLAN.json");
  cmd->add_flag("--keep-referenced", opts->keep_referenced,
                "Keep groups that no interface carries but other groups' rules name (and those rules)");
  cmd->add_flag("--no-duplicates", opts->no_duplicates, "Do not fold duplicate groups into the one kept");
  cmd->add_flag("--no-tighter", opts->no_tighter,
                "Do not remove groups that are tighter than another on every interface carrying them");
  cmd->add_option("--groups-per-interface", opts->cleanup.groups_per_interface,
                  "The security-groups-per-interface quota of the account (AWS default 5, at most 16)")
      ->default_val(5)
      ->check(CLI::Range(1, 16));
  cmd->add_flag("!--no-prove", opts->prove, "Skip the Z3 proof of the final state (the native checks still run)");
  cmd->add_option("--timeout", opts->timeout_ms, "Z3 timeout per interface direction, in milliseconds")
      ->default_val(10000)
      ->check(CLI::Range(1u, 3600000u));
  cli::add_threads_option(*cmd, opts->threads, "Proof workers, one Z3 context each");
  cli::add_format_option(*cmd, opts->format, false);
  cmd->footer(
      "Needs describe-security-groups and describe-network-interfaces output (describe-network-acls for\n"
      "ACLs; describe-launch-template-versions and autoscaling describe-launch-configurations output to\n"
      "see the groups launch data names). The plan, in order: duplicate groups folded into the group\n"
      "kept (the default group, else the one with most attachments, else the smallest id): rules that\n"
      "name a duplicate are re-pointed at the kept group, its interfaces get the kept group instead\n"
      "(modify-network-interface-attribute with the full new list), then it is deleted; groups that allow\n"
      "strictly less than another group on every interface carrying them leave those interfaces; rules\n"
      "naming groups no interface carries are revoked, and those groups deleted after every group that\n"
      "names them; ACLs with no subnet deleted. Nothing default, carried, or named by launch data is\n"
      "deleted. Each step is checked on every interface it can change, and one that would change what an\n"
      "interface allows leaves its consolidation out (listed with the interface and a witness packet).\n"
      "Exit status: 0 when there is nothing to clean up, 1 when there is (or a proof is unknown), 2 on\n"
      "bad input.\n"
      "Examples:\n"
      "  sgopt cleanup sgs.json enis.json                       # what would go, and why\n"
      "  sgopt cleanup exports/ --plan cleanup.sh               # then review and run cleanup.sh\n");
  cmd->callback([&run, opts] { run = [opts] { return run_cleanup(*opts); }; });
}

}  // namespace sgopt
