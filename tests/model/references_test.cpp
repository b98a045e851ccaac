// What referenced groups and prefix lists stand for: resolved from interfaces and entries, open,
// or stale, with the note every command prints.
#include "model/references.h"

#include "model/snapshot.h"
#include "tests/support/builders.h"

#include <gtest/gtest.h>

namespace sgopt {
namespace {

using test_support::group;
using test_support::sg_rule;

NetworkInterface eni(const std::string& id, std::vector<std::string> groups, const char* v4, const char* v6 = nullptr) {
  NetworkInterface n;
  n.id = id;
  n.group_ids = std::move(groups);
  Family f;
  n.private_ipv4.push_back(*parse_address(v4, &f));
  if (v6) n.ipv6.push_back(*parse_address(v6, &f));
  return n;
}

Snapshot snapshot() {
  Snapshot s;
  s.groups = {group("sg-1", {sg_rule(6, 22, 22, "sg-2"), sg_rule(6, 443, 443, "pl-1"), sg_rule(6, 80, 80, "sg-gone")}),
              group("sg-2", {})};
  return s;
}

TEST(ReferencesTest, GroupsResolveToTheirInterfacesAddresses) {
  Snapshot s = snapshot();
  s.interfaces = {eni("eni-1", {"sg-2"}, "10.0.0.5", "2001:db8::5"), eni("eni-2", {"sg-2", "sg-1"}, "10.0.0.6"),
                  eni("eni-3", {"sg-1"}, "10.0.0.7")};
  s.interfaces[1].prefixes.push_back(test_support::cidr("10.0.1.16/28"));
  s.resolve_references(ReferenceMode::Resolve);
  const ReferenceInfo* g = s.references.find(PeerType::Group, "sg-2");
  ASSERT_NE(g, nullptr);
  EXPECT_TRUE(g->resolved);
  EXPECT_EQ(g->interfaces, 2u);
  ASSERT_EQ(g->addresses.size(), 4u);
  EXPECT_EQ(g->addresses[1].str(), "2001:db8::5/128");
  EXPECT_EQ(g->addresses[3].str(), "10.0.1.16/28");
  EXPECT_EQ(g->note(),
            "sg-2: 3 addresses and 1 delegated prefix on 2 interfaces; closed world, as complete as the "
            "loaded interfaces");
  EXPECT_TRUE(s.references.any_resolved());
  // Resolved, a rule matches the members' addresses and nothing else; open, it matches members.
  const SgRule& r = s.groups[0].ingress[0];
  EXPECT_TRUE(rule_matches(r, test_support::packet("tcp", "10.0.1.20", 22), &s.references));
  EXPECT_FALSE(rule_matches(r, test_support::packet("tcp", "10.0.0.7", 22), &s.references));
  EXPECT_FALSE(rule_matches(r, test_support::packet("tcp", "sg-2@10.0.0.7", 22), &s.references));
  References open = s.references.open();
  EXPECT_FALSE(open.any_resolved());
  EXPECT_TRUE(rule_matches(r, test_support::packet("tcp", "sg-2@10.0.0.7", 22), &open));
  EXPECT_FALSE(rule_matches(r, test_support::packet("tcp", "10.0.1.20", 22), &open));
}

TEST(ReferencesTest, OpenModeAndMissingInterfacesLeaveGroupsOpen) {
  Snapshot s = snapshot();
  s.resolve_references(ReferenceMode::Resolve);
  EXPECT_FALSE(s.references.find(PeerType::Group, "sg-2")->resolved);
  EXPECT_NE(s.references.find(PeerType::Group, "sg-2")->note().find("no describe-network-interfaces loaded"),
            std::string::npos);
  s.interfaces = {eni("eni-1", {"sg-2"}, "10.0.0.5")};
  s.resolve_references(ReferenceMode::Open);
  EXPECT_FALSE(s.references.any_resolved());
  EXPECT_NE(s.references.find(PeerType::Group, "sg-2")->note().find("--references open"), std::string::npos);
  // A group no interface carries resolves to no address at all: its rules match nothing.
  s.interfaces = {eni("eni-1", {"sg-1"}, "10.0.0.5")};
  s.resolve_references(ReferenceMode::Resolve);
  const ReferenceInfo* g = s.references.find(PeerType::Group, "sg-2");
  EXPECT_TRUE(g->resolved);
  EXPECT_TRUE(g->addresses.empty());
}

TEST(ReferencesTest, PrefixListsResolveWhenTheirEntriesAreLoaded) {
  Snapshot s = snapshot();
  PrefixList pl;
  pl.id = "pl-1";
  pl.family = Family::V4;
  s.prefix_lists.push_back(pl);
  s.resolve_references(ReferenceMode::Resolve);
  const ReferenceInfo* open = s.references.find(PeerType::PrefixList, "pl-1");
  EXPECT_FALSE(open->resolved);
  EXPECT_EQ(open->family, Family::V4);
  // An open IPv4 list has IPv4 members only.
  const SgRule& r = s.groups[0].ingress[1];
  EXPECT_TRUE(rule_matches(r, test_support::packet("tcp", "pl-1@10.0.0.1", 443), &s.references));
  EXPECT_FALSE(rule_matches(r, test_support::packet("tcp", "pl-1@2001:db8::1", 443), &s.references));
  s.prefix_lists[0].entries = {test_support::cidr("192.0.2.0/24")};
  s.prefix_lists[0].entries_loaded = true;
  s.resolve_references(ReferenceMode::Resolve);
  EXPECT_TRUE(s.references.find(PeerType::PrefixList, "pl-1")->resolved);
  EXPECT_TRUE(rule_matches(r, test_support::packet("tcp", "192.0.2.9", 443), &s.references));
  EXPECT_EQ(s.references.find(PeerType::PrefixList, "pl-1")->note(),
            "pl-1: 1 entry; closed world, as complete as the loaded entries");
}

TEST(ReferencesTest, StaleReferencesStayOpen) {
  Snapshot s = snapshot();
  s.interfaces = {eni("eni-1", {"sg-2"}, "10.0.0.5")};
  s.resolve_references(ReferenceMode::Resolve);
  const ReferenceInfo* gone = s.references.find(PeerType::Group, "sg-gone");
  ASSERT_NE(gone, nullptr);
  EXPECT_TRUE(gone->stale);
  EXPECT_FALSE(gone->severe);
  EXPECT_FALSE(gone->resolved);
  EXPECT_NE(gone->note().find("no loaded input defines it"), std::string::npos);
  s.stale.push_back(StaleReference{"sg-1", "sg-gone", {}});
  s.groups[0].ingress[0].peer.peering_status = "deleted";
  s.groups[0].ingress[0].peer.peering_connection = "pcx-1";
  s.resolve_references(ReferenceMode::Resolve);
  EXPECT_TRUE(s.references.find(PeerType::Group, "sg-gone")->severe);
  const ReferenceInfo* peered = s.references.find(PeerType::Group, "sg-2");
  EXPECT_TRUE(peered->stale);
  EXPECT_FALSE(peered->resolved) << "a stale reference is never resolved";
  EXPECT_EQ(peered->stale_why, "its peering pcx-1 is deleted");
}

}  // namespace
}  // namespace sgopt
