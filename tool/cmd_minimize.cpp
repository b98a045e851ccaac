// `sgopt minimize`: writes every group and ACL as its smallest equivalent rule set (proven), reports
// rules before/after/lower bound per quota bucket, and optionally the AWS CLI plan that applies it.
#include "model/aws/cli_plan.h"
#include "model/aws/writer.h"
#include "model/protocol.h"
#include "model/quota.h"
#include "model/rule_text.h"
#include "passes/transforms/minimize_snapshot.h"
#include "tool/cli.h"
#include "tool/json_shapes.h"
#include "tool/outputs.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <filesystem>

namespace sgopt {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

struct MinimizeCmdOptions {
  std::vector<std::string> files;
  std::string out;
  std::string plan;
  int quota = kSgRuleQuota;
  int nacl_quota = kNaclEntryQuota;
  bool widen_to_fit = false;
  unsigned proof_timeout_ms = 60000;
  unsigned proof_work = kDefaultProofWork;
  unsigned threads = 0;
  cli::Format format = cli::Format::Text;
};

// ----- the report -----

std::string bucket_text(Family f, const BucketCount& b) {
  std::string s = fmt::format("{} {} -> {}", family_name(f), b.before, b.after);
  if (b.optimal()) return s + " (optimal)";
  return s + fmt::format(" (at least {})", b.lower_bound);
}

std::string count_text(const BigCount& n) { return cli::grouped_digits(n.str()); }

// Lines and JSON on how a bucket over quota could fit: widenings and a split.
void advice_lines(std::vector<std::string>& lines, Json& jq, const QuotaAdvice& a, Family f,
                  const MinimizeCmdOptions& o) {
  constexpr std::size_t kPlansShown = 3;
  const auto& plans = a.widenings;
  jq["widening_plans"] = Json::array();
  for (const WideningPlan& p : plans)
    jq["widening_plans"].push_back({{"join", p.how},
                                    {"rules", p.bucket_rules},
                                    {"extra_points", cli::count_json(p.extra)},
                                    {"regions", p.added},
                                    {"regions_total", p.added_regions}});
  if (plans.empty()) {
    lines.push_back(
        fmt::format("    no widening of CIDRs or port ranges brings {} to {} rules", family_name(f), o.quota));
  } else {
    lines.push_back(fmt::format("    widening plans for {} (smallest exposure first{}):", family_name(f),
                                o.widen_to_fit ? "; the first is applied" : "; --widen-to-fit applies the first"));
  }
  for (std::size_t i = 0; i < plans.size() && i < kPlansShown; ++i) {
    const WideningPlan& p = plans[i];
    std::string more =
        p.added_regions > p.added.size() ? fmt::format("; and {} more regions", p.added_regions - p.added.size()) : "";
    lines.push_back(fmt::format("      {}. join {}: {} rules, admits {} more (address, protocol, port) points: {}{}",
                                i + 1, p.how, p.bucket_rules, count_text(p.extra), fmt::join(p.added, "; "), more));
  }
  const SplitPlan& split = a.split;
  std::vector<std::size_t> part_sizes;
  for (const auto& part : split.parts) part_sizes.push_back(part.size());
  jq["split"] = {{"groups", split.parts.size()},
                 {"rules_per_group", part_sizes},
                 {"interfaces", split.interfaces},
                 {"fits", split.fits},
                 {"why", split.why}};
  jq["widened"] = a.applied;
  std::string where = split.interfaces.empty()
                          ? "no interface data loaded (add describe-network-interfaces output to check attachments)"
                          : fmt::format("attach the new groups to {}", fmt::join(split.interfaces, ", "));
  lines.push_back(
      fmt::format("    split: {} groups of at most {} {} rules each, together equivalent (new groups must "
                  "have their default allow-all egress revoked); {}{}",
                  split.parts.size(), o.quota, family_name(f), where,
                  split.fits ? "" : fmt::format("; does not fit: {}", split.why)));
  if (a.applied)
    lines.push_back(fmt::format("    applied: join {}, admitting {} more points", plans.front().how,
                                count_text(plans.front().extra)));
}

int run_minimize(const MinimizeCmdOptions& o) {
  Snapshot s = cli::load(o.files);
  cli::require_known(s, "minimize");
  cli::OutputFiles outputs(o.files, s.files);
  outputs.claim(o.out, "--output");
  if (!o.plan.empty()) {
    outputs.claim(o.plan, "--plan");
    outputs.claim(o.plan + ".json", "--plan (its JSON twin)");
  }

  SnapshotMinimizeOptions mo;
  mo.proof.z3_timeout_ms = o.proof_timeout_ms;
  mo.proof.z3_work_units = o.proof_work;
  mo.quota = o.quota;
  mo.nacl_quota = o.nacl_quota;
  mo.widen_to_fit = o.widen_to_fit;
  mo.threads = o.threads;
  mo.group_changes = !o.plan.empty();          // only a plan needs them
  const References references = s.references;  // what the report says of them, once s is minimized
  SnapshotMinimizeResult r = minimize_snapshot(std::move(s), mo);

  std::string text;
  Json report{{"groups", Json::array()}, {"acls", Json::array()}};
  for (const GroupResult& g : r.group_results) {
    std::vector<std::string> parts;
    Json jg{{"id", g.id}, {"name", g.name}, {"directions", Json::array()}};
    for (const GroupDirectionResult& dr : g.directions) {
      const MinimizedRules& m = dr.minimized;
      std::vector<std::string> buckets, quota_lines;
      Json jd{{"direction", direction_name(dr.direction)}, {"buckets", Json::array()}};
      for (const BucketResult& br : dr.buckets) {
        const BucketCount& b = br.count;
        Family f = br.family;
        buckets.push_back(bucket_text(f, b));
        Json jb{{"family", family_name(f)},     {"before", b.before},     {"after", b.after},
                {"lower_bound", b.lower_bound}, {"optimal", b.optimal()}, {"over_quota", br.over_quota}};
        if (br.advice) {
          buckets.back() += b.lower_bound > o.quota
                                ? fmt::format(" over the quota of {}: no equivalent set fits (lower bound {})", o.quota,
                                              b.lower_bound)
                                : fmt::format(" over the quota of {}", o.quota);
          advice_lines(quota_lines, jb, *br.advice, f, o);
        }
        jd["buckets"].push_back(std::move(jb));
      }
      jd["changed"] = dr.changed;
      jd["proof"] = proof_name(m.proof);
      jd["note"] = m.note;
      jg["directions"].push_back(std::move(jd));
      std::string line = fmt::format("  {:<7} {}", direction_name(dr.direction), fmt::join(buckets, ", "));
      if (m.changed) line += fmt::format("; {}", proof_name(m.proof));
      if (!m.note.empty()) line += fmt::format("; {}", m.note);
      parts.push_back(line);
      parts.insert(parts.end(), quota_lines.begin(), quota_lines.end());
    }
    text += fmt::format("security group {}{}\n", g.id, g.name.empty() ? "" : fmt::format(" ({})", g.name));
    for (const auto& p : parts) text += p + "\n";
    report["groups"].push_back(std::move(jg));
  }
  for (const AclResult& a : r.acl_results) {
    text += fmt::format("network ACL {}\n", a.id);
    Json ja{{"id", a.id}, {"directions", Json::array()}};
    for (const AclDirectionResult& dr : a.directions) {
      const MinimizedEntries& m = dr.minimized;
      std::string line = fmt::format("  {:<7} {} -> {} entries", direction_name(dr.direction), m.before, m.after);
      if (m.changed) line += fmt::format("; {}", proof_name(m.proof));
      if (!m.note.empty()) line += fmt::format("; {}", m.note);
      Json jd{{"direction", direction_name(dr.direction)},
              {"before", m.before},
              {"after", m.after},
              {"changed", m.changed},
              {"proof", proof_name(m.proof)},
              {"note", m.note},
              {"over_quota", Json::array()}};
      for (const auto& [f, n] : dr.over_quota) {
        line += fmt::format("; {} {} entries, over the quota of {}", n, family_name(f), o.nacl_quota);
        jd["over_quota"].push_back(family_name(f));
      }
      text += line + "\n";
      ja["directions"].push_back(std::move(jd));
    }
    report["acls"].push_back(std::move(ja));
  }

  CliPlan plan = aws_cli_plan(r.group_changes, r.acl_changes);
  outputs.set_writer(o.out, [&r](const json::Sink& out) { write_snapshot(out, r.groups, r.acls); });
  if (!o.plan.empty()) {
    outputs.set(o.plan, plan.script);
    outputs.set(o.plan + ".json", plan.json);
  }
  outputs.write_all();
  int total_before = r.rules_before, total_after = r.rules_after;
  int acl_before = r.entries_before, acl_after = r.entries_after;
  std::string ratio = total_before > 0 ? fmt::format(" (ratio {:.2f})", double(total_after) / total_before) : "";
  text +=
      fmt::format("total: {} -> {} security group rules{}; {} -> {} ACL entries; wrote {}{}\n", total_before,
                  total_after, ratio, acl_before, acl_after, o.out,
                  o.plan.empty() ? "" : fmt::format(", plan {} ({} steps) and {}.json", o.plan, plan.steps, o.plan));
  for (const auto& n : plan.notes) text += "note: " + n + "\n";
  if (!references.all().empty())
    text += "references stay references: every rewrite is proven for every membership (open world)\n" +
            cli::references_text(references);
  if (o.format == cli::Format::Json) {
    report["world"] = "open";
    report["references"] = cli::references_json(references);
    report["total"] = {{"rules_before", total_before},
                       {"rules_after", total_after},
                       {"acl_entries_before", acl_before},
                       {"acl_entries_after", acl_after}};
    report["output"] = o.out;
    if (!o.plan.empty()) report["plan"] = {{"commands", o.plan}, {"json", o.plan + ".json"}, {"steps", plan.steps}};
    report["notes"] = plan.notes;
    cli::print("{}\n", report.dump(2));
  } else {
    cli::print("{}", text);
  }
  return r.over_quota > 0 || r.unproven > 0 ? cli::kExitFindings : cli::kExitOk;
}

}  // namespace

