// `sgopt minimize`: writes every group and ACL as its smallest equivalent rule set (proven), reports
// rules before/after/lower bound per quota bucket, and optionally the AWS CLI plan that applies it.
#include <fmt/format.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "model/aws/writer.h"
#include "model/protocol.h"
#include "model/quota.h"
#include "model/rule_text.h"
#include "passes/transforms/change_plan.h"
#include "passes/transforms/minimize.h"
#include "passes/transforms/quota_plan.h"
#include "tool/cli.h"

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
  unsigned proof_timeout_ms = 2000;
  cli::Format format = cli::Format::Text;
};

// ----- the plan -----

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// --ip-permissions JSON for rules (rules with equal protocol and ports share one permission).
Json ip_permissions(const std::vector<SgRule>& rules, bool with_descriptions) {
  Json perms = Json::array();
  std::vector<std::tuple<int, std::optional<int>, std::optional<int>>> keys;
  for (const SgRule& r : rules) {
    auto key = std::make_tuple(r.protocol, r.from_port, r.to_port);
    auto it = std::find(keys.begin(), keys.end(), key);
    if (it == keys.end()) {
      keys.push_back(key);
      Json p;
      p["IpProtocol"] = r.protocol == kAllProtocols ? "-1" : protocol_name(r.protocol);
      if (r.from_port) p["FromPort"] = *r.from_port;
      if (r.to_port) p["ToPort"] = *r.to_port;
      perms.push_back(std::move(p));
      it = keys.end() - 1;
    }
    Json& p = perms[static_cast<std::size_t>(it - keys.begin())];
    Json peer;
    const char* list = "IpRanges";
    switch (r.peer.type) {
      case PeerType::Ipv4: peer["CidrIp"] = r.peer.cidr.str(); break;
      case PeerType::Ipv6:
        list = "Ipv6Ranges";
        peer["CidrIpv6"] = r.peer.cidr.str();
        break;
      case PeerType::PrefixList:
        list = "PrefixListIds";
        peer["PrefixListId"] = r.peer.ref;
        break;
      case PeerType::Group:
        list = "UserIdGroupPairs";
        peer["GroupId"] = r.peer.ref;
        if (!r.peer.user_id.empty()) peer["UserId"] = r.peer.user_id;
        break;
    }
    if (with_descriptions && !r.source.description.empty()) peer["Description"] = r.source.description;
    p[list].push_back(std::move(peer));
  }
  return perms;
}

struct Plan {
  std::vector<std::string> commands;
  Json steps = Json::array();
  bool every_step_equivalent = true;
  std::vector<std::string> notes;
};

void add_sg_steps(Plan& plan, const std::vector<SgChange>& changes, bool authorize) {
  for (const SgChange& c : changes) {
    const auto& rules = authorize ? c.authorize : c.revoke;
    if (rules.empty()) continue;
    std::string action = fmt::format("{}-security-group-{}", authorize ? "authorize" : "revoke",
                                     c.direction == Direction::Ingress ? "ingress" : "egress");
    Json perms = ip_permissions(rules, authorize);
    plan.commands.push_back(fmt::format("aws ec2 {} --group-id {} --ip-permissions {}", action, c.group_id,
                                        shell_quote(perms.dump())));
    plan.steps.push_back({{"action", action}, {"group_id", c.group_id}, {"ip_permissions", perms}});
  }
}

