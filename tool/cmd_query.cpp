// `sgopt query`: does a group (or ACL) allow one packet, and which rules say so (passes/query/decide.h
// decides it twice, through the Z3 encoding and the reference evaluator, before anything is printed).
#include "model/protocol.h"
#include "model/rule_text.h"
#include "passes/query/decide.h"
#include "tool/cli.h"
#include "tool/json_shapes.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace sgopt {
namespace {

struct QueryOptions {
  std::vector<std::string> files;
  std::vector<std::string> groups;
  std::string acl;
  bool egress = false;
  std::string proto;
  std::optional<int> port;
  std::optional<int> icmp_type;
  std::optional<int> icmp_code;
  std::string peer;
  cli::Format format = cli::Format::Text;
};

[[noreturn]] void usage_error(const std::string& msg) { throw std::invalid_argument(msg); }

Packet packet_from(const QueryOptions& o) {
  Packet p;
  std::string why;
  auto proto = parse_protocol(o.proto, &why);
  if (!proto) usage_error(fmt::format("--proto: {}", why));
  if (*proto < 0) usage_error("--proto: a packet has one protocol; give tcp, udp, icmp, icmpv6 or a number");
  p.protocol = *proto;
  if (is_port_protocol(p.protocol)) {
    if (!o.port) usage_error(fmt::format("--port is required for {}", protocol_name(p.protocol)));
    if (o.icmp_type || o.icmp_code) usage_error("--icmp-type/--icmp-code apply to icmp and icmpv6 only");
    p.port_key = *o.port;
  } else if (is_icmp_protocol(p.protocol)) {
    if (o.port) usage_error("--port does not apply to ICMP; use --icmp-type and --icmp-code");
    if (!o.icmp_type) usage_error(fmt::format("--icmp-type is required for {}", protocol_name(p.protocol)));
    p.port_key = *o.icmp_type * 256 + o.icmp_code.value_or(0);
  } else if (o.port || o.icmp_type || o.icmp_code) {
    usage_error(
        fmt::format("protocol {} has no ports; drop --port/--icmp-type/--icmp-code", protocol_name(p.protocol)));
  }
  const std::string& peer = o.peer;
  if (auto ref = reference_type(peer)) {
    p.peer_type = *ref;
    p.ref = *ref == PeerType::Group ? peer.substr(peer.find("sg-")) : peer;
  } else {
    Family f;
    auto a = parse_address(peer, &f);
    if (!a) usage_error(fmt::format("--peer: '{}' is not an IPv4/IPv6 address, sg-ID or pl-ID", peer));
    p.peer_type = peer_type_of(f);
    p.addr = *a;
  }
  return p;
}

int query_groups(const Snapshot& s, const QueryOptions& o, const Packet& p) {
  Direction dir = o.egress ? Direction::Egress : Direction::Ingress;
  PacketDecision decision = decide_packet(s, PacketQuery{o.groups, "", dir, p});
  bool allowed = decision.allowed;
  nlohmann::json rules = nlohmann::json::array();
  std::vector<std::string> lines;
  for (const auto& [id, rule] : decision.matched) {
    const SgRule& r = *rule;
    rules.push_back(cli::rule_json(sg_rule_ref(id, dir, r)));
    lines.push_back(fmt::format("  {} {}[{}] {}{}  ({})", id, o.egress ? "IpPermissionsEgress" : "IpPermissions",
                                r.source.permission_index, sg_rule_text(r),
                                r.source.description.empty() ? "" : fmt::format("  \"{}\"", r.source.description),
                                r.source.where.str()));
  }
  std::string resources = fmt::format("{}", fmt::join(o.groups, " + "));
  if (o.format == cli::Format::Json) {
    nlohmann::json out{{"decision", allowed ? "allow" : "deny"},
                       {"resources", o.groups},
                       {"direction", direction_name(dir)},
                       {"packet", cli::packet_json(p)},
                       {"rules", rules}};
    fmt::print("{}\n", out.dump(2));
  } else {
    fmt::print("{} {}: {} {}\n", resources, direction_name(dir), allowed ? "ALLOW" : "DENY", p.str());
    if (allowed) {
      fmt::print("matched by {} rule{}:\n", lines.size(), lines.size() == 1 ? "" : "s");
      for (const auto& l : lines) fmt::print("{}\n", l);
    } else {
      fmt::print("no rule matches: security groups deny what no rule allows\n");
    }
  }
  return allowed ? cli::kExitOk : cli::kExitFindings;
}

int query_acl(const Snapshot& s, const QueryOptions& o, const Packet& p) {
  Direction dir = o.egress ? Direction::Egress : Direction::Ingress;
  PacketDecision decision = decide_packet(s, PacketQuery{{}, o.acl, dir, p});
  bool allowed = decision.allowed;
  const NaclEntry* decider = decision.decider;
  if (o.format == cli::Format::Json) {
    nlohmann::json rules = nlohmann::json::array();
    if (decider) rules.push_back(cli::rule_json(nacl_entry_ref(o.acl, *decider)));
    nlohmann::json out{{"decision", allowed ? "allow" : "deny"},
                       {"resources", {o.acl}},
                       {"direction", direction_name(dir)},
                       {"packet", cli::packet_json(p)},
                       {"rules", rules}};
    fmt::print("{}\n", out.dump(2));
  } else {
    fmt::print("{} {}: {} {}\n", o.acl, direction_name(dir), allowed ? "ALLOW" : "DENY", p.str());
    if (decider)
      fmt::print("decided by entry {}  ({})\n", nacl_entry_text(*decider), decider->source.where.str());
    else
      fmt::print("no entry matches: denied by the implicit default\n");
  }
  return allowed ? cli::kExitOk : cli::kExitFindings;
}

}  // namespace