void register_minimize(CLI::App& app, cli::Runner& run) {
  auto opts = std::make_shared<MinimizeCmdOptions>();
  auto* cmd = app.add_subcommand("minimize", "Rewrite groups and ACLs into the smallest equivalent rule sets, proven");
  cli::add_inputs(*cmd, opts->files);
  cmd->add_option("-o,--output", opts->out, "Where to write the minimized groups and ACLs (describe-* JSON)")
      ->required();
  cmd->add_option("--plan", opts->plan,
                  "Also write the change as AWS CLI commands to PLAN and as JSON to PLAN.json; new rules are "
                  "authorized before old ones are revoked, so traffic is never dropped midway");
  cmd->add_option("--quota", opts->quota, "Rules per group, direction and family to fit (AWS default 60, at most 1000)")
      ->default_val(kSgRuleQuota)
      ->check(CLI::Range(1, 1000));
  cmd->add_option("--nacl-quota", opts->nacl_quota,
                  "Entries per ACL, direction and family to fit, default denies included (AWS default 20, at most 40)")
      ->default_val(kNaclEntryQuota)
      ->check(CLI::Range(1, 40));
  cmd->add_flag("--widen-to-fit", opts->widen_to_fit,
                "Apply the smallest widening that fits a bucket whose minimum exceeds --quota (never done without "
                "this flag)");
  cmd->add_option("--proof-budget", opts->proof_work,
                  "Z3 work units (its rlimit) to prove one group direction equivalent, the same on every machine "
                  "and under any load, so the same input always gives the same output; a rewrite whose proof does "
                  "not finish within it is not used (1 to 4000000000; the default is about 2 s here)")
      ->default_val(kDefaultProofWork)
      ->check(CLI::Range(1u, 4000000000u));
  cmd->add_option("--proof-timeout", opts->proof_timeout_ms,
                  "A last guard in milliseconds per proof (1 to 3600000); a proof it stops is reported as stopped "
                  "by the clock, the one case where the output can depend on the machine")
      ->default_val(60000)
      ->check(CLI::Range(1, 3600000));
  cli::add_threads_option(*cmd, opts->threads, "Worker threads, one Z3 context each");
  cli::add_format_option(*cmd, opts->format, false);
  cmd->footer(
      "Each group direction becomes the fewest rules AWS would count (IPv4 and IPv6 buckets apart) that\n"
      "allow exactly the same packets: duplicates and covered rules go, CIDRs aggregate, port ranges merge,\n"
      "'-1' replaces all protocols, and ports x addresses are chosen together. References and prefix lists\n"
      "stay as they are. Each line reports rules before -> after per bucket and says 'optimal' when a lower\n"
      "bound proves no equivalent set is smaller. Every rewrite is proven by the native engine and Z3 before\n"
      "it is written. ACLs lose entries that decide nothing and are renumbered 100, 200, ...\n"
      "Ids, names, tags, descriptions and unknown fields are kept; a merged rule's description names the\n"
      "rules it replaced. `sgopt diff FILE OUT.json` confirms the two are equivalent.\n"
      "A bucket that stays over --quota gets a proposal: widenings (CIDRs of a service joined by the\n"
      "optimal K-prefix cover, or port ranges joined), each with the exact traffic it would admit,\n"
      "smallest first, and a split into groups that together are equivalent. --widen-to-fit applies\n"
      "the first widening; nothing wider than the input is written otherwise.\n"
      "Examples:\n"
      "  sgopt minimize samples/web-sprawl.json -o web-min.json\n"
      "  sgopt minimize sgs.json nacls.json -o min.json --plan apply.sh   # then review and run apply.sh\n"
      "Exit status: 0 written and within quota, 1 written but a bucket is over quota or a rewrite was not\n"
      "proven (that group is left as it was), 2 error.");
  cmd->callback([&run, opts] { run = [opts] { return run_minimize(*opts); }; });
}

}  // namespace sgopt
