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
  std::string interface;
  EphemeralPorts ephemeral;
  std::optional<int> client_port;
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
                     r.where().str());
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

nlohmann::json matched_json(const std::vector<MatchedRule>& matched, Direction dir) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& m : matched) out.push_back(cli::rule_json(sg_rule_ref(m.group_id, dir, *m.rule)));
  return out;
}

// Depends: each reference whose members the packet would be allowed for, and the rules that would.
nlohmann::json conditions_json(const PacketDecision& d, Direction dir) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& c : d.conditions)
    out.push_back(
        {{"member_of", {{"type", c.member.type == PeerType::Group ? "group" : "prefix-list"}, {"id", c.member.id}}},
         {"rules", matched_json(c.matched, dir)}});
  return out;
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
    nlohmann::json rules = matched_json(d.matched, dir), conditions = conditions_json(d, dir);
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

const char* verdict_words(InterfaceDecision::Verdict v) {
  using V = InterfaceDecision::Verdict;
  switch (v) {
    case V::Answered: return "ANSWERED: both layers accept the request and its replies pass";
    case V::RepliesPartlyDropped: return "ACCEPTED, but the network ACL drops the replies to some client ports";
    case V::RepliesDropped: return "ACCEPTED, but the network ACL drops every reply: the connection cannot work";
    case V::Denied: return "DENIED";
    case V::Unknown: return "UNKNOWN: one layer's answer is not known (see the layers below)";
  }
  return "UNKNOWN";
}

int interface_exit(InterfaceDecision::Verdict v) {
  using V = InterfaceDecision::Verdict;
  return v == V::Answered ? cli::kExitOk : v == V::Unknown ? kExitDepends : cli::kExitFindings;
}

std::string entry_line(const NetworkAcl& acl, const NaclDecision& d) {
  if (!d.entry) return fmt::format("{} DENY: no entry matches (the implicit deny, *)", acl.id);
  return fmt::format("{} {} by entry {}  ({})", acl.id, d.allow ? "ALLOW" : "DENY", nacl_entry_text(*d.entry),
                     d.entry->source.where.str());
}

std::string ports_text(const ReplyPorts& r, int protocol) {
  if (!is_port_protocol(protocol)) return "no port";
  return r.lo == r.hi ? fmt::format("{}", r.lo) : fmt::format("{}-{}", r.lo, r.hi);
}

std::vector<std::string> interface_assumptions(const InterfaceDecision& d) {
  std::vector<std::string> out;
  if (!d.place.subnet_assumption.empty()) out.push_back(d.place.subnet_assumption);
  if (!d.place.acl) out.push_back(fmt::format("the network ACL is unknown: {}", d.place.acl_why));
  for (const auto& g : d.place.missing_groups)
    out.push_back(fmt::format("{} is on the interface but no loaded input defines it", g));
  if (d.groups.world == World::Closed)
    out.push_back("closed world: the groups' answer rests on the loaded members of referenced groups and lists");
  out.push_back(
      "routing is not modelled: this says what the two filtering layers do to the packet, not whether a "
      "route brings it there");
  return out;
}

