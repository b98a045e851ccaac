// `sgopt show`: the loaded model as a table, one line a rule, with quota use per bucket.
#include "model/json/stream.h"
#include "model/protocol.h"
#include "model/quota.h"
#include "model/rule_text.h"
#include "passes/finding.h"
#include "tool/cli.h"
#include "tool/json_shapes.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace sgopt {
namespace {

struct ShowOptions {
  std::vector<std::string> files;
  cli::Format format = cli::Format::Text;
};

std::string quota_line(const std::array<int, 4>& used, int quota) {
  std::string s;
  for (const auto& b : kQuotaBuckets) {
    int n = used[static_cast<size_t>(bucket_index(b.direction, b.family))];
    s += fmt::format("{}{} {}/{}", s.empty() ? "" : ", ", bucket_name(b.direction, b.family), n, quota);
  }
  return s;
}

// Buckets over their quota, as warnings a person can act on.
std::vector<std::string> over_quota(const std::array<int, 4>& used, int quota, int hard_max) {
  std::vector<std::string> out;
  for (const auto& b : kQuotaBuckets) {
    int n = used[static_cast<size_t>(bucket_index(b.direction, b.family))];
    if (n > quota) {
      std::string extra = hard_max > quota ? fmt::format(" (adjustable up to {})", hard_max) : "";
      out.push_back(
          fmt::format("{} uses {} of the default quota of {}{}", bucket_name(b.direction, b.family), n, quota, extra));
    }
  }
  return out;
}

std::array<int, 4> sg_used(const SecurityGroup& g, const Snapshot& s) { return count_sg_quota(g, &s).used; }

void print_text(const Snapshot& s) {
  bool first = true;
  for (const auto& g : s.groups) {
    if (!first) cli::print("\n");
    first = false;
    cli::print("security group {}{}{}\n", g.id, g.name.empty() ? "" : fmt::format(" ({})", g.name),
               g.vpc_id.empty() ? "" : fmt::format(" in {}", g.vpc_id));
    if (!g.address.empty() && g.address != g.id) cli::print("  declared by {}\n", g.address);
    if (g.partial)
      cli::print("  partial: the input declares some of this group's rules but does not describe the group\n");
    for (const auto& u : g.unresolved) cli::print("  {:<7} unknown: {}\n", direction_name(u.direction), u.what);
    cli::print("  quota: {}\n", quota_line(sg_used(g, s), kSgRuleQuota));
    for (const auto& w : over_quota(sg_used(g, s), kSgRuleQuota, 0)) cli::print("  warning: {}\n", w);
    for (Direction d : {Direction::Ingress, Direction::Egress}) {
      const auto& rules = g.rules(d);
      if (rules.empty()) {
        cli::print("  {:<7} (no rules: nothing allowed)\n", direction_name(d));
        continue;
      }
      for (const auto& r : rules)
        cli::print("  {:<7} {:<7} {:<18} {:<28} {}\n", direction_name(d), protocol_name(r.protocol),
                   ports_text(r.protocol, r.from_port, r.to_port), r.peer.str(), r.source.description);
    }
  }
  for (const auto& acl : s.acls) {
    if (!first) cli::print("\n");
    first = false;
    cli::print("network ACL {}{}{}\n", acl.id, acl.is_default ? " (default)" : "",
               acl.vpc_id.empty() ? "" : fmt::format(" in {}", acl.vpc_id));
    if (!acl.address.empty() && acl.address != acl.id) cli::print("  declared by {}\n", acl.address);
    for (const auto& u : acl.unresolved) cli::print("  {:<7} unknown: {}\n", direction_name(u.direction), u.what);
    if (!acl.subnet_ids.empty()) cli::print("  subnets: {}\n", fmt::join(acl.subnet_ids, ", "));
    auto used = count_nacl_quota(acl).used;
    cli::print("  entries: {}\n", quota_line(used, kNaclEntryQuota));
    for (const auto& w : over_quota(used, kNaclEntryQuota, kNaclEntryQuotaMax)) cli::print("  warning: {}\n", w);
    for (Direction d : {Direction::Ingress, Direction::Egress})
      for (const auto& e : acl.entries(d))
        cli::print("  {:<7} {:>5} {:<5} {:<7} {:<18} {}\n", direction_name(d),
                   e.is_default_deny() ? "*" : std::to_string(e.rule_number), e.allow ? "allow" : "deny",
                   protocol_name(e.protocol), nacl_ports_text(e), e.cidr.str());
  }
  if (!s.interfaces.empty()) {
    if (!first) cli::print("\n");
    cli::print("network interfaces\n");
    for (const auto& eni : s.interfaces) {
      std::vector<std::string> ips;
      for (u128 a : eni.private_ipv4) ips.push_back(format_address(Family::V4, a));
      for (u128 a : eni.ipv6) ips.push_back(format_address(Family::V6, a));
      for (const Cidr& c : eni.prefixes) ips.push_back(c.str());
      cli::print("  {:<24} groups: {:<44} addresses: {}\n", eni.id, fmt::format("{}", fmt::join(eni.group_ids, ",")),
                 fmt::format("{}", fmt::join(ips, ",")));
    }
  }
  std::string refs = cli::references_text(s.references);
  if (!refs.empty()) cli::print("\n{}", refs);
}

nlohmann::json bucket_json(const std::array<int, 4>& used) {
  nlohmann::json j;
  for (const auto& b : kQuotaBuckets)
    j[direction_name(b.direction)][b.family == Family::V4 ? "ipv4" : "ipv6"] =
        used[static_cast<size_t>(bucket_index(b.direction, b.family))];
  return j;
}

nlohmann::json group_json(const Snapshot& s, const SecurityGroup& g) {
  nlohmann::json jg{{"id", g.id}, {"name", g.name}, {"vpc_id", g.vpc_id}};
  if (!g.address.empty()) jg["address"] = g.address;
  if (g.partial) jg["partial"] = true;
  if (!g.unresolved.empty()) jg["unresolved"] = cli::unresolved_json(g.unresolved);
  auto used = sg_used(g, s);
  jg["quota"] = bucket_json(used);
  jg["quota_limit"] = kSgRuleQuota;
  jg["over_quota"] = over_quota(used, kSgRuleQuota, 0);
  jg["rules"] = nlohmann::json::array();
  for (Direction d : {Direction::Ingress, Direction::Egress})
    for (const auto& r : g.rules(d)) jg["rules"].push_back(cli::rule_json(sg_rule_ref(g.id, d, r)));
  return jg;
}

nlohmann::json acl_json(const NetworkAcl& acl) {
  nlohmann::json ja{
      {"id", acl.id}, {"vpc_id", acl.vpc_id}, {"is_default", acl.is_default}, {"subnets", acl.subnet_ids}};
  if (!acl.address.empty()) ja["address"] = acl.address;
  if (!acl.unresolved.empty()) ja["unresolved"] = cli::unresolved_json(acl.unresolved);
  auto used = count_nacl_quota(acl).used;
  ja["entries_count"] = bucket_json(used);
  ja["entries_per_direction"] = {{"ingress", acl.ingress.size()}, {"egress", acl.egress.size()}};
  ja["quota_limit"] = kNaclEntryQuota;
  ja["over_quota"] = over_quota(used, kNaclEntryQuota, kNaclEntryQuotaMax);
  ja["entries"] = nlohmann::json::array();
  for (Direction d : {Direction::Ingress, Direction::Egress})
    for (const auto& e : acl.entries(d)) ja["entries"].push_back(cli::rule_json(nacl_entry_ref(acl.id, e)));
  return ja;
}

nlohmann::json interface_json(const NetworkInterface& eni) {
  nlohmann::json ips = nlohmann::json::array();
  for (u128 a : eni.private_ipv4) ips.push_back(format_address(Family::V4, a));
  for (u128 a : eni.ipv6) ips.push_back(format_address(Family::V6, a));
  for (const Cidr& c : eni.prefixes) ips.push_back(c.str());
  return {{"id", eni.id}, {"subnet_id", eni.subnet_id}, {"groups", eni.group_ids}, {"addresses", ips}};
}

// One group, ACL or interface at a time (an account's report is several times its input).
void print_json(const Snapshot& s) {
  // Keys in nlohmann::json's (sorted) order, as dump() of the whole report wrote them.
  json::write_streamed_object<nlohmann::json>(
      [](std::string_view piece) { cli::print("{}", piece); },
      {
          {"acls", s.acls.size(), [&](std::size_t i) { return acl_json(s.acls[i]); }, std::nullopt},
          {"groups", s.groups.size(), [&](std::size_t i) { return group_json(s, s.groups[i]); }, std::nullopt},
          {"interfaces", s.interfaces.size(), [&](std::size_t i) { return interface_json(s.interfaces[i]); },
           std::nullopt},
          {"references", 0, {}, cli::references_json(s.references)},
          {"warnings", s.warnings.size(), [&](std::size_t i) { return nlohmann::json(s.warnings[i].str()); },
           std::nullopt},
      },
      json::StreamStyle{});
}

}  // namespace

void register_show(CLI::App& app, cli::Runner& run) {
  auto opts = std::make_shared<ShowOptions>();
  auto* cmd = app.add_subcommand("show", "Print every group, ACL and interface as a table, with quota use");
  cmd->footer(
      "Each line is one rule as AWS counts quota (one CIDR, group or prefix list). Security groups show\n"
      "rules per bucket (ingress/egress x IPv4/IPv6, 60 each by default); ACLs show entries per direction\n"
      "and family (20 by default, 40 at most, default denies included). Buckets over quota are warned.");
  cli::add_inputs(*cmd, opts->files);
  cli::add_format_option(*cmd, opts->format, false);
  cmd->callback([&run, opts] {
    run = [opts] {
      Snapshot s = cli::load(opts->files, opts->format == cli::Format::Json);
      if (opts->format == cli::Format::Json) {
        print_json(s);
      } else {
        print_text(s);
      }
      return cli::kExitOk;
    };
  });
}

}  // namespace sgopt