void register_query(CLI::App& app, cli::Runner& run) {
  auto o = std::make_shared<QueryOptions>();
  auto* cmd = app.add_subcommand("query", "Decide one packet: allow or deny, and the rules that decide it");
  cmd->footer(
      "The peer is the source for ingress and the destination for egress. Several --group options ask about\n"
      "the union of those groups, as on an interface that carries them all.\n"
      "Exit status: 0 allowed, 1 denied, 2 error.\n"
      "Example:\n"
      "  sgopt query sgs.json --group sg-0123 --proto tcp --port 22 --peer 203.0.113.9");
  cli::add_inputs(*cmd, o->files);
  auto* group = cmd->add_option("--group", o->groups, "Security group id to ask about (repeatable: their union)");
  auto* acl = cmd->add_option("--acl", o->acl, "Network ACL id to ask about");
  group->excludes(acl);
  cmd->add_flag("--egress", o->egress, "Ask about outbound traffic (default: inbound)");
  cmd->add_option("--proto", o->proto, "Protocol: tcp, udp, icmp, icmpv6 or a number 0-255")->required();
  cmd->add_option("--port", o->port, "Destination port (tcp, udp)")->check(CLI::Range(0, 65535));
  cmd->add_option("--icmp-type", o->icmp_type, "ICMP type (icmp, icmpv6)")->check(CLI::Range(0, 255));
  cmd->add_option("--icmp-code", o->icmp_code, "ICMP code (default 0)")->check(CLI::Range(0, 255));
  cmd->add_option("--peer", o->peer, "Peer: an IPv4/IPv6 address, sg-ID or pl-ID")->required();
  cli::add_format_option(*cmd, o->format, false);
  cmd->callback([&run, o] {
    run = [o] {
      if (o->groups.empty() && o->acl.empty()) usage_error("give --group ID or --acl ID");
      Packet p = packet_from(*o);
      Snapshot s = cli::load(o->files, o->format == cli::Format::Json);
      return o->acl.empty() ? query_groups(s, *o, p) : query_acl(s, *o, p);
    };
  });
}

}  // namespace sgopt
