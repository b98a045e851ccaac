// Pass overly-permissive: finds traffic that security groups (union of rules) and network ACLs
// (first match) open to the whole internet or to large public address blocks: remote
// administration ports, Security Hub EC2.19's high-risk ports, CIFS, all traffic, all ports, wide
// port ranges, the default group allowing traffic, and unrestricted egress. Every finding states
// the exact number of packets (addresses x protocol/port pairs) and addresses exposed. It changes
// nothing.
#include "passes/analyses/overly_permissive.h"

#include "model/packet.h"
#include "model/protocol.h"
#include "model/rule_text.h"
#include "model/topology.h"
#include "passes/analyses/cross_layer.h"
#include "passes/pass.h"
#include "solver/coverage.h"
#include "solver/effective.h"
#include "solver/rule_sets.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <optional>

namespace sgopt {

Service tcp_udp_ports(const std::vector<int>& ports) {
  Service s;
  for (int p : ports) {
    s.push_back(MatchBox{kTcp, kTcp, p, p});
    s.push_back(MatchBox{kUdp, kUdp, p, p});
  }
  return s;
}

PacketSet family_region(Family f, const Service& service) {
  std::vector<Box> boxes;
  for (const auto& m : service)
    boxes.push_back(kind_box(peer_kind_of(f), 0, max_address(f), m.proto_lo, m.proto_hi, m.port_lo, m.port_hi));
  return PacketSet::from_boxes(boxes);
}

static PacketSet build_public_region(Family f) {
  const Service all{MatchBox{}};
  if (f == Family::V6) {
    Cidr global{Family::V6, static_cast<u128>(1) << 125, 3};  // 2000::/3
    return PacketSet::from_box(kind_box(kPeerIpv6, global.first(), global.last()));
  }
  static const char* const kSpecial[] = {"0.0.0.0/8",      "10.0.0.0/8",    "100.64.0.0/10",   "127.0.0.0/8",
                                         "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24",    "192.0.2.0/24",
                                         "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24",
                                         "224.0.0.0/4",    "240.0.0.0/4"};
  std::vector<Box> special;
  for (const char* text : kSpecial) {
    Cidr c = parse_cidr(text, Family::V4, nullptr)->cidr;
    special.push_back(kind_box(kPeerIpv4, c.first(), c.last()));
  }
  return family_region(f, all).subtract(PacketSet::from_boxes(special));
}

PacketSet public_region(Family f) {
  static const PacketSet v4 = build_public_region(Family::V4);
  static const PacketSet v6 = build_public_region(Family::V6);
  return f == Family::V4 ? v4 : v6;
}

PacketSet open_to_everyone(const PacketSet& allowed, Family f, const Service& service) {
  // A line open to everyone is allowed at the lowest and the highest address: when nothing is,
  // skip the projection (the common case).
  for (u128 a : {u128{0}, max_address(f)}) {
    PacketSet at = allowed.intersect(PacketSet::from_box(kind_box(peer_kind_of(f), a, a)));
    if (at.empty()) return PacketSet{};
  }
  PacketSet region = family_region(f, service);
  std::vector<Box> holes = region.subtract(allowed).boxes();
  for (auto& b : holes) {
    b.addr_lo = 0;
    b.addr_hi = max_address(f);
  }
  return region.subtract(PacketSet::from_boxes(holes));
}

BigCount address_count(const PacketSet& s) {
  std::vector<std::pair<u128, u128>> spans[2];
  for (const auto& b : s.boxes())
    if (b.kind_lo == kind_of(b.family())) spans[b.family() == Family::V4 ? 0 : 1].push_back({b.addr_lo, b.addr_hi});
  BigCount total = 0;
  for (auto& v : spans) {
    std::sort(v.begin(), v.end());
    bool open = false;
    u128 lo = 0, hi = 0;
    for (const auto& [a, z] : v) {
      if (open && a <= hi + 1 && hi + 1 != 0) {
        hi = std::max(hi, z);
        continue;
      }
      if (open) total += BigCount(hi - lo) + 1;
      open = true;
      lo = a;
      hi = z;
    }
    if (open) total += BigCount(hi - lo) + 1;
  }
  return total;
}

std::vector<Box> wide_port_ranges(const PacketSet& allowed, Family f, int max_ports) {
  PacketSet region = family_region(f, {MatchBox{kTcp, kTcp, 0, kMaxPortKey}, MatchBox{kUdp, kUdp, 0, kMaxPortKey}});
  std::vector<Box> out;
  for (const auto& b : allowed.intersect(region).boxes()) {
    int width = b.port_hi - b.port_lo + 1;
    if (width > max_ports) out.push_back(b);
  }
  return out;
}

const std::vector<int>& ec2_19_ports() {
  static const std::vector<int> ports = {20,   21,   22,   23,   25,   110,  135,  143,  445,  1433, 1434, 3000,
                                         3306, 3389, 4333, 5000, 5432, 5500, 5601, 8080, 8088, 8888, 9200, 9300};
  return ports;
}

namespace {

// The severities other than their default that these kinds are reported at (exposure_finding's
// `sev`, and acl_protection's lowering).
constexpr const char* kLoweredByAcl =
    "the network ACL of every interface carrying the group denies this traffic from the internet, so it "
    "cannot reach them today; it would as soon as an interface is placed behind a more open ACL";
constexpr SeverityCase kLoweredCases[] = {{Severity::Low, kLoweredByAcl}};
constexpr SeverityCase kAdminCases[] = {
    {Severity::Medium,
     "a network ACL lets the port through from the whole internet under first match; the security groups "
     "behind it may still stop it"},
    {Severity::Low, kLoweredByAcl}};

constexpr FindingKind kOpenAdminPort{
    "open-admin-port",
    "OpenAdminPort",
    "Remote administration (SSH 22, RDP 3389) is open to every address of the family.",
    help_uri::kEc2Controls,
    Severity::High,
    Concern::Security,
    "SSH and RDP are scanned and brute-forced from the whole internet within minutes of being opened; an exposed "
    "login service is a common first step of a breach. CIS and Security Hub (EC2.13, EC2.14, EC2.21) flag it.",
    "Allow ports 22 and 3389 only from the networks administrators use (a VPN, a bastion's group), or close them "
    "and use AWS Systems Manager Session Manager or EC2 Instance Connect instead.",
    kAdminCases};
constexpr FindingKind kOpenAllTraffic{
    "open-all-traffic",
    "OpenAllTraffic",
    "Every protocol and port is open to every address of the family.",
    help_uri::kEc2Controls,
    Severity::Critical,
    Concern::Security,
    "Every service listening on the interfaces, including ones nobody meant to publish (databases, admin "
    "consoles, metadata proxies), is reachable by anyone on the internet.",
    "Replace the rules that together allow all traffic from 0.0.0.0/0 or ::/0 with rules for the ports and "
    "sources the workload needs; the finding lists the rules that contribute.",
    kLoweredCases};
constexpr FindingKind kOpenAllPorts{
    "open-all-ports",
    "OpenAllPorts",
    "Every tcp or udp port is open to every address of the family.",
    help_uri::kEc2Controls,
    Severity::High,
    Concern::Security,
    "Every tcp or udp service on the interfaces is reachable from the whole internet, whether or not it was "
    "meant to be public.",
    "Open only the ports the service needs, and from the sources that need them.",
    kLoweredCases};
constexpr FindingKind kOpenCifs{
    "open-cifs",
    "OpenCifs",
    "CIFS/SMB (445) is open to every address of the family.",
    help_uri::kEc2Controls,
    Severity::High,
    Concern::Security,
    "SMB is a frequent target of worms and ransomware (WannaCry spread through it) and should never face the "
    "internet.",
    "Allow port 445 only from the trusted networks that mount the shares, or remove the rule.",
    kLoweredCases};
constexpr FindingKind kOpenHighRiskPorts{
    "open-high-risk-ports",
    "OpenHighRiskPorts",
    "Ports Security Hub EC2.19 calls high-risk are open to every address of the family.",
    help_uri::kEc2Controls,
    Severity::High,
    Concern::Security,
    "These ports (FTP, Telnet, SMTP, databases, Elasticsearch, Kibana and others) serve protocols that are "
    "unencrypted, unauthenticated by default or often exploited, and anyone on the internet can reach them.",
    "Allow these ports only from the networks that need them; put databases and internal consoles behind "
    "private subnets or a load balancer.",
    kLoweredCases};
constexpr FindingKind kLargePublicExposure{
    "large-public-exposure",
    "LargePublicExposure",
    "High-risk ports are open to a large block of public addresses (not the whole internet).",
    help_uri::kEc2Controls,
    Severity::Medium,
    Concern::Security,
    "A block of public addresses this large (by default at least a /16 of IPv4 or a /32 of IPv6) is shared by "
    "many unrelated parties, so the high-risk ports are effectively public.",
    "Narrow the sources to the specific addresses or groups that need these ports.",
    kLoweredCases};
constexpr FindingKind kLargePortRange{
    "large-port-range",
    "LargePortRange",
    "A tcp or udp port range wider than the configured limit is open.",
    help_uri::kSecurityGroups,
    Severity::Low,
    Concern::Security,
    "A wide range opens every service that happens to listen inside it, not only the one the rule was written "
    "for, which makes the rule hard to review.",
    "Open only the ports the service uses (the limit is --max-port-range)."};
constexpr FindingKind kDefaultGroupOpen{
    "default-group-open",
    "DefaultGroupOpen",
    "The default security group of a VPC allows traffic.",
    help_uri::kEc2Controls,
    Severity::Medium,
    Concern::Security,
    "Every resource launched without an explicit group lands in the default group; rules there silently apply "
    "to it. CIS and Security Hub (EC2.2) require the default group to allow nothing.",
    "Remove every rule of the default group and attach purpose-made groups to the resources that use it."};
constexpr FindingKind kUnrestrictedEgress{
    "unrestricted-egress",
    "UnrestrictedEgress",
    "Egress allows every protocol and port to every address of the family.",
    help_uri::kSecurityGroups,
    Severity::Low,
    Concern::Security,
    "With unrestricted egress a compromised instance can reach any host to download tools or exfiltrate data; "
    "it is AWS's default, which is why it is only low.",
    "Allow egress only to the destinations and ports the workload needs (package mirrors, APIs, VPC endpoints)."};
constexpr const FindingKind* kKinds[] = {&kOpenAdminPort,  &kOpenAllTraffic,    &kOpenAllPorts,
                                         &kOpenCifs,       &kOpenHighRiskPorts, &kLargePublicExposure,
                                         &kLargePortRange, &kDefaultGroupOpen,  &kUnrestrictedEgress};

using Controls = std::vector<std::string>;

// "tcp 22, udp 22" for the (protocol, port) shapes in a set.
std::string lines_text(const PacketSet& s) {
  std::vector<std::string> parts;
  for (const auto& b : s.boxes()) {
    std::string t;
    if (b.proto_lo == 0 && b.proto_hi == 255) {
      t = "all protocols";
    } else if (b.proto_lo != b.proto_hi) {
      t = fmt::format("protocols {}-{}", b.proto_lo, b.proto_hi);
    } else if (is_port_protocol(b.proto_lo)) {
      t = b.port_lo == b.port_hi ? fmt::format("{} {}", protocol_name(b.proto_lo), b.port_lo)
                                 : fmt::format("{} {}-{}", protocol_name(b.proto_lo), b.port_lo, b.port_hi);
    } else if (is_icmp_protocol(b.proto_lo) && !(b.port_lo == 0 && b.port_hi == kMaxPortKey)) {
      t = fmt::format("{} type/code keys {}-{}", protocol_name(b.proto_lo), b.port_lo, b.port_hi);
    } else {
      t = protocol_name(b.proto_lo);
    }
    if (std::find(parts.begin(), parts.end(), t) == parts.end()) parts.push_back(t);
  }
  if (parts.size() > 8) {
    parts.resize(8);
    parts.push_back("...");
  }
  return fmt::format("{}", fmt::join(parts, ", "));
}

std::string family_words(Family f) { return f == Family::V4 ? "IPv4" : "IPv6"; }
std::string internet(Family f) { return f == Family::V4 ? "0.0.0.0/0" : "::/0"; }

// What the findings of one resource and direction need: how to build references to the rules that
// contribute to an exposure, and how the reference evaluator decides a packet.
struct Subject {
  std::string resource_id;
  Direction direction = Direction::Ingress;
  std::function<std::vector<RuleRef>(const PacketSet&)> rules_for;
  std::function<bool(const Packet&)> allows;
  /// The open references whose members get more of the exposure's services (none for ACLs).
  std::function<std::vector<std::string>(const PacketSet&)> members_for = [](const PacketSet&) {
    return std::vector<std::string>{};
  };
  /// Lowers a finding whose exposure the network ACLs in front of every interface carrying the
  /// group keep out (none when the ACL layer is not known for all of them).
  std::function<void(Finding&, const PacketSet&)> protect;
  Location where;
};

Finding exposure_finding(const Subject& subj, const FindingKind& kind, Severity sev, Controls controls,
                         const PacketSet& exposure, std::string message, std::string fix) {
  Finding f = finding_of(kind);
  f.severity = sev;
  f.controls = std::move(controls);
  f.resource_id = subj.resource_id;
  f.direction = subj.direction;
  f.rules = subj.rules_for(exposure);
  f.exposure = exposure.count().str();
  f.exposed_addresses = address_count(exposure).str();
  f.exposure_members = subj.members_for(exposure);
  f.message = std::move(message);
  f.fix = std::move(fix);
  f.where = f.rules.empty() ? subj.where : f.rules.front().where;
  if (subj.protect) subj.protect(f, exposure);
  return f;
}

// The group's internet exposures as the ACL layer sees them: when the group is on interfaces and
// each sits behind a loaded ACL whose ingress lets none of the exposure's internet packets through
// (and none comes from inside its own subnet), the finding is lowered to low, says which entries
// stop it, and rests on the placement. A finding the ACLs let through even in part stays as it is.
std::function<void(Finding&, const PacketSet&)> acl_protection(const Snapshot& s, const SecurityGroup& g) {
  auto enis = s.interfaces_with_group(g.id);
  if (enis.empty() || s.acls.empty()) return {};
  std::vector<Placement> places;
  std::vector<std::string> ids;
  for (const NetworkInterface* eni : enis) {
    places.push_back(place_interface(s, *eni));
    if (!places.back().acl) return {};
    ids.push_back(eni->id);
  }
  return [places = std::move(places), ids = std::move(ids)](Finding& f, const PacketSet& exposure) {
    const PacketSet reach = exposure.intersect(public_region(Family::V4).unite(public_region(Family::V6)));
    if (reach.empty()) return;
    for (const Placement& p : places)
      if (reach.intersects(nacl_allowed_set(p.acl->ingress).unite(same_subnet_set(p)))) return;
    // The entries that stop it, and a packet of it that every ACL is seen to deny.
    const PeerTable peers;
    auto w = reach.witness(peers);
    bool confirmed = w.has_value();
    std::vector<std::string> acls, entries;
    for (const Placement& p : places) {
      confirmed = confirmed && !p.same_subnet(w->family, w->addr) && !nacl_decide(p.acl->ingress, *w).allow;
      if (std::find(acls.begin(), acls.end(), p.acl->id) != acls.end()) continue;
      acls.push_back(p.acl->id);
      auto decided = nacl_decided_sets(p.acl->ingress);
      for (std::size_t i = 0; i < p.acl->ingress.size(); ++i) {
        const NaclEntry& e = p.acl->ingress[i];
        if (e.allow || !decided[i].intersects(reach)) continue;
        f.causes.push_back(nacl_entry_ref(p.acl->id, e));
        entries.push_back(fmt::format("{} entry {}", p.acl->id,
                                      e.is_default_deny() ? std::string("*") : std::to_string(e.rule_number)));
      }
      add_placement_assumptions(p, f.assumptions);
    }
    Finding check = f;
    check.witness = w;
    require_confirmed(confirmed, check);
    if (f.severity > Severity::Low) f.severity = Severity::Low;
    f.interfaces = ids;
    f.message += fmt::format(
        "; lowered to {}: the network ACL of every interface carrying the group ({}) denies it from the internet "
        "({})",
        severity_name(f.severity), interfaces_text(ids), fmt::join(entries, ", "));
  };
}

// Witness of an "open to every address" claim: a public address, checked with the reference
// evaluator there and at both ends of the address space.
void set_everyone_witness(Finding& f, const Subject& subj, const PacketSet& open, Family fam, const PeerTable& peers) {
  f.witness = typical_witness(open.intersect(public_region(fam)), peers);
  if (!f.witness) return;
  Packet lo = *f.witness, hi = *f.witness;
  lo.addr = 0;
  hi.addr = max_address(fam);
  require_confirmed(subj.allows(*f.witness) && subj.allows(lo) && subj.allows(hi), f);
}

void set_witness(Finding& f, const Subject& subj, const PacketSet& exposure, const PeerTable& peers) {
  f.witness = typical_witness(exposure, peers);
  if (f.witness) require_confirmed(subj.allows(*f.witness), f);
}

Controls admin_controls_sg(int port, Family f) {
  Controls c = f == Family::V4 ? Controls{"CIS 5.2 (v1.5.0-v3.0.0)", "CIS 5.3 (v4.0.0)"}
                               : Controls{"CIS 5.3 (v1.5.0-v3.0.0)", "CIS 5.4 (v4.0.0)"};
  c.push_back(port == 22 ? "EC2.13" : "EC2.14");
  c.push_back("EC2.19");
  c.push_back(f == Family::V4 ? "EC2.53" : "EC2.54");
  if (port == 22 && f == Family::V4) c.push_back("PCI.EC2.5");
  return c;
}

Controls admin_controls_nacl(Family f) {
  if (f == Family::V4) return {"CIS 5.1 (v1.5.0-v3.0.0)", "CIS 5.2 (v4.0.0)", "EC2.21"};
  return {"EC2.21"};
}

void check_open_ports(const Subject& subj, const PacketSet& open_all, Family fam, const PeerTable& peers, bool is_acl,
                      std::vector<Finding>& out) {
  for (int port : {22, 3389}) {
    PacketSet open = open_all.intersect(family_region(fam, tcp_udp_ports({port})));
    if (open.empty()) continue;
    Finding f = exposure_finding(
        subj, kOpenAdminPort, is_acl ? Severity::Medium : Severity::High,
        is_acl ? admin_controls_nacl(fam) : admin_controls_sg(port, fam), open,
        fmt::format("{} ({}) is open to every {} address{}", lines_text(open), port == 22 ? "SSH" : "RDP",
                    family_words(fam), is_acl ? " under first match" : ""),
        fmt::format("restrict port {} to known administration networks (or use Session Manager) instead of {}", port,
                    internet(fam)));
    set_everyone_witness(f, subj, open, fam, peers);
    out.push_back(std::move(f));
  }
}

void sg_ingress_checks(const PacketSet& allowed, const Subject& subj, const AnalysisOptions& opt,
                       const PeerTable& peers, std::vector<Finding>& out) {
  for (Family fam : {Family::V4, Family::V6}) {
    const PacketSet everything = family_region(fam, {MatchBox{}});
    const PacketSet open_all = open_to_everyone(allowed, fam, {MatchBox{}});
    PacketSet all_ports_to_everyone;  // reported as open-all-traffic or open-all-ports, not again as a wide range
    if (!open_all.empty() && open_all == everything) {
      all_ports_to_everyone = open_all;
      Finding f =
          exposure_finding(subj, kOpenAllTraffic, Severity::Critical, {"EC2.18", "EC2.19"}, open_all,
                           fmt::format("every protocol and port is open to every {} address", family_words(fam)),
                           fmt::format("replace the rules that together allow all traffic from {} with the "
                                       "ports and sources the service needs",
                                       internet(fam)));
      set_everyone_witness(f, subj, open_all, fam, peers);
      out.push_back(std::move(f));
    } else {
      PacketSet all_ports = open_all.intersect(
          family_region(fam, {MatchBox{kTcp, kTcp, 0, kMaxPortKey}, MatchBox{kUdp, kUdp, 0, kMaxPortKey}}));
      PacketSet full;
      for (int proto : {kTcp, kUdp}) {
        PacketSet line = family_region(fam, {MatchBox{proto, proto, 0, kMaxPortKey}});
        if (line.subset_of(all_ports)) full = full.unite(line);
      }
      all_ports_to_everyone = full;
      if (!full.empty()) {
        Finding f = exposure_finding(
            subj, kOpenAllPorts, Severity::High, {"EC2.18", "EC2.19"}, full,
            fmt::format("every port of {} is open to every {} address", lines_text(full), family_words(fam)),
            "open only the ports the service needs");
        set_everyone_witness(f, subj, full, fam, peers);
        out.push_back(std::move(f));
      }
    }
    check_open_ports(subj, open_all, fam, peers, false, out);
    PacketSet cifs = open_all.intersect(family_region(fam, tcp_udp_ports({445})));
    if (!cifs.empty()) {
      Finding f = exposure_finding(
          subj, kOpenCifs, Severity::High, {"CIS 5.1.2 (v4.0.0)", "EC2.19"}, cifs,
          fmt::format("{} (CIFS/SMB) is open to every {} address", lines_text(cifs), family_words(fam)),
          "restrict port 445 to trusted networks");
      set_everyone_witness(f, subj, cifs, fam, peers);
      out.push_back(std::move(f));
    }
    std::vector<int> others;
    for (int p : ec2_19_ports())
      if (p != 22 && p != 3389 && p != 445) others.push_back(p);
    PacketSet risky = open_all.intersect(family_region(fam, tcp_udp_ports(others)));
    if (!risky.empty()) {
      Finding f = exposure_finding(
          subj, kOpenHighRiskPorts, Severity::High, {"EC2.19"}, risky,
          fmt::format("high-risk ports are open to every {} address: {}", family_words(fam), lines_text(risky)),
          "restrict these ports to the networks that need them");
      set_everyone_witness(f, subj, risky, fam, peers);
      out.push_back(std::move(f));
    }
    // Large public exposure of sensitive ports that is not the whole internet.
    PacketSet sensitive = allowed.intersect(family_region(fam, tcp_udp_ports(ec2_19_ports())))
                              .intersect(public_region(fam))
                              .subtract(open_all);
    int prefix = fam == Family::V4 ? opt.large_exposure_v4_prefix : opt.large_exposure_v6_prefix;
    BigCount threshold = BigCount(1) << (address_bits(fam) - std::clamp(prefix, 0, address_bits(fam)));
    if (!sensitive.empty() && address_count(sensitive) >= threshold) {
      Finding f = exposure_finding(
          subj, kLargePublicExposure, Severity::Medium, {"EC2.19"}, sensitive,
          fmt::format("{} of high-risk ports are open to {} public {} addresses (at least a /{} worth)",
                      lines_text(sensitive), address_count(sensitive).str(), family_words(fam), prefix),
          "narrow the sources to the networks that need these ports");
      set_witness(f, subj, sensitive, peers);
      out.push_back(std::move(f));
    }
    // Wide port ranges, one finding per (protocol, range).
    std::map<std::tuple<int, int, int, int>, std::vector<Box>> wide;
    for (const auto& b : wide_port_ranges(allowed.subtract(all_ports_to_everyone), fam, opt.max_port_range))
      wide[{b.proto_lo, b.proto_hi, b.port_lo, b.port_hi}].push_back(b);
    for (const auto& [key, boxes] : wide) {
      PacketSet part = PacketSet::from_boxes(boxes);
      Finding f = exposure_finding(subj, kLargePortRange, Severity::Low, {}, part,
                                   fmt::format("{} ({} ports, more than {}) is open to {} {} addresses",
                                               lines_text(part), std::get<3>(key) - std::get<2>(key) + 1,
                                               opt.max_port_range, address_count(part).str(), family_words(fam)),
                                   "open only the ports the service uses");
      set_witness(f, subj, part, peers);
      out.push_back(std::move(f));
    }
  }
}

Subject sg_subject(const SecurityGroup& g, Direction d, const References* refs) {
  Subject s;
  s.resource_id = g.id;
  s.direction = d;
  s.where = g.where;
  const auto* rules = &g.rules(d);
  // Exposures have no membership, so each rule's no-membership slice tells whether it takes part.
  auto sets = std::make_shared<std::vector<PacketSet>>();
  for (const auto& r : *rules) sets->push_back(rule_address_set(r, refs));
  s.rules_for = [&g, d, rules, sets](const PacketSet& exposure) {
    std::vector<RuleRef> out;
    for (std::size_t i = 0; i < rules->size(); ++i)
      if ((*sets)[i].intersects(exposure)) out.push_back(sg_rule_ref(g.id, d, (*rules)[i]));
    return out;
  };
  s.allows = [rules, refs](const Packet& p) { return sg_allows(*rules, p, refs); };
  // Each open reference's packets as no-membership boxes (its services at every address), in the
  // order the rules first name it: a member gets more of an exposure's services when these reach
  // past what the direction allows every address.
  PeerTable members;
  auto open_boxes = std::make_shared<std::vector<std::vector<Box>>>();
  for (const auto& r : *rules)
    for (const Box& b : rule_boxes(r, members, refs)) {
      const PeerKind m = box_member(b);
      if (m == kNoMember) continue;  // an address rule
      if (open_boxes->size() < m) open_boxes->resize(m);
      (*open_boxes)[m - 1].push_back(as_address_box(b));
    }
  if (open_boxes->empty()) return s;
  std::vector<std::string> ids;
  for (PeerKind m = 1; m <= members.members(); ++m) ids.push_back(members.member_info(m).id);
  auto everyone = std::make_shared<std::optional<PacketSet>>();  // what every address gets; built once
  s.members_for = [sets, open_boxes, everyone, ids = std::move(ids)](const PacketSet& exposure) {
    if (!*everyone) *everyone = PacketSet::unite_all(*sets);
    // The exposure's services at every address of its family.
    std::vector<Box> services;
    for (const Box& b : exposure.boxes())
      services.push_back(
          address_box(b.family(), 0, max_address(b.family()), b.proto_lo, b.proto_hi, b.port_lo, b.port_hi));
    const PacketSet wanted = PacketSet::from_boxes(services);
    std::vector<std::string> out;
    for (std::size_t i = 0; i < open_boxes->size(); ++i)
      if (!PacketSet::from_boxes((*open_boxes)[i]).intersect(wanted).subset_of(**everyone)) out.push_back(ids[i]);
    return out;
  };
  return s;
}

void run_group(const Snapshot& snapshot, const SecurityGroup& g, const AnalysisOptions& opt, const References* refs,
               std::vector<Finding>& out) {
  // Exposure is judged on the packets with no membership (what is open whoever the members are);
  // only the default-group check looks at members' packets.
  PeerTable peers;
  const PacketSet in_addresses = sg_address_set(g.ingress, refs);
  const PacketSet eg_addresses = sg_address_set(g.egress, refs);
  Subject sin = sg_subject(g, Direction::Ingress, refs);
  sin.protect = acl_protection(snapshot, g);
  sg_ingress_checks(in_addresses, sin, opt, peers, out);
  sin.protect = nullptr;  // the default group's claim is about its rules, not what reaches it
  const PacketSet in = g.is_default() ? sg_set(g.ingress, peers, refs) : PacketSet{};
  const PacketSet eg = g.is_default() ? sg_set(g.egress, peers, refs) : PacketSet{};
  if (g.is_default() && (!in.empty() || !eg.empty())) {
    Subject s = in.empty() ? sg_subject(g, Direction::Egress, refs) : sin;
    const PacketSet& allowed = in.empty() ? eg : in;
    Finding f = exposure_finding(
        s, kDefaultGroupOpen, Severity::Medium, {"CIS 5.4 (v1.5.0-v3.0.0)", "CIS 5.5 (v4.0.0)", "EC2.2"}, allowed,
        fmt::format("the default security group allows traffic ({} ingress and {} egress rules)", g.ingress.size(),
                    g.egress.size()),
        "remove every rule of the default group and attach purpose-made groups instead");
    f.rules.clear();
    f.exposure.clear();
    f.exposed_addresses.clear();
    for (Direction d : {Direction::Ingress, Direction::Egress})
      for (const auto& r : g.rules(d)) f.rules.push_back(sg_rule_ref(g.id, d, r));
    f.where = f.rules.front().where;
    set_witness(f, s, allowed, peers);
    out.push_back(std::move(f));
  }
  Subject seg = sg_subject(g, Direction::Egress, refs);
  for (Family fam : {Family::V4, Family::V6}) {
    const PacketSet everything = family_region(fam, {MatchBox{}});
    if (!everything.subset_of(eg_addresses)) continue;
    Finding f =
        exposure_finding(seg, kUnrestrictedEgress, Severity::Low, {}, everything,
                         fmt::format("egress allows every protocol and port to every {} address", family_words(fam)),
                         "allow egress only to the destinations and ports the workload needs");
    set_everyone_witness(f, seg, everything, fam, peers);
    out.push_back(std::move(f));
  }
}

void run_acl(const NetworkAcl& acl, std::vector<Finding>& out) {
  const std::vector<NaclEntry>& entries = acl.ingress;  // in rule-number order
  PeerTable peers;
  const PacketSet allowed = nacl_allowed_set(entries);
  Subject s;
  s.resource_id = acl.id;
  s.direction = Direction::Ingress;
  s.where = acl.where;
  // What each entry decides under first match, computed once.
  auto effective = std::make_shared<std::vector<PacketSet>>(nacl_decided_sets(entries));
  s.rules_for = [&acl, &entries, effective](const PacketSet& exposure) {
    std::vector<RuleRef> refs;
    for (std::size_t i = 0; i < entries.size(); ++i)
      if (entries[i].allow && (*effective)[i].intersects(exposure)) refs.push_back(nacl_entry_ref(acl.id, entries[i]));
    return refs;
  };
  s.allows = [&entries](const Packet& p) { return nacl_decide(entries, p).allow; };
  for (Family fam : {Family::V4, Family::V6})
    check_open_ports(s, open_to_everyone(allowed, fam, {MatchBox{}}), fam, peers, true, out);
}

class OverlyPermissivePass final : public Pass {
 public:
  std::span<const FindingKind* const> kinds() const override { return kKinds; }
  void run(const AnalysisContext& ctx, std::vector<Finding>& out) const override {
    if (ctx.group) run_group(ctx.snapshot, *ctx.group, ctx.options, ctx.references, out);
    if (ctx.acl) run_acl(*ctx.acl, out);
  }
};

}  // namespace

Pass& pass_overly_permissive() {
  static OverlyPermissivePass pass;
  return pass;
}

}  // namespace sgopt
