// Random rule sets for differential tests and benchmarks: security-group rules of every protocol
// kind and peer kind, NACL entry lists, and rewrites of a rule list that allow the same packets.
#pragma once

#include "model/network_acl.h"
#include "model/rule.h"

#include <cstddef>
#include <random>
#include <vector>

namespace sgopt::test_support {

/// How wide random rules may be.
enum class Breadth {
  Any,     // every protocol kind, prefixes from /0 up: small sets hit every edge case, but a
           // thousand such rules usually cover everything
  Narrow,  // tcp/udp/icmp only and prefixes of /16 (IPv4) or /48 (IPv6) and longer, as in large
           // real groups; large sets stay far from the universe
};

/// n SG rules as AWS could return them: tcp/udp ranges (single ports, spans, 0-65535, -1/-1, and
/// now and then no ports), icmp/icmpv6 type/code with -1 wildcards, "-1", other protocol numbers
/// (with or without ignored ports); peers IPv4/IPv6 CIDRs drawn near a few shared bases so that
/// rules overlap, a few referenced groups (sg-a..) and prefix lists (pl-a..).
std::vector<SgRule> random_sg_rules(std::mt19937_64& rng, std::size_t n, Breadth breadth = Breadth::Any);

/// n NACL entries of one direction with distinct rule numbers in 1..32766, sorted; allow and deny,
/// both families, tcp/udp with and without PortRange, icmp/icmpv6 with IcmpTypeCode (also 58 with
/// an IPv4 CIDR), "-1" and other protocols. With default_denies, ends with 32767 (0.0.0.0/0) and
/// 32768 (::/0) deny entries as exports show them.
std::vector<NaclEntry> random_nacl_entries(std::mt19937_64& rng, std::size_t n, bool default_denies = true);

/// A different list of rules that allows exactly the same packets: rules shuffled, duplicated,
/// CIDRs split in halves, port ranges split, and covered narrower copies added.
std::vector<SgRule> equivalent_sg_rules(const std::vector<SgRule>& rules, std::mt19937_64& rng);

}  // namespace sgopt::test_support