int query_interface(const Snapshot& s, const QueryOptions& o, const Packet& p) {
  Direction dir = o.egress ? Direction::Egress : Direction::Ingress;
  Direction back = o.egress ? Direction::Ingress : Direction::Egress;
  InterfaceDecision d = decide_on_interface(s, o.interface, dir, p, o.ephemeral, o.client_port);
  const NetworkAcl* acl = d.place.acl;
  std::string peer = format_address(p.family, p.addr);
  if (o.format == cli::Format::Json) {
    nlohmann::json acl_json{{"id", acl ? nlohmann::json(acl->id) : nlohmann::json()},
                            {"how", d.place.acl_why},
                            {"same_subnet", d.same_subnet}};
    if (d.acl) {
      acl_json["decision"] = d.acl->allow ? "allow" : "deny";
      acl_json["entry"] = d.acl->entry ? cli::rule_json(nacl_entry_ref(acl->id, *d.acl->entry)) : nlohmann::json();
    } else {
      acl_json["decision"] = d.same_subnet ? "not-crossed" : "unknown";
    }
    nlohmann::json rules = matched_json(d.groups.matched, dir), conditions = conditions_json(d.groups, dir),
                   groups = nlohmann::json::array();
    for (const SecurityGroup* g : d.place.groups) groups.push_back(g->id);
    nlohmann::json replies = nlohmann::json::array();
    for (const ReplyPorts& r : d.replies) {
      nlohmann::json j{
          {"decision", r.acl.allow ? "allow" : "deny"},
          {"entry", r.acl.entry ? cli::rule_json(nacl_entry_ref(acl->id, *r.acl.entry)) : nlohmann::json()}};
      if (is_port_protocol(p.protocol)) j["ports"] = {r.lo, r.hi};
      replies.push_back(j);
    }
    nlohmann::json out{
        {"verdict", verdict_name(d.verdict)},
        {"interface", o.interface},
        {"subnet", d.place.eni->subnet_id},
        {"public_ip", d.place.eni->public_ip},
        {"direction", direction_name(dir)},
        {"packet", cli::packet_json(p)},
        {"acl", acl_json},
        {"groups",
         {{"ids", groups},
          {"missing", d.place.missing_groups},
          {"decision", d.place.no_groups() ? "not-filtered" : decision_name(d.groups.decision)},
          {"world", world_name(d.groups.world)},
          {"rules", rules},
          {"conditions", conditions}}},
        {"reply",
         {{"judged", d.reply_checked},
          {"acl_direction", direction_name(back)},
          {"ephemeral_ports", d.ephemeral.str()},
          {"by_client_port", replies}}},
        {"assumptions", interface_assumptions(d)},
        {"references", cli::references_json(asked_references(s, groups.get<std::vector<std::string>>()))}};
    cli::print("{}\n", out.dump(2));
    return interface_exit(d.verdict);
  }
  cli::print("{} {}: {}\n", o.interface, direction_name(dir), p.str());
  cli::print("verdict: {}\n", verdict_words(d.verdict));
  const NetworkInterface& eni = *d.place.eni;
  cli::print("interface: subnet {}{}, {}\n", eni.subnet_id.empty() ? "unknown" : eni.subnet_id,
             eni.public_ip.empty() ? ", no public IP" : fmt::format(", public IP {}", eni.public_ip), d.place.acl_why);
  cli::print("request\n");
  if (d.same_subnet)
    cli::print("  network ACL: not crossed ({} is in the interface's subnet)\n", peer);
  else if (d.acl)
    cli::print("  network ACL {}: {}\n", direction_name(dir), entry_line(*acl, *d.acl));
  else
    cli::print("  network ACL: UNKNOWN ({})\n", d.place.acl_why);
  std::vector<std::string> ids;
  for (const SecurityGroup* g : d.place.groups) ids.push_back(g->id);
  ids.insert(ids.end(), d.place.missing_groups.begin(), d.place.missing_groups.end());
  std::string union_text = ids.empty() ? "none" : fmt::format("{}", fmt::join(ids, " + "));
  if (d.groups.decision == Decision::Allow) {
    cli::print("  groups {}: ALLOW by {} rule{}:\n", union_text, d.groups.matched.size(),
               d.groups.matched.size() == 1 ? "" : "s");
    for (const auto& m : d.groups.matched) cli::print("  {}\n", rule_line(o, m.group_id, *m.rule));
  } else if (d.groups.decision == Decision::Depends) {
    cli::print("  groups {}: DEPENDS\n", union_text);
    for (const auto& c : d.groups.conditions) {
      cli::print("    allowed if {} is {} {}, by:\n", peer, member_words(c.member), c.member.id);
      for (const auto& m : c.matched) cli::print("  {}\n", rule_line(o, m.group_id, *m.rule));
    }
  } else if (d.place.no_groups()) {
    cli::print(
        "  groups: NONE: no security group is attached{} (NAT gateways, transit gateway attachments and load "
        "balancers created without groups carry none); what it forwards is not judged here\n",
        eni.interface_type.empty() ? "" : fmt::format(" to this {} interface", eni.interface_type));
  } else if (!d.place.missing_groups.empty()) {
    cli::print("  groups {}: UNKNOWN: no loaded group allows it, and {} {} not loaded\n", union_text,
               fmt::join(d.place.missing_groups, ", "), d.place.missing_groups.size() == 1 ? "is" : "are");
  } else {
    cli::print("  groups {}: DENY: no rule matches\n", union_text);
  }
  cli::print("{}\n", d.verdict == InterfaceDecision::Verdict::Denied ? "reply, were the request accepted" : "reply");
  cli::print("  groups: pass (security groups are stateful: the reply of an allowed request is allowed)\n");
  if (is_icmp_protocol(p.protocol)) {
    cli::print("  network ACL: not judged (ICMP replies are other messages; ask about them as requests)\n");
  } else if (d.same_subnet) {
    cli::print("  network ACL: not crossed\n");
  } else if (!acl) {
    cli::print("  network ACL: UNKNOWN\n");
  } else {
    cli::print("  network ACL {}, {} {} {}{}:\n", direction_name(back), protocol_name(p.protocol),
               o.egress ? "from" : "to", peer,
               is_port_protocol(p.protocol)
                   ? fmt::format(", {} client port{} {}", o.egress ? "the interface's" : "the peer's",
                                 d.ephemeral.lo == d.ephemeral.hi ? "" : "s", d.ephemeral.str())
                   : "");
    for (const ReplyPorts& r : d.replies)
      cli::print("    {:<12} {}\n", ports_text(r, p.protocol), entry_line(*acl, r.acl));
  }
  for (const std::string& a : interface_assumptions(d)) cli::print("note: {}\n", a);
  return interface_exit(d.verdict);
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
      "--interface asks both layers at once, as AWS decides: the network ACL of the interface's subnet and the\n"
      "union of the interface's groups judge the request, and for every protocol but ICMP (whose replies are\n"
      "other messages) the ACL's other direction judges the reply, to each client port of --ephemeral-ports (or to\n"
      "--client-port). Load describe-network-interfaces and describe-network-acls (and describe-subnets, so that\n"
      "traffic inside the subnet is known not to cross the ACL).\n"
      "Exit status: 0 allowed (with --interface: accepted and every reply passes), 1 denied (or a reply\n"
      "dropped), 3 depends on membership or on what is not loaded, 2 error.\n"
      "Examples:\n"
      "  sgopt query sgs.json --group sg-0123 --proto tcp --port 22 --peer 203.0.113.9\n"
      "  sgopt query sgs.json --group sg-0123 --proto tcp --port 443 --peer 10.1.2.3 --member-of sg-0456\n"
      "  sgopt query samples/three-tier.json --interface eni-0web0000000000001 --proto tcp --port 443 \\\n"
      "      --peer 203.0.113.9 --ephemeral-ports 32768-61000");
  cli::add_inputs(*cmd, o->files);
  auto* group = cmd->add_option("--group", o->groups, "Security group id to ask about (repeatable: their union)");
  auto* acl = cmd->add_option("--acl", o->acl, "Network ACL id to ask about");
  auto* eni =
      cmd->add_option("--interface", o->interface,
                      "Network interface id (eni-...): both layers, the subnet's ACL and the interface's groups, "
                      "and the reply");
  group->excludes(acl);
  eni->excludes(group);
  eni->excludes(acl);
  cmd->add_flag("--egress", o->egress, "Ask about outbound traffic (default: inbound)");
  cmd->add_option("--proto", o->proto, "Protocol: tcp, udp, icmp, icmpv6 or a number 0-255")->required();
  cmd->add_option("--port", o->port, "Destination port (tcp, udp)")->check(CLI::Range(0, 65535));
  cmd->add_option("--icmp-type", o->icmp_type, "ICMP type (icmp, icmpv6)")->check(CLI::Range(0, 255));
  cmd->add_option("--icmp-code", o->icmp_code, "ICMP code (default 0)")->check(CLI::Range(0, 255));
  cmd->add_option("--peer", o->peer, "The peer's IPv4 or IPv6 address")->required();
  cmd->add_option("--member-of", o->member_of,
                  "The peer address belongs to this referenced group (sg-...) or prefix list (pl-...)");
  cli::add_ephemeral_option(*cmd, o->ephemeral);
  cmd->add_option("--client-port", o->client_port,
                  "With --interface: judge the reply to this one client port instead of the ephemeral range")
      ->check(CLI::Range(0, 65535))
      ->needs(eni);
  cli::add_format_option(*cmd, o->format, false);
  cmd->callback([&run, o] {
    run = [o] {
      if (o->groups.empty() && o->acl.empty() && o->interface.empty())
        usage_error("give --group ID, --acl ID or --interface ID");
      Packet p = packet_from(*o);
      Snapshot s = cli::load(o->files, o->format == cli::Format::Json);
      // A value the input leaves open can allow (a group's rule) or decide (an ACL's entry) the
      // packet: only an allow by the known rules of groups still holds.
      Direction dir = o->egress ? Direction::Egress : Direction::Ingress;
      std::vector<const Unresolved*> open;
      auto note = [&](const std::vector<Unresolved>& us) {
        for (const auto& u : us)
          if (u.direction == dir) open.push_back(&u);
      };
      if (o->interface.empty() && o->acl.empty()) {
        for (const auto& id : o->groups)
          if (const SecurityGroup* g = s.find_group(id)) note(g->unresolved);
        if (!open.empty() && decide_packet(s, PacketQuery{o->groups, "", dir, p}).decision == Decision::Allow)
          open.clear();
      } else if (o->interface.empty()) {
        if (const NetworkAcl* a = s.find_acl(o->acl)) note(a->unresolved);
      }
      if (!open.empty()) {
        for (const Unresolved* u : open) cli::warn(fmt::format("{}: {}", u->where.str(), u->what));
        cli::print("unknown: the decision rests on {} value{} the input leaves open (above)\n", open.size(),
                   open.size() == 1 ? "" : "s");
        return kExitDepends;
      }
      if (!o->interface.empty()) return query_interface(s, *o, p);
      return o->acl.empty() ? query_groups(s, *o, p) : query_acl(s, *o, p);
    };
  });
}

}  // namespace sgopt
