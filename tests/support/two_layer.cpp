// Random two-layer worlds (tests/support/two_layer.h).
#include "tests/support/two_layer.h"

#include "model/protocol.h"
#include "model/rule_text.h"
#include "tests/support/builders.h"
#include "tests/support/packets.h"
#include "tests/support/rule_gen.h"

#include <fmt/format.h>

namespace sgopt::test_support {

TwoLayerWorld random_two_layer_world(std::mt19937_64& rng, int round) {
  TwoLayerWorld w;
  NetworkAcl a;
  a.id = "acl-1";
  a.vpc_id = "vpc-1";
  a.subnet_ids = {"subnet-1"};
  a.ingress = random_nacl_entries(rng, 1 + rng() % 6);
  a.egress = random_nacl_entries(rng, 1 + rng() % 6);
  for (NaclEntry& e : a.egress) e.direction = Direction::Egress;
  w.snap.acls.push_back(a);
  NetworkInterface eni;
  eni.id = "eni-1";
  eni.subnet_id = "subnet-1";
  eni.vpc_id = "vpc-1";
  int groups = 1 + static_cast<int>(rng() % 3);
  for (int g = 0; g < groups; ++g) {
    std::string id = fmt::format("sg-{}", g + 1);
    w.snap.groups.push_back(group(id, random_sg_rules(rng, 1 + rng() % 5), random_sg_rules(rng, 1 + rng() % 5)));
    eni.group_ids.push_back(id);
  }
  w.snap.interfaces.push_back(eni);
  if (round % 3 != 0) {  // a third of the rounds without describe-subnets
    Subnet s;
    s.id = "subnet-1";
    s.vpc_id = "vpc-1";
    const char* blocks[] = {"10.0.0.0/24", "10.0.0.0/8", "0.0.0.0/1", "192.168.1.0/28"};
    s.cidrs.push_back(cidr(blocks[rng() % 4]));
    if (rng() % 2) s.cidrs.push_back(cidr("2001:db8::/64"));
    w.snap.subnets.push_back(s);
  }
  const EphemeralPorts ranges[] = {{1024, 65535}, {32768, 61000}, {49152, 65535}, {0, 0}, {80, 80}};
  w.ephemeral = ranges[rng() % 5];
  w.snap.index();
  return w;
}

std::string describe(const TwoLayerWorld& w) {
  std::string s;
  for (Direction d : {Direction::Ingress, Direction::Egress}) {
    s += fmt::format("\n  acl {}:", direction_name(d));
    for (const NaclEntry& e : w.snap.acls[0].entries(d)) s += "\n    " + nacl_entry_text(e);
  }
  for (const SecurityGroup& g : w.snap.groups)
    for (Direction d : {Direction::Ingress, Direction::Egress}) {
      s += fmt::format("\n  {} {}:", g.id, direction_name(d));
      for (const SgRule& r : g.rules(d)) s += "\n    " + sg_rule_text(r);
    }
  for (const Subnet& sn : w.snap.subnets)
    for (const Cidr& c : sn.cidrs) s += "\n  subnet block " + c.str();
  return s;
}

std::vector<Packet> two_layer_probes(const TwoLayerWorld& w, std::mt19937_64& rng) {
  std::vector<Packet> out;
  auto add = [&](std::vector<Packet> more) { out.insert(out.end(), more.begin(), more.end()); };
  for (const SecurityGroup& g : w.snap.groups)
    for (Direction d : {Direction::Ingress, Direction::Egress}) {
      add(boundary_packets(g.rules(d)));
      add(PacketSampler(g.rules(d)).sample(20, rng));
    }
  for (Direction d : {Direction::Ingress, Direction::Egress}) add(boundary_packets(w.snap.acls[0].entries(d)));
  for (const Subnet& s : w.snap.subnets)
    for (const Cidr& c : s.cidrs)
      for (u128 a : {c.first(), c.last(), c.first() - 1, c.last() + 1})
        if (a <= max_address(c.family))
          for (int proto : {kTcp, kUdp, 50})
            out.push_back(Packet{c.family, a, std::nullopt, proto, proto == 50 ? 0 : 443});
  return out;
}

std::vector<int> client_ports(EphemeralPorts e, std::mt19937_64& rng) {
  std::vector<int> out = {
      0, 1023, 1024, 32767, 32768, 61000, 61001, 65535, e.lo, e.hi, static_cast<int>(rng() % 65536)};
  if (e.lo > 0) out.push_back(e.lo - 1);
  if (e.hi < 65535) out.push_back(e.hi + 1);
  return out;
}

}  // namespace sgopt::test_support
