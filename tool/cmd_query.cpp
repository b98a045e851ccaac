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

/// Exit status of a query whose answer depends on whether the address is a member of a reference.
constexpr int kExitDepends = 3;

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
  std::string member_of;
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
  if (reference_type(o.peer))
    usage_error(
        fmt::format("--peer takes an address: a group or prefix list stands for the addresses of its "
                    "members, so give one of them and --member-of {}",
                    o.peer));
  auto a = parse_address(o.peer, &p.family);
  if (!a) usage_error(fmt::format("--peer: '{}' is not an IPv4 or IPv6 address", o.peer));
  p.addr = *a;
  if (!o.member_of.empty()) {
    auto ref = reference_type(o.member_of);
    if (!ref)
      usage_error(fmt::format("--member-of: '{}' is not a group (sg-...) or prefix list (pl-...)", o.member_of));
    p.member = Membership{*ref, *ref == PeerType::Group ? o.member_of.substr(o.member_of.find("sg-")) : o.member_of};
  }
  return p;
}

const char* member_words(const Membership& m) {
  return m.type == PeerType::Group ? "a private address of a member of" : "an entry of";
}

std::string rule_line(const QueryOptions& o, const std::string& id, const SgRule& r) {
  return fmt::format("  {} {}[{}] {}{}  ({})", id, o.egress ? "IpPermissionsEgress" : "IpPermissions",
                     r.source.permission_index, sg_rule_text(r),
                     r.source.description.empty() ? "" : fmt::format("  \"{}\"", r.source.description),
                     r.source.where.str());
}

// The references the asked groups' rules name, as the snapshot resolves them.
References asked_references(const Snapshot& s, const std::vector<std::string>& groups) {
  std::vector<Peer> named;
  for (const auto& id : groups)
    if (const SecurityGroup* g = s.find_group(id))
      for (Direction d : {Direction::Ingress, Direction::Egress})
        for (const SgRule& r : g->rules(d))
          if (!r.peer.is_cidr()) named.push_back(r.peer);
  return s.references.only(named);
}

int exit_status(const PacketDecision& d) {
  switch (d.decision) {
    case Decision::Allow: return cli::kExitOk;
    case Decision::Deny: return cli::kExitFindings;
    case Decision::Depends: return kExitDepends;
  }
  return cli::kExitFindings;
}

int query_groups(const Snapshot& s, const QueryOptions& o, const Packet& p) {
  Direction dir = o.egress ? Direction::Egress : Direction::Ingress;
  PacketDecision d = decide_packet(s, PacketQuery{o.groups, "", dir, p});
  std::string resources = fmt::format("{}", fmt::join(o.groups, " + "));
  if (o.format == cli::Format::Json) {
    nlohmann::json rules = nlohmann::json::array(), conditions = nlohmann::json::array();
    for (const auto& m : d.matched) rules.push_back(cli::rule_json(sg_rule_ref(m.group_id, dir, *m.rule)));
    for (const auto& c : d.conditions) {
      nlohmann::json cr = nlohmann::json::array();
      for (const auto& m : c.matched) cr.push_back(cli::rule_json(sg_rule_ref(m.group_id, dir, *m.rule)));
      conditions.push_back(
          {{"member_of", {{"type", c.member.type == PeerType::Group ? "group" : "prefix-list"}, {"id", c.member.id}}},
           {"rules", cr}});
    }
    nlohmann::json out{{"decision", decision_name(d.decision)},
                       {"world", world_name(d.world)},
                       {"resources", o.groups},
                       {"direction", direction_name(dir)},
                       {"packet", cli::packet_json(p)},
                       {"rules", rules},
                       {"conditions", conditions},
                       {"references", cli::references_json(asked_references(s, o.groups))}};
    cli::print("{}\n", out.dump(2));
    return exit_status(d);
  }
  const char* word = d.decision == Decision::Allow ? "ALLOW" : d.decision == Decision::Deny ? "DENY" : "DEPENDS";
  cli::print("{} {}: {} {}\n", resources, direction_name(dir), word, p.str());
  if (d.decision == Decision::Allow) {
    cli::print("matched by {} rule{}:\n", d.matched.size(), d.matched.size() == 1 ? "" : "s");
    for (const auto& m : d.matched) cli::print("{}\n", rule_line(o, m.group_id, *m.rule));
  } else if (d.decision == Decision::Depends) {
    std::string addr = format_address(p.family, p.addr);
    for (const auto& c : d.conditions) {
      cli::print("allowed if {} is {} {}, by:\n", addr, member_words(c.member), c.member.id);
      for (const auto& m : c.matched) cli::print("{}\n", rule_line(o, m.group_id, *m.rule));
    }
    cli::print("denied otherwise: no rule allows the address itself\n");
  } else {
    cli::print("no rule matches: security groups deny what no rule allows\n");
  }
  if (d.world == World::Closed)
    cli::print("closed world: this rests on the loaded members of the referenced groups and lists being complete\n");
  cli::print("{}", cli::references_text(asked_references(s, o.groups)));
  return exit_status(d);
}