void add_nacl_steps(Plan& plan, const std::string& acl_id, Direction d, const NaclPlan& np) {
  const char* dir = d == Direction::Ingress ? "--ingress" : "--egress";
  for (const NaclStep& s : np.steps) {
    const char* action = s.action == NaclStep::Action::Create    ? "create-network-acl-entry"
                         : s.action == NaclStep::Action::Replace ? "replace-network-acl-entry"
                                                                 : "delete-network-acl-entry";
    Json step{{"action", action}, {"network_acl_id", acl_id}, {"egress", d == Direction::Egress},
              {"rule_number", s.rule_number}};
    std::string cmd = fmt::format("aws ec2 {} --network-acl-id {} {} --rule-number {}", action, acl_id, dir, s.rule_number);
    if (s.action != NaclStep::Action::Delete) {
      const NaclEntry& e = s.entry;
      std::string cidr_opt = e.cidr.family == Family::V4 ? "--cidr-block" : "--ipv6-cidr-block";
      cmd += fmt::format(" --protocol {} --rule-action {} {} {}", e.protocol, e.allow ? "allow" : "deny", cidr_opt,
                         e.cidr.str());
      step["protocol"] = std::to_string(e.protocol);
      step["rule_action"] = e.allow ? "allow" : "deny";
      step[e.cidr.family == Family::V4 ? "cidr_block" : "ipv6_cidr_block"] = e.cidr.str();
      if (e.port_range) {
        cmd += fmt::format(" --port-range From={},To={}", e.port_range->from, e.port_range->to);
        step["port_range"] = {{"From", e.port_range->from}, {"To", e.port_range->to}};
      }
      if (e.icmp) {
        cmd += fmt::format(" --icmp-type-code Type={},Code={}", e.icmp->type, e.icmp->code);
        step["icmp_type_code"] = {{"Type", e.icmp->type}, {"Code", e.icmp->code}};
      }
    }
    plan.commands.push_back(cmd);
    plan.steps.push_back(std::move(step));
  }
  if (!np.every_step_equivalent) {
    plan.every_step_equivalent = false;
    plan.notes.push_back(fmt::format("{} {}: no entry-by-entry order keeps every decision; apply these steps "
                                     "together (for example in a maintenance window)",
                                     acl_id, direction_name(d)));
  }
}

// ----- the report -----

std::string bucket_text(Family f, const BucketCount& b) {
  std::string s = fmt::format("{} {} -> {}", family_name(f), b.before, b.after);
  if (b.optimal()) return s + " (optimal)";
  return s + fmt::format(" (at least {})", b.lower_bound);
}

