// Random two-layer worlds for tests: one interface in one subnet behind a random ACL, with 1-3
// random groups, the subnet's blocks loaded in two thirds of them, and a random ephemeral range;
// and the packets and client ports worth probing them with.
#pragma once

#include "model/snapshot.h"
#include "model/topology.h"

#include <random>
#include <string>
#include <vector>

namespace sgopt::test_support {

struct TwoLayerWorld {
  Snapshot snap;  // acl-1 (vpc-1, subnet-1), eni-1 in subnet-1 with groups sg-1.., indexed
  EphemeralPorts ephemeral;
};
/// Round r of a run: rounds with r % 3 == 0 have no describe-subnets.
TwoLayerWorld random_two_layer_world(std::mt19937_64& rng, int round);
/// The world's ACL entries, rules and subnet blocks, for a failure message.
std::string describe(const TwoLayerWorld& w);
/// Boundary and random packets of every group and ACL entry, and the edges of each subnet block.
std::vector<Packet> two_layer_probes(const TwoLayerWorld& w, std::mt19937_64& rng);
/// Every edge of the common ephemeral ranges and of `e`, and one random port.
std::vector<int> client_ports(EphemeralPorts e, std::mt19937_64& rng);

}  // namespace sgopt::test_support
