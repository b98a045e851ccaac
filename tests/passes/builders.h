// Small builders of rules, entries and groups for the pass tests.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/network_acl.h"
#include "model/security_group.h"
#include "model/snapshot.h"

namespace sgopt::test_support {

/// An SG rule: protocol number (-1 all), ports as AWS states them, and a peer written as a CIDR
/// (either family), "sg-..." or "pl-...". Permission index and peer text are filled in.
SgRule sg_rule(int protocol, std::optional<int> from, std::optional<int> to, const std::string& peer,
               int permission_index = 0);
/// tcp from-to from the peer.
SgRule tcp(int from, int to, const std::string& peer, int permission_index = 0);
/// A NACL entry; ports for tcp/udp (from < 0: no PortRange), ICMP type/code for icmp.
NaclEntry nacl_entry(int number, bool allow, int protocol, int from, int to, const std::string& cidr,
                     Direction d = Direction::Ingress);
/// A group with the given rules; permission indexes are renumbered in order.
SecurityGroup group(const std::string& id, std::vector<SgRule> ingress, std::vector<SgRule> egress = {},
                    const std::string& name = "");
/// The rules minus those at the given indexes.
std::vector<SgRule> without(const std::vector<SgRule>& rules, const std::vector<std::size_t>& drop);
/// An ACL; entries are sorted by rule number per direction.
NetworkAcl acl(const std::string& id, std::vector<NaclEntry> entries);

}  // namespace sgopt::test_support