std::string count_text(const BigCount& n) {
  std::string digits = n.str();
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// Lines on how a bucket over quota could fit: widenings (applied with --widen-to-fit, which then
// replaces `rules`) and a split. Returns true when the bucket now fits.
bool quota_advice(std::vector<std::string>& lines, Json& jq, const SecurityGroup& g, std::vector<SgRule>& rules,
                  Family f, const MinimizeCmdOptions& o, const Snapshot& s) {
  constexpr std::size_t kPlansShown = 3;
  auto plans = widening_plans(rules, f, o.quota, &s);
  jq["widening_plans"] = Json::array();
  for (const WideningPlan& p : plans)
    jq["widening_plans"].push_back({{"join", p.how}, {"rules", p.bucket_rules}, {"extra_points", p.extra.str()},
                                    {"regions", p.added}, {"regions_total", p.added_regions}});
  if (plans.empty()) {
    lines.push_back(fmt::format("    no widening of CIDRs or port ranges brings {} to {} rules", family_name(f), o.quota));
  } else {
    lines.push_back(fmt::format("    widening plans for {} (smallest exposure first{}):", family_name(f),
                                o.widen_to_fit ? "; the first is applied" : "; --widen-to-fit applies the first"));
  }
  for (std::size_t i = 0; i < plans.size() && i < kPlansShown; ++i) {
    const WideningPlan& p = plans[i];
    std::string more = p.added_regions > p.added.size() ? fmt::format("; and {} more regions", p.added_regions - p.added.size()) : "";
    lines.push_back(fmt::format("      {}. join {}: {} rules, admits {} more (address, protocol, port) points: {}{}", i + 1,
                                p.how, p.bucket_rules, count_text(p.extra), fmt::join(p.added, "; "), more));
  }
  SplitPlan split = split_plan(g, rules, f, o.quota, s);
  std::vector<std::size_t> part_sizes;
  for (const auto& part : split.parts) part_sizes.push_back(part.size());
  jq["split"] = {{"groups", split.parts.size()}, {"rules_per_group", part_sizes}, {"interfaces", split.interfaces},
                 {"fits", split.fits}, {"why", split.why}};
  jq["widened"] = o.widen_to_fit && !plans.empty();
  std::string where = split.interfaces.empty()
                          ? "no interface data loaded (add describe-network-interfaces output to check attachments)"
                          : fmt::format("attach the new groups to {}", fmt::join(split.interfaces, ", "));
  lines.push_back(fmt::format("    split: {} groups of at most {} {} rules each, together equivalent (new groups must "
                              "have their default allow-all egress revoked); {}{}",
                              split.parts.size(), o.quota, family_name(f), where,
                              split.fits ? "" : fmt::format("; does not fit: {}", split.why)));
  if (o.widen_to_fit && !plans.empty()) {
    rules = plans.front().rules;
    lines.push_back(fmt::format("    applied: join {}, admitting {} more points", plans.front().how,
                                count_text(plans.front().extra)));
    return true;
  }
  return false;
}

bool refers_to_input(const std::string& out, const Snapshot& s) {
  std::error_code ec;
  if (!fs::exists(out, ec)) return false;
  for (const auto& f : s.files)
    if (f != "-" && fs::exists(f, ec) && fs::equivalent(out, f, ec)) return true;
  return false;
}

int run_minimize(const MinimizeCmdOptions& o) {
  Snapshot s = cli::load(o.files);
  if (s.groups.empty() && s.acls.empty())
    throw InputError(Diagnostic{Location{}, "the input has no security groups or network ACLs to minimize"});
  for (const std::string& target : {o.out, o.plan, o.plan.empty() ? std::string() : o.plan + ".json"})
    if (!target.empty() && refers_to_input(target, s))
      throw InputError(Diagnostic{Location{target, "", 0}, "is one of the input files; choose another output"});

  MinimizeOptions mo;
  mo.z3_timeout_ms = o.proof_timeout_ms;
  std::vector<SecurityGroup> groups = s.groups;
  std::vector<SgChange> changes;
  int total_before = 0, total_after = 0, over = 0, unproven = 0;
  std::string text;
  Json report{{"groups", Json::array()}, {"acls", Json::array()}};
  for (SecurityGroup& g : groups) {
    std::vector<std::string> parts;
    Json jg{{"id", g.id}, {"name", g.name}, {"directions", Json::array()}};
    for (Direction d : {Direction::Ingress, Direction::Egress}) {
      if (g.rules(d).empty()) continue;
      MinimizedRules m = minimize_sg_rules(g.rules(d), g.id, &s, mo);
      std::vector<SgRule> rules = m.changed ? m.rules : g.rules(d);
      std::vector<std::string> buckets, quota_lines;
      Json jd{{"direction", direction_name(d)}, {"buckets", Json::array()}};
      bool widened = false;
      for (Family f : {Family::V4, Family::V6}) {
        const BucketCount& b = m.buckets[static_cast<std::size_t>(f)];
        if (b.before == 0) continue;
        buckets.push_back(bucket_text(f, b));
        total_before += b.before;
        total_after += b.after;
        Json jb{{"family", family_name(f)}, {"before", b.before}, {"after", b.after}, {"lower_bound", b.lower_bound},
                {"optimal", b.optimal()}, {"over_quota", b.after > o.quota}};
        if (b.after <= o.quota) {
          jd["buckets"].push_back(std::move(jb));
          continue;
        }
        buckets.back() += b.lower_bound > o.quota
                              ? fmt::format(" over the quota of {}: no equivalent set fits (lower bound {})",
                                            o.quota, b.lower_bound)
                              : fmt::format(" over the quota of {}", o.quota);
        if (quota_advice(quota_lines, jb, g, rules, f, o, s)) {
          widened = true;
        } else {
          ++over;
        }
        jd["buckets"].push_back(std::move(jb));
      }
      jd["changed"] = m.changed || widened;
      jd["proof"] = proof_name(m.proof);
      jd["note"] = m.note;
      jg["directions"].push_back(std::move(jd));
      std::string line = fmt::format("  {:<7} {}", direction_name(d), fmt::join(buckets, ", "));
      if (m.changed) line += fmt::format("; {}", proof_name(m.proof));
      if (!m.note.empty()) {
        line += fmt::format("; {}", m.note);
        ++unproven;
      }
      parts.push_back(line);
      parts.insert(parts.end(), quota_lines.begin(), quota_lines.end());
      if (m.changed || widened) {
        changes.push_back(sg_change(g.id, d, g.rules(d), rules));
        g.rules(d) = std::move(rules);
      }
    }
    text += fmt::format("security group {}{}\n", g.id, g.name.empty() ? "" : fmt::format(" ({})", g.name));
    for (const auto& p : parts) text += p + "\n";
    report["groups"].push_back(std::move(jg));
  }

  Plan plan;
  add_sg_steps(plan, changes, true);
  add_sg_steps(plan, changes, false);
  std::vector<NetworkAcl> acls = s.acls;
  int acl_before = 0, acl_after = 0;
  for (NetworkAcl& a : acls) {
    text += fmt::format("network ACL {}\n", a.id);
    Json ja{{"id", a.id}, {"directions", Json::array()}};
    for (Direction d : {Direction::Ingress, Direction::Egress}) {
      MinimizedEntries m = minimize_nacl_entries(a.entries(d), mo);
      acl_before += m.before;
      acl_after += m.after;
      std::string line = fmt::format("  {:<7} {} -> {} entries", direction_name(d), m.before, m.after);
      if (m.changed) line += fmt::format("; {}", proof_name(m.proof));
      if (!m.note.empty()) {
        line += fmt::format("; {}", m.note);
        ++unproven;
      }
      std::vector<NaclEntry> result = m.changed ? m.entries : a.entries(d);
      Json jd{{"direction", direction_name(d)}, {"before", m.before}, {"after", m.after}, {"changed", m.changed},
              {"proof", proof_name(m.proof)}, {"note", m.note}, {"over_quota", Json::array()}};
      for (Family f : {Family::V4, Family::V6}) {
        auto n = std::count_if(result.begin(), result.end(), [&](const NaclEntry& e) { return e.cidr.family == f; });
        if (n > o.nacl_quota) {
          ++over;
          line += fmt::format("; {} {} entries, over the quota of {}", n, family_name(f), o.nacl_quota);
          jd["over_quota"].push_back(family_name(f));
        }
      }
      text += line + "\n";
      ja["directions"].push_back(std::move(jd));
      if (m.changed) {
        add_nacl_steps(plan, a.id, d, nacl_plan(a.entries(d), m.entries));
        a.entries(d) = std::move(m.entries);
      }
    }
    report["acls"].push_back(std::move(ja));
  }

  Json doc = Json::object();
  if (!groups.empty()) doc["SecurityGroups"] = Json::parse(write_security_groups(groups))["SecurityGroups"];
  if (!acls.empty()) doc["NetworkAcls"] = Json::parse(write_network_acls(acls))["NetworkAcls"];
  write_file_atomic(o.out, doc.dump(4) + "\n");
  if (!o.plan.empty()) {
    std::string sh =
        "#!/bin/sh\n# sgopt minimize: new rules are authorized before old ones are revoked, and ACL entries\n"
        "# change one at a time so that no step changes what the rules allow.\nset -e\n";
    for (const auto& n : plan.notes) sh += "# note: " + n + "\n";
    for (const auto& c : plan.commands) sh += c + "\n";
    write_file_atomic(o.plan, sh);
    Json pj{{"every_step_equivalent", plan.every_step_equivalent}, {"notes", plan.notes}, {"steps", plan.steps}};
    write_file_atomic(o.plan + ".json", pj.dump(2) + "\n");
  }
  std::string ratio = total_before > 0 ? fmt::format(" (ratio {:.2f})", double(total_after) / total_before) : "";
  text += fmt::format("total: {} -> {} security group rules{}; {} -> {} ACL entries; wrote {}{}\n", total_before,
                      total_after, ratio, acl_before, acl_after, o.out,
                      o.plan.empty() ? "" : fmt::format(", plan {} ({} steps) and {}.json", o.plan, plan.steps.size(), o.plan));
  for (const auto& n : plan.notes) text += "note: " + n + "\n";
  if (o.format == cli::Format::Json) {
    report["total"] = {{"rules_before", total_before}, {"rules_after", total_after},
                       {"acl_entries_before", acl_before}, {"acl_entries_after", acl_after}};
    report["output"] = o.out;
    if (!o.plan.empty()) report["plan"] = {{"commands", o.plan}, {"json", o.plan + ".json"}, {"steps", plan.steps.size()}};
    report["notes"] = plan.notes;
    fmt::print("{}\n", report.dump(2));
  } else {
    fmt::print("{}", text);
  }
  return over > 0 || unproven > 0 ? cli::kExitFindings : cli::kExitOk;
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
  cmd->add_option("--quota", opts->quota, "Rules per group, direction and family to fit (AWS default 60)")
      ->default_val(kSgRuleQuota)
      ->check(CLI::PositiveNumber);
  cmd->add_option("--nacl-quota", opts->nacl_quota,
                  "Entries per ACL, direction and family to fit, default denies included (AWS default 20, at most 40)")
      ->default_val(kNaclEntryQuota)
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--widen-to-fit", opts->widen_to_fit,
                "Apply the smallest widening that fits a bucket whose minimum exceeds --quota (never done without "
                "this flag)");
  cmd->add_option("--proof-timeout", opts->proof_timeout_ms,
                  "Milliseconds Z3 may take to prove one group direction equivalent; a rewrite whose proof does "
                  "not finish is not used")
      ->default_val(2000);
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
