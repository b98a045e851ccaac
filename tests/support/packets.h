// Packets worth asking about a rule set: those on and around every boundary its rules draw, and
// random ones biased towards the rules' own values. Shared by the tests and the benchmarks.
#pragma once

#include "model/network_acl.h"
#include "model/packet.h"
#include "model/rule.h"

#include <cstddef>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace sgopt::test_support {

/// Every packet returned lies in the packet domain (solver/packet_set.h): IPv4 addresses below
/// 2^32, port key 0 for protocols other than tcp/udp/icmp/icmpv6; some come from members of
/// referenced groups and prefix lists (the open world, model/references.h).
/// Lists are sorted and free of duplicates, so a failure names the same packet on every run.

/// For each rule: each CIDR's first and last address and one past on both sides (and the same
/// address in the other family, and members of every named reference and of one unknown there),
/// members of each reference at both ends of each family, the rule's protocol (every
/// probe protocol for "-1") and one protocol no rule mentions, each port range's ends and one
/// past, each ICMP type/code and its neighbours.
std::vector<Packet> boundary_packets(const std::vector<SgRule>& rules);
/// The same for NACL entries (PortRange and IcmpTypeCode as written, even where AWS ignores them).
std::vector<Packet> boundary_packets(const std::vector<NaclEntry>& entries);

/// Draws random domain packets; about two draws in three take each field from the rules' own
/// values (CIDR ends and their neighbours, mentioned protocols, port keys), the rest uniformly.
class PacketSampler {
 public:
  explicit PacketSampler(const std::vector<SgRule>& rules);
  explicit PacketSampler(const std::vector<NaclEntry>& entries);
  Packet next(std::mt19937_64& rng) const;
  /// n packets from next().
  std::vector<Packet> sample(std::size_t n, std::mt19937_64& rng) const;

  struct Probe;  // a rule or entry reduced to the values worth probing

 private:
  void build(const std::vector<Probe>& probes);
  std::vector<Cidr> cidrs_v4_, cidrs_v6_;
  std::vector<u128> v4_, v6_;                           // edges of those blocks
  std::vector<std::pair<PeerType, std::string>> refs_;  // memberships to draw
  std::vector<int> protocols_;
  std::vector<int> port_keys_, icmp_keys_;
};

}  // namespace sgopt::test_support