int query_acl(const Snapshot& s, const QueryOptions& o, const Packet& p) {
  Direction dir = o.egress ? Direction::Egress : Direction::Ingress;
  PacketDecision decision = decide_packet(s, PacketQuery{{}, o.acl, dir, p});
  bool allowed = decision.allowed();
  const NaclEntry* decider = decision.decider;
  if (o.format == cli::Format::Json) {
    nlohmann::json rules = nlohmann::json::array();
    if (decider) rules.push_back(cli::rule_json(nacl_entry_ref(o.acl, *decider)));
    nlohmann::json out{{"decision", allowed ? "allow" : "deny"},
                       {"world", "open"},
                       {"resources", {o.acl}},
                       {"direction", direction_name(dir)},
                       {"packet", cli::packet_json(p)},
                       {"rules", rules},
                       {"conditions", nlohmann::json::array()},
                       {"references", nlohmann::json::array()}};
    cli::print("{}\n", out.dump(2));
  } else {
    cli::print("{} {}: {} {}\n", o.acl, direction_name(dir), allowed ? "ALLOW" : "DENY", p.str());
    if (decider)
      cli::print("decided by entry {}  ({})\n", nacl_entry_text(*decider), decider->source.where.str());
    else
      cli::print("no entry matches: denied by the implicit default\n");
  }
  return allowed ? cli::kExitOk : cli::kExitFindings;
}

}  // namespace

void register_query(CLI::App& app, cli::Runner& run) {
  auto o = std::make_shared<QueryOptions>();
  auto* cmd = app.add_subcommand("query", "Decide one packet: allow, deny or depends, and the rules that decide it");
  cmd->footer(
      "The peer is the source for ingress and the destination for egress. Several --group options ask about\n"
      "the union of those groups, as on an interface that carries them all.\n"
      "A rule naming a group matches the private addresses of the interfaces that carry the group. When\n"
      "describe-network-interfaces is loaded those members are known (closed world, and the answer says it\n"
      "rests on that input being complete); otherwise an address no CIDR rule allows may still be allowed\n"
      "if it belongs to a member: the answer is then DEPENDS, naming the groups or prefix lists that would\n"
      "allow it. --member-of says the address is a member of one.\n"
      "Exit status: 0 allowed, 1 denied, 3 depends on membership, 2 error.\n"
      "Examples:\n"
      "  sgopt query sgs.json --group sg-0123 --proto tcp --port 22 --peer 203.0.113.9\n"
      "  sgopt query sgs.json --group sg-0123 --proto tcp --port 443 --peer 10.1.2.3 --member-of sg-0456");
  cli::add_inputs(*cmd, o->files);
  auto* group = cmd->add_option("--group", o->groups, "Security group id to ask about (repeatable: their union)");
  auto* acl = cmd->add_option("--acl", o->acl, "Network ACL id to ask about");
  group->excludes(acl);
  cmd->add_flag("--egress", o->egress, "Ask about outbound traffic (default: inbound)");
  cmd->add_option("--proto", o->proto, "Protocol: tcp, udp, icmp, icmpv6 or a number 0-255")->required();
  cmd->add_option("--port", o->port, "Destination port (tcp, udp)")->check(CLI::Range(0, 65535));
  cmd->add_option("--icmp-type", o->icmp_type, "ICMP type (icmp, icmpv6)")->check(CLI::Range(0, 255));
  cmd->add_option("--icmp-code", o->icmp_code, "ICMP code (default 0)")->check(CLI::Range(0, 255));
  cmd->add_option("--peer", o->peer, "The peer's IPv4 or IPv6 address")->required();
  cmd->add_option("--member-of", o->member_of,
                  "The peer address belongs to this referenced group (sg-...) or prefix list (pl-...)");
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
