// CloudFormation templates, JSON and YAML: the real templates of ../shared/realdata, each intrinsic
// function and condition, AWS's defaults, what stays unresolved, bad input, and diff against a
// describe-shaped twin; decisions are checked with the reference evaluator (model/packet.h).
#include "model/aws/loader.h"
#include "model/packet.h"
#include "passes/compare/diff.h"
#include "tests/model/aws/load_helpers.h"
#include "tests/support/builders.h"
#include "tests/support/iac.h"
#include "tests/support/packets.h"
#include "tests/tool/run_cli.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace sgopt {
namespace {

using test_support::acl;
using test_support::group;
using test_support::icmp_key;
using test_support::packet;
using test_support::verdicts;
using testing::load_text;

const std::string kRealdata = SGOPT_SOURCE_DIR "/../shared/realdata/cloudformation/";
const std::string kSamples = SGOPT_SOURCE_DIR "/samples/iac/";

bool have_realdata() { return std::filesystem::exists(kRealdata); }

LoadOptions with(std::vector<std::pair<std::string, std::string>> parameters) {
  LoadOptions o;
  o.parameters = std::move(parameters);
  return o;
}

/// The values a group leaves open in one direction.
std::vector<Unresolved> open_in(const SecurityGroup& g, Direction d) {
  std::vector<Unresolved> out;
  for (const Unresolved& u : g.unresolved)
    if (u.direction == d) out.push_back(u);
  return out;
}

/// True when all a group leaves open is whether AWS adds ::/0 to its default egress (its VPC is
/// not created by the template, so whether it has IPv6 is not known).
bool only_the_ipv6_default(const SecurityGroup& g) {
  return std::all_of(g.unresolved.begin(), g.unresolved.end(), [](const Unresolved& u) {
    return u.direction == Direction::Egress && u.what.find("::/0") != std::string::npos;
  });
}

/// A packet from (ingress) or to (egress) a member of the group or prefix list `id`.
Packet member_packet(PeerType type, const std::string& id, int protocol, int port) {
  Packet p;
  p.member = Membership{type, id};
  p.protocol = protocol;
  p.port_key = port;
  return p;
}

/// The messages of the warnings, one per line, for failure output.
std::string warnings_text(const Snapshot& s) {
  std::string out;
  for (const auto& w : s.warnings) out += w.str() + "\n";
  return out;
}

bool has_warning(const Snapshot& s, const std::string& text, int line = -1) {
  for (const auto& w : s.warnings)
    if (w.message.find(text) != std::string::npos && (line < 0 || w.where.line == line)) return true;
  return false;
}

/// A template in YAML loaded from text, named t.yaml.
Snapshot yaml(const std::string& text, const LoadOptions& options = {}) { return load_text(text, "t.yaml", options); }

Diagnostic yaml_error(const std::string& text, const LoadOptions& options = {}) {
  try {
    yaml(text, options);
  } catch (const InputError& e) {
    return e.diagnostic();
  }
  ADD_FAILURE() << "no InputError for:\n" << text;
  return Diagnostic{};
}

/// A template with one group whose ingress is `rules` (YAML list items, indented by 8).
std::string one_group(const std::string& rules, const std::string& head = "") {
  return head + "Resources:\n  G:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: g\n" +
         "      SecurityGroupIngress:\n" + rules;
}

// ----- the real templates -----

TEST(CloudFormationRealdataTest, EveryTemplateLoads) {
  if (!have_realdata()) GTEST_SKIP() << "no ../shared/realdata beside the checkout";
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(kRealdata)) {
    SCOPED_TRACE(e.path().string());
    Snapshot s = load_inputs({e.path().string()});
    EXPECT_EQ(s.files.size(), 1u);
    EXPECT_FALSE(s.groups.empty() && s.acls.empty() && e.path().filename() != "quickstart-aws-vpc.yaml");
    ++n;
  }
  EXPECT_GE(n, 6);
  // The whole folder at once (JSON and YAML together).
  Snapshot all = load_inputs({kRealdata});
  EXPECT_EQ(all.files.size(), static_cast<std::size_t>(n));
}

TEST(CloudFormationRealdataTest, ExternalizedIngressBindsByRefAndGetAttAndKeepsTheDefaultEgress) {
  if (!have_realdata()) GTEST_SKIP() << "no ../shared/realdata beside the checkout";
  Snapshot s = load_inputs({kRealdata + "cfn-nag-sg-externalized-ingress.json"});
  ASSERT_EQ(s.groups.size(), 2u);
  // The only warnings: whether AWS adds ::/0 to each group's default egress (vpc-9f8e9dfa may have IPv6).
  ASSERT_EQ(s.warnings.size(), 2u) << warnings_text(s);
  for (const auto& w : s.warnings) EXPECT_NE(w.message.find("::/0"), std::string::npos) << w.message;
  const SecurityGroup& sg = group(s, "sg");
  const SecurityGroup& sg2 = group(s, "sg2");
  EXPECT_EQ(sg.address, "sg");
  EXPECT_EQ(sg.vpc_id, "vpc-9f8e9dfa");
  EXPECT_EQ(sg.description, "some_group_desc");
  EXPECT_FALSE(sg.partial);
  // Ref sg: one rule; Fn::GetAtt [sg2, GroupId] and Ref sg2: two.
  ASSERT_EQ(sg.ingress.size(), 1u);
  EXPECT_EQ(sg.ingress[0].source.address, "securityGroupIngress1");
  ASSERT_EQ(sg2.ingress.size(), 2u);
  EXPECT_EQ(sg2.ingress[0].source.address, "securityGroupIngress2");
  EXPECT_EQ(sg2.ingress[1].source.address, "securityGroupIngress3");
  EXPECT_EQ(sg2.ingress[0].source.where.json_pointer, "/Resources/securityGroupIngress2/Properties/CidrIp");
  EXPECT_EQ(sg2.ingress[0].source.where.line, 38);
  EXPECT_TRUE(sg_allows(sg.ingress, packet("tcp", "10.1.2.3", 34)));
  EXPECT_TRUE(sg_allows(sg.ingress, packet("tcp", "10.1.2.3", 36)));
  EXPECT_FALSE(sg_allows(sg.ingress, packet("tcp", "10.1.2.3", 37)));
  EXPECT_FALSE(sg_allows(sg.ingress, packet("tcp", "10.1.2.4", 35)));
  EXPECT_TRUE(sg_allows(sg2.ingress, packet("tcp", "198.51.100.7", 0)));
  EXPECT_FALSE(sg_allows(sg2.ingress, packet("tcp", "198.51.100.7", 45)));
  EXPECT_TRUE(sg_allows(sg2.ingress, packet("tcp", "1.2.3.4", 46)));
  EXPECT_FALSE(sg_allows(sg2.ingress, packet("udp", "1.2.3.4", 46)));
  // No SecurityGroupEgress: AWS's allow-all IPv4 egress stays, and nothing more.
  for (const SecurityGroup* g : {&sg, &sg2}) {
    ASSERT_EQ(g->egress.size(), 1u);
    EXPECT_EQ(g->egress[0].peer.str(), "0.0.0.0/0");
    EXPECT_EQ(g->egress[0].protocol, -1);
    EXPECT_TRUE(sg_allows(g->egress, packet("udp", "8.8.8.8", 53)));
    EXPECT_TRUE(sg_allows(g->egress, packet("tcp", "203.0.113.1", 25)));
    EXPECT_FALSE(sg_allows(g->egress, packet("tcp", "2001:db8::1", 443)));
    ASSERT_EQ(g->unresolved.size(), 1u);
    EXPECT_EQ(g->unresolved[0].direction, Direction::Egress);
    EXPECT_NE(g->unresolved[0].what.find("vpc-9f8e9dfa"), std::string::npos) << g->unresolved[0].what;
  }
  // The template against itself: the same open value on both sides cancels (partial, not unknown).
  auto v = verdicts(s, s);
  EXPECT_EQ(v["sg egress"], "equivalent partial");
  EXPECT_EQ(v["sg ingress"], "equivalent");
  // Against one that gives egress explicitly, the lost ::/0 default cannot be ruled out: unknown.
  std::string text = testing::read_text(kRealdata + "cfn-nag-sg-externalized-ingress.json");
  auto at = text.find("\"GroupDescription\"");
  ASSERT_NE(at, std::string::npos);
  text.insert(
      at, R"("SecurityGroupEgress": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIpv6": "::/0"}], )");
  Snapshot explicit_egress = load_text(text, "t.json");
  EXPECT_EQ(verdicts(s, explicit_egress)["sg egress"], "unknown");
}

TEST(CloudFormationRealdataTest, NaclPortsComeFromANumberParametersDefault) {
  if (!have_realdata()) GTEST_SKIP() << "no ../shared/realdata beside the checkout";
  std::string file = kRealdata + "cfn-nag-nacl-ref-ports.yaml";
  Snapshot s = load_inputs({file});
  ASSERT_EQ(s.acls.size(), 1u);
  const NetworkAcl& a = acl(s, "PublicNetworkAcl");
  EXPECT_TRUE(a.egress.empty());
  ASSERT_EQ(a.ingress.size(), 2u);
  EXPECT_EQ(a.ingress[0].rule_number, 100);
  ASSERT_TRUE(a.ingress[0].port_range);
  EXPECT_EQ(a.ingress[0].port_range->from, 80);  // Default: '80'
  EXPECT_EQ(a.ingress[0].port_range->to, 80);
  EXPECT_EQ(a.ingress[0].protocol, 6);            // Protocol: 6, a number
  EXPECT_EQ(a.ingress[0].source.where.line, 22);  // the entry resource
  EXPECT_EQ(a.ingress[1].rule_number, 101);
  // Entry 101 decides nothing: 100 matches everything it would.
  auto d = nacl_decide(a.ingress, packet("tcp", "203.0.113.5", 80));
  EXPECT_TRUE(d.allow);
  ASSERT_NE(d.entry, nullptr);
  EXPECT_EQ(d.entry->rule_number, 100);
  EXPECT_FALSE(nacl_decide(a.ingress, packet("tcp", "203.0.113.5", 81)).allow);
  EXPECT_FALSE(nacl_decide(a.ingress, packet("udp", "203.0.113.5", 80)).allow);
  // The tag from AWS::StackName cannot be known: left out, with a warning on its line.
  EXPECT_TRUE(has_warning(s, "AWS::StackName", 19)) << warnings_text(s);
  // --parameter overrides the Default: now 101 decides port 80.
  Snapshot o = load_inputs({file}, with({{"NaclPort", "8080"}}));
  const NetworkAcl& b = acl(o, "PublicNetworkAcl");
  EXPECT_EQ(b.ingress[0].port_range->from, 8080);
  auto d2 = nacl_decide(b.ingress, packet("tcp", "203.0.113.5", 80));
  ASSERT_NE(d2.entry, nullptr);
  EXPECT_EQ(d2.entry->rule_number, 101);
  EXPECT_EQ(verdicts(s, o)["PublicNetworkAcl ingress"], "looser");
}

TEST(CloudFormationRealdataTest, ImportValueMakesTheRuleUnresolvedAndAFalseConditionRemovesAResource) {
  if (!have_realdata()) GTEST_SKIP() << "no ../shared/realdata beside the checkout";
  std::string file = kRealdata + "widdix-elasticache-memcached.yaml";
  Snapshot s = load_inputs({file});
  ASSERT_EQ(s.groups.size(), 1u);
  const SecurityGroup& g = group(s, "SecurityGroup");
  // SourceSecurityGroupId: {'Fn::ImportValue': !Sub '${ParentClientStack}-ClientSecurityGroup'}
  EXPECT_TRUE(g.ingress.empty());
  auto in = open_in(g, Direction::Ingress);
  ASSERT_EQ(in.size(), 1u);
  EXPECT_EQ(in[0].where.json_pointer,
            "/Resources/SecurityGroup/Properties/SecurityGroupIngress/0/"
            "SourceSecurityGroupId");
  EXPECT_EQ(in[0].where.line, 141);
  EXPECT_NE(in[0].what.find("Fn::ImportValue"), std::string::npos);
  EXPECT_TRUE(has_warning(s, "Fn::ImportValue", 141)) << warnings_text(s);
  // The egress keeps AWS's default.
  ASSERT_EQ(g.egress.size(), 1u);
  EXPECT_TRUE(sg_allows(g.egress, packet("tcp", "203.0.113.1", 443)));
  // SecurityGroupInSSHBastion has Condition HasSSHBastionSecurityGroup: !Not [!Equals [!Ref
  // ParentSSHBastionStack, '']], false with the Default '': the rule does not exist.
  // Given a bastion stack it exists, and its source is an import again.
  Snapshot with_bastion = load_inputs({file}, with({{"ParentSSHBastionStack", "bastion"}}));
  const SecurityGroup& b = group(with_bastion, "SecurityGroup");
  auto b_in = open_in(b, Direction::Ingress);
  ASSERT_EQ(b_in.size(), 2u);
  EXPECT_EQ(b_in[1].where.json_pointer, "/Resources/SecurityGroupInSSHBastion/Properties/SourceSecurityGroupId");
  EXPECT_EQ(b_in[1].where.line, 150);
  // The client import is open on both sides and cancels; the bastion's only on one: unknown, never
  // equivalent. The egress shares its open ::/0 default: equal at most.
  EXPECT_EQ(verdicts(s, with_bastion)["SecurityGroup ingress"], "unknown partial");
  EXPECT_EQ(verdicts(s, with_bastion)["SecurityGroup egress"], "equivalent partial");
}

TEST(CloudFormationRealdataTest, QuickstartAclsFollowTheirConditions) {
  if (!have_realdata()) GTEST_SKIP() << "no ../shared/realdata beside the checkout";
  std::string file = kRealdata + "quickstart-aws-vpc.yaml";
  // Defaults: CreateAdditionalPrivateSubnets 'false', so AdditionalPrivateSubnetsCondition is false.
  EXPECT_TRUE(load_inputs({file}).acls.empty());
  auto count = [&](const std::string& azs) -> std::pair<std::size_t, std::size_t> {
    Snapshot s = load_inputs({file}, with({{"CreateAdditionalPrivateSubnets", "true"}, {"NumberOfAZs", azs}}));
    std::size_t entries = 0;
    for (const auto& a : s.acls) {
      entries += a.ingress.size() + a.egress.size();
      EXPECT_TRUE(a.unresolved.empty()) << a.id;
      EXPECT_EQ(a.vpc_id, "VPC");
      EXPECT_EQ(a.subnet_ids.size(), 1u);
      EXPECT_TRUE(nacl_decide(a.ingress, packet("tcp", "198.51.100.1", 22)).allow);
      EXPECT_TRUE(nacl_decide(a.egress, packet("udp", "10.0.0.1", 53)).allow);
      EXPECT_FALSE(nacl_decide(a.ingress, packet("tcp", "2001:db8::1", 22)).allow);  // no IPv6 entry
    }
    return std::pair{s.acls.size(), entries};
  };
  EXPECT_EQ(count("2"), (std::pair<std::size_t, std::size_t>{2, 4}));  // 1B, 2B
  EXPECT_EQ(count("3"), (std::pair<std::size_t, std::size_t>{3, 6}));  // 3AZCondition: !Or [3, 4AZCondition]
  EXPECT_EQ(count("4"), (std::pair<std::size_t, std::size_t>{4, 8}));
  Snapshot s = load_inputs({file}, with({{"CreateAdditionalPrivateSubnets", "true"}, {"NumberOfAZs", "4"}}));
  EXPECT_EQ(acl(s, "PrivateSubnet3BNetworkAcl").subnet_ids, std::vector<std::string>{"PrivateSubnet3B"});
  // A value outside AllowedValues is refused, naming the parameter.
  try {
    load_inputs({file}, with({{"NumberOfAZs", "5"}}));
    ADD_FAILURE() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.diagnostic().where.json_pointer, "/Parameters/NumberOfAZs");
    EXPECT_NE(e.diagnostic().message.find("AllowedValues (2, 3, 4)"), std::string::npos) << e.what();
  }
}

TEST(CloudFormationRealdataTest, WiddixVpcAclsHoldIpv4AndIpv6Entries) {
  if (!have_realdata()) GTEST_SKIP() << "no ../shared/realdata beside the checkout";
  Snapshot s = load_inputs({kRealdata + "widdix-vpc-4azs.yaml"});
  ASSERT_EQ(s.acls.size(), 2u);
  std::size_t entries = 0;
  for (const auto& a : s.acls) {
    entries += a.ingress.size() + a.egress.size();
    EXPECT_EQ(a.subnet_ids.size(), 4u);
    EXPECT_TRUE(nacl_decide(a.ingress, packet("tcp", "2001:db8::1", 22)).allow);
    EXPECT_TRUE(nacl_decide(a.egress, packet("icmp", "198.51.100.1", icmp_key(8, 0))).allow);
  }
  EXPECT_EQ(entries, 8u);
  EXPECT_EQ(acl(s, "NetworkAclPublic").tags, (Tags{{"Name", "Public"}}));
  EXPECT_EQ(acl(s, "NetworkAclPublic").ingress[0].rule_number, 98);  // IPv6, sorted first
  EXPECT_EQ(acl(s, "NetworkAclPublic").ingress[0].cidr.family, Family::V6);
}

TEST(CloudFormationRealdataTest, OverlappingPortsAndARuleNumberUsedTwice) {
  if (!have_realdata()) GTEST_SKIP() << "no ../shared/realdata beside the checkout";
  Snapshot s = load_inputs({kRealdata + "cfn-nag-nacl-port-overlaps.yaml"});
  const NetworkAcl& a = acl(s, "myNetworkAcl");
  // 100 allows tcp 400-500 from 10.0.0.0/16; 200 denies 450-475 from anywhere (after 100).
  ASSERT_EQ(a.ingress.size(), 2u);
  EXPECT_TRUE(nacl_decide(a.ingress, packet("tcp", "10.0.1.1", 460)).allow);
  EXPECT_FALSE(nacl_decide(a.ingress, packet("tcp", "10.1.1.1", 460)).allow);
  // Entries 3 and 4 both take ingress rule number 300: AWS creates one and refuses the other.
  ASSERT_EQ(a.unresolved.size(), 1u);
  EXPECT_EQ(a.unresolved[0].direction, Direction::Ingress);
  EXPECT_NE(a.unresolved[0].what.find("myNetworkAclEntry3, myNetworkAclEntry4"), std::string::npos);
  EXPECT_EQ(a.unresolved[0].where.line, 50);
}

// ----- the sample and its describe-shaped twin -----

TEST(CloudFormationSampleTest, TheTemplateEqualsItsDescribeTwin) {
  Snapshot cfn = load_inputs({kSamples + "cfn-web.yaml"});
  Snapshot twin = load_inputs({kSamples + "cfn-web.describe.json"});
  EXPECT_TRUE(cfn.warnings.empty()) << warnings_text(cfn);
  ASSERT_EQ(cfn.groups.size(), 3u);
  ASSERT_EQ(cfn.acls.size(), 1u);
  ASSERT_EQ(twin.groups.size(), 3u);
  for (const SecurityGroup& t : twin.groups) {
    const SecurityGroup& g = group(cfn, t.id);
    EXPECT_EQ(g.name, t.name);
    EXPECT_EQ(g.description, t.description);
    EXPECT_EQ(g.vpc_id, t.vpc_id);
    EXPECT_EQ(g.tags, t.tags);
  }
  EXPECT_EQ(acl(cfn, "PublicAcl").subnet_ids, acl(twin, "PublicAcl").subnet_ids);
  // The reference evaluator agrees on every boundary packet and on random ones.
  std::mt19937_64 rng(11);
  for (const SecurityGroup& t : twin.groups)
    for (Direction d : {Direction::Ingress, Direction::Egress}) {
      const auto& a = group(cfn, t.id).rules(d);
      const auto& b = t.rules(d);
      auto packets = test_support::boundary_packets(b);
      for (const Packet& p : test_support::boundary_packets(a)) packets.push_back(p);
      for (const Packet& p : test_support::PacketSampler(a).sample(300, rng)) packets.push_back(p);
      for (const Packet& p : packets) ASSERT_EQ(sg_allows(a, p), sg_allows(b, p)) << t.id << " " << p.str();
    }
  for (Direction d : {Direction::Ingress, Direction::Egress}) {
    const auto& a = acl(cfn, "PublicAcl").entries(d);
    const auto& b = acl(twin, "PublicAcl").entries(d);
    auto packets = test_support::boundary_packets(b);
    for (const Packet& p : test_support::PacketSampler(a).sample(300, rng)) packets.push_back(p);
    for (const Packet& p : packets) ASSERT_EQ(nacl_decide(a, p).allow, nacl_decide(b, p).allow) << p.str();
  }
  // And diff, with Z3 proving it.
  DiffReport r = diff_and_prove(cfn, twin, DiffOptions{}, ProveOptions{});
  ASSERT_EQ(r.resources.size(), 4u);
  for (const auto& res : r.resources)
    for (const auto& d : res.directions)
      EXPECT_EQ(d.verdict(), Verdict::Equivalent) << res.label() << " " << direction_name(d.direction);
}

TEST(CloudFormationSampleTest, WhatTheSampleAllowsPacketByPacket) {
  Snapshot s = load_inputs({kSamples + "cfn-web.yaml"});
  const SecurityGroup& web = group(s, "WebSecurityGroup");
  const SecurityGroup& app = group(s, "AppSecurityGroup");
  const SecurityGroup& db = group(s, "DbSecurityGroup");
  // Fn::FindInMap [Ports, !Ref Environment, Admin]: 22 in prod; !If [IsDev, ..., NoValue]: no 8443.
  EXPECT_TRUE(sg_allows(web.ingress, packet("tcp", "203.0.113.9", 22)));
  EXPECT_FALSE(sg_allows(web.ingress, packet("tcp", "203.0.114.9", 22)));
  EXPECT_FALSE(sg_allows(web.ingress, packet("tcp", "198.51.100.1", 8443)));
  EXPECT_TRUE(sg_allows(web.ingress, packet("tcp", "2001:db8::9", 443)));
  EXPECT_EQ(web.description, "web tier (prod)");      // Fn::Sub
  EXPECT_EQ(web.tags, (Tags{{"Name", "web-prod"}}));  // Fn::Join
  // A group reference by Ref, named by the logical id; a Number parameter as the port.
  EXPECT_TRUE(sg_allows(app.ingress, member_packet(PeerType::Group, "WebSecurityGroup", 6, 8080)));
  EXPECT_FALSE(sg_allows(app.ingress, member_packet(PeerType::Group, "WebSecurityGroup", 6, 8081)));
  EXPECT_FALSE(sg_allows(app.ingress, member_packet(PeerType::Group, "DbSecurityGroup", 6, 8080)));
  // Fn::Select [0, Fn::Cidr [Fn::GetAtt Vpc.CidrBlock, 4, 8]] is 10.0.0.0/24; ICMP type 3 code 4.
  EXPECT_TRUE(sg_allows(app.ingress, packet("icmp", "10.0.0.200", icmp_key(3, 4))));
  EXPECT_FALSE(sg_allows(app.ingress, packet("icmp", "10.0.1.1", icmp_key(3, 4))));
  EXPECT_FALSE(sg_allows(app.ingress, packet("icmp", "10.0.0.200", icmp_key(3, 3))));
  // Inline egress replaces the default: only 5432 to the database group and 443 to the list.
  EXPECT_TRUE(sg_allows(app.egress, member_packet(PeerType::Group, "DbSecurityGroup", 6, 5432)));
  EXPECT_TRUE(sg_allows(app.egress, member_packet(PeerType::PrefixList, "pl-0123456789abcdef0", 6, 443)));
  EXPECT_FALSE(sg_allows(app.egress, packet("tcp", "203.0.113.1", 443)));
  // Standalone ingress by Fn::GetAtt and by Ref under a true condition; a literal sg- id stays.
  EXPECT_TRUE(sg_allows(db.ingress, member_packet(PeerType::Group, "AppSecurityGroup", 6, 5432)));
  EXPECT_TRUE(sg_allows(db.ingress, member_packet(PeerType::Group, "sg-0backup0000000000", 6, 5432)));
  EXPECT_EQ(db.ingress[1].peer.user_id, "012345678901");  // a leading zero keeps it a string
  // A standalone egress rule removes the default egress.
  EXPECT_TRUE(sg_allows(db.egress, packet("udp", "10.0.9.9", 53)));
  EXPECT_FALSE(sg_allows(db.egress, packet("udp", "8.8.8.8", 53)));
  const NetworkAcl& a = acl(s, "PublicAcl");
  EXPECT_FALSE(nacl_decide(a.ingress, packet("tcp", "198.51.100.1", 443)).allow);  // 90 denies first
  EXPECT_TRUE(nacl_decide(a.ingress, packet("tcp", "203.0.113.1", 443)).allow);
  EXPECT_TRUE(nacl_decide(a.ingress, packet("tcp", "2001:db8::1", 443)).allow);  // "101", "6", 'false'
  EXPECT_FALSE(nacl_decide(a.ingress, packet("tcp", "2001:db8::1", 444)).allow);
  EXPECT_TRUE(nacl_decide(a.ingress, packet("icmp", "203.0.113.1", icmp_key(3, 4))).allow);
  EXPECT_FALSE(nacl_decide(a.ingress, packet("icmp", "203.0.113.1", icmp_key(8, 0))).allow);
  EXPECT_FALSE(nacl_decide(a.ingress, packet("tcp", "203.0.113.1", 22)).allow);  // 130: dev only
  EXPECT_TRUE(nacl_decide(a.egress, packet("udp", "8.8.8.8", 53)).allow);
  // Locations are the YAML's lines.
  EXPECT_EQ(web.where.line, 41);
  EXPECT_EQ(web.ingress[0].source.where.json_pointer,
            "/Resources/WebSecurityGroup/Properties/SecurityGroupIngress/0/CidrIp");
  EXPECT_EQ(web.ingress[0].source.where.line, 51);
  EXPECT_EQ(a.ingress[0].source.where.line, 156);  // entry 90
}

TEST(CloudFormationSampleTest, ParametersChangeWhatTheTemplateAllowsAndDiffSaysHow) {
  Snapshot prod = load_inputs({kSamples + "cfn-web.yaml"});
  Snapshot dev = load_inputs({kSamples + "cfn-web.yaml"}, with({{"Environment", "dev"}}));
  const SecurityGroup& web = group(dev, "WebSecurityGroup");
  EXPECT_TRUE(sg_allows(web.ingress, packet("tcp", "198.51.100.1", 8443)));
  EXPECT_TRUE(sg_allows(web.ingress, packet("tcp", "203.0.113.9", 2222)));
  EXPECT_FALSE(sg_allows(web.ingress, packet("tcp", "203.0.113.9", 22)));
  EXPECT_FALSE(sg_allows(group(dev, "DbSecurityGroup").ingress,
                         member_packet(PeerType::Group, "sg-0backup0000000000", 6, 5432)));  // IsProd false
  EXPECT_TRUE(nacl_decide(acl(dev, "PublicAcl").ingress, packet("tcp", "203.0.113.1", 22)).allow);
  auto v = verdicts(prod, dev);
  EXPECT_EQ(v["WebSecurityGroup ingress"], "incomparable");  // 22 -> 2222, and 8443 added
  EXPECT_EQ(v["DbSecurityGroup ingress"], "tighter");
  EXPECT_EQ(v["PublicAcl ingress"], "looser");
  EXPECT_EQ(v["AppSecurityGroup ingress"], "equivalent");
  EXPECT_EQ(v["PublicAcl egress"], "equivalent");
}

// ----- one template, JSON and YAML -----

TEST(CloudFormationTest, JsonAndYamlOfOneTemplateLoadTheSame) {
  std::string y = R"(AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Port: {Type: Number, Default: 443}
Resources:
  A:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: a
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: !Ref Port, ToPort: !Ref Port, CidrIp: 10.0.0.0/8}
        - {IpProtocol: "-1", SourceSecurityGroupId: !GetAtt B.GroupId}
  B:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: b
      SecurityGroupEgress:
        - {IpProtocol: udp, FromPort: 53, ToPort: 53, CidrIpv6: "2001:db8::/32"}
)";
  std::string j = R"({"AWSTemplateFormatVersion": "2010-09-09",
  "Parameters": {"Port": {"Type": "Number", "Default": 443}},
  "Resources": {
    "A": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "a", "SecurityGroupIngress": [
      {"IpProtocol": "tcp", "FromPort": {"Ref": "Port"}, "ToPort": {"Ref": "Port"}, "CidrIp": "10.0.0.0/8"},
      {"IpProtocol": "-1", "SourceSecurityGroupId": {"Fn::GetAtt": ["B", "GroupId"]}}]}},
    "B": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "b", "SecurityGroupEgress": [
      {"IpProtocol": "udp", "FromPort": 53, "ToPort": 53, "CidrIpv6": "2001:db8::/32"}]}}}})";
  Snapshot a = load_text(y, "t.yaml"), b = load_text(j, "t.json");
  testing::expect_same_model(a, b);
  EXPECT_EQ(group(a, "A").ingress[1].peer.ref, "B");
  EXPECT_EQ(group(a, "A").ingress[0].source.where.line, 10);
  EXPECT_EQ(group(b, "A").ingress[0].source.where.line, 5);
  EXPECT_EQ(verdicts(a, b)["A ingress"], "equivalent");
  // A .template file, and standard input, are read by their content.
  Snapshot c = load_text(y, "t.template"), d = load_text(y, "<stdin>"), e = load_text(j, "t.template");
  testing::expect_same_model(a, c);
  testing::expect_same_model(a, d);
  testing::expect_same_model(a, e);
}

// ----- intrinsic functions -----

TEST(CloudFormationTest, SubJoinSelectSplitAndFindInMapAreComputed) {
  std::string t = R"(Parameters:
  Net: {Type: String, Default: "10.1"}
  Nets: {Type: CommaDelimitedList, Default: "10.2.0.0/16, 10.3.0.0/16"}
Mappings:
  M:
    a: {cidr: 10.4.0.0/16}
Resources:
  G:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: !Sub ['${Word} ${!Literal} ${AWS::NoValue}', {Word: hello}]
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 1, ToPort: 1, CidrIp: !Sub '${Net}.0.0/16'}
        - {IpProtocol: tcp, FromPort: 2, ToPort: 2, CidrIp: !Sub ['${X}.0.0/16', {X: !Ref Net}]}
        - {IpProtocol: tcp, FromPort: 3, ToPort: 3, CidrIp: !Join ['', [!Ref Net, '.', '0.0/16']]}
        - {IpProtocol: tcp, FromPort: 4, ToPort: 4, CidrIp: !Select [1, !Ref Nets]}
        - {IpProtocol: tcp, FromPort: 5, ToPort: 5, CidrIp: !Select [0, !Split ['|', '10.5.0.0/16|x']]}
        - {IpProtocol: tcp, FromPort: 6, ToPort: 6, CidrIp: !FindInMap [M, a, cidr]}
        - {IpProtocol: tcp, FromPort: 7, ToPort: 7, CidrIp: !FindInMap [M, b, cidr, {DefaultValue: 10.7.0.0/16}]}
        - {IpProtocol: tcp, FromPort: 8, ToPort: 8, CidrIp: !Select [2, !Cidr [10.8.0.0/16, 4, 12]]}
        - {IpProtocol: tcp, FromPort: 9, ToPort: 9, CidrIpv6: !Select [3, !Cidr ['2001:db8::/56', 4, 64]]}
        - {IpProtocol: tcp, FromPort: 10, ToPort: 10, SourceSecurityGroupId: !Sub '${G}'}
        - {IpProtocol: tcp, FromPort: 11, ToPort: 11, SourceSecurityGroupId: !Sub '${G.GroupId}'}
)";
  Diagnostic novalue = yaml_error(t);
  EXPECT_NE(novalue.message.find("${AWS::NoValue} stands for no value"), std::string::npos) << novalue.message;
  std::string fixed = t;
  fixed.replace(fixed.find(" ${AWS::NoValue}"), 16, "");
  Snapshot s = yaml(fixed);
  const SecurityGroup& g = group(s, "G");
  EXPECT_EQ(g.description, "hello ${Literal}");
  std::vector<std::string> peers;
  for (const auto& r : g.ingress) peers.push_back(r.peer.str());
  EXPECT_EQ(peers,
            (std::vector<std::string>{"10.1.0.0/16", "10.1.0.0/16", "10.1.0.0/16", "10.3.0.0/16", "10.5.0.0/16",
                                      "10.4.0.0/16", "10.7.0.0/16", "10.8.32.0/20", "2001:db8:0:3::/64", "G", "G"}));
  EXPECT_TRUE(sg_allows(g.ingress, packet("tcp", "10.8.47.255", 8)));
  EXPECT_FALSE(sg_allows(g.ingress, packet("tcp", "10.8.48.0", 8)));
}

TEST(CloudFormationTest, FnCidrFollowsTheDocumentedExample) {
  // { "Fn::Cidr" : [ "192.168.0.0/24", "6", "5"] }: six /27 blocks from 192.168.0.0.
  std::string rules;
  for (int i = 0; i < 6; ++i)
    rules += "        - {IpProtocol: '-1', CidrIp: !Select [" + std::to_string(i) +
             ", {'Fn::Cidr': ['192.168.0.0/24', '6', '5']}]}\n";
  Snapshot s = yaml(one_group(rules));
  std::vector<std::string> peers;
  for (const auto& r : group(s, "G").ingress) peers.push_back(r.peer.str());
  EXPECT_EQ(peers, (std::vector<std::string>{"192.168.0.0/27", "192.168.0.32/27", "192.168.0.64/27", "192.168.0.96/27",
                                             "192.168.0.128/27", "192.168.0.160/27"}));
  // More blocks than fit, and subnet bits that leave no room, are errors.
  EXPECT_NE(yaml_error(one_group("        - {IpProtocol: '-1', CidrIp: !Select [0, !Cidr [192.168.0.0/24, 9, 5]]}\n"))
                .message.find("holds 8 blocks of /27, not 9"),
            std::string::npos);
  EXPECT_NE(yaml_error(one_group("        - {IpProtocol: '-1', CidrIp: !Select [0, !Cidr [192.168.0.0/24, 1, 9]]}\n"))
                .message.find("does not fit"),
            std::string::npos);
  Diagnostic range =
      yaml_error(one_group("        - {IpProtocol: '-1', CidrIp: !Select [7, !Cidr [10.0.0.0/8, 2, 8]]}\n"));
  EXPECT_NE(range.message.find("index 7 is outside the list of 2"), std::string::npos) << range.message;
  EXPECT_EQ(range.where.line, 7);
}

TEST(CloudFormationTest, ConditionsAndFnIfAreEvaluated) {
  std::string t = R"(Parameters:
  Env: {Type: String, Default: prod}
  Size: {Type: Number, Default: 3}
Conditions:
  Prod: !Equals [!Ref Env, prod]
  Big: !Equals [!Ref Size, '3']
  ProdAndBig: !And [!Condition Prod, !Condition Big]
  DevOrSmall: !Or [!Not [!Condition Prod], !Not [!Condition Big]]
Resources:
  G:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: g
      SecurityGroupIngress:
        - !If [ProdAndBig, {IpProtocol: tcp, FromPort: 1, ToPort: 1, CidrIp: 10.0.0.1/32}, !Ref AWS::NoValue]
        - !If [DevOrSmall, {IpProtocol: tcp, FromPort: 2, ToPort: 2, CidrIp: 10.0.0.2/32}, !Ref AWS::NoValue]
        - IpProtocol: tcp
          FromPort: !If [Prod, 443, 8443]
          ToPort: !If [Prod, 443, 8443]
          CidrIp: 10.0.0.3/32
  OnlyInDev:
    Type: AWS::EC2::SecurityGroup
    Condition: DevOrSmall
    Properties: {GroupDescription: dev}
)";
  Snapshot s = yaml(t);
  const SecurityGroup& g = group(s, "G");
  EXPECT_TRUE(sg_allows(g.ingress, packet("tcp", "10.0.0.1", 1)));
  EXPECT_FALSE(sg_allows(g.ingress, packet("tcp", "10.0.0.2", 2)));
  EXPECT_TRUE(sg_allows(g.ingress, packet("tcp", "10.0.0.3", 443)));
  EXPECT_EQ(g.ingress.size(), 2u);
  EXPECT_EQ(s.find_group("OnlyInDev"), nullptr);
  Snapshot d = yaml(t, with({{"Env", "dev"}}));
  EXPECT_FALSE(sg_allows(group(d, "G").ingress, packet("tcp", "10.0.0.1", 1)));
  EXPECT_TRUE(sg_allows(group(d, "G").ingress, packet("tcp", "10.0.0.2", 2)));
  EXPECT_TRUE(sg_allows(group(d, "G").ingress, packet("tcp", "10.0.0.3", 8443)));
  EXPECT_NE(d.find_group("OnlyInDev"), nullptr);
  // A cycle is an error, not a hang.
  Diagnostic cycle = yaml_error(
      "Conditions:\n  A: !Condition B\n  B: !Not [!Condition A]\nResources:\n  G:\n"
      "    Type: AWS::EC2::SecurityGroup\n    Condition: A\n    Properties: {}\n");
  EXPECT_NE(cycle.message.find("depends on itself"), std::string::npos) << cycle.message;
}

// ----- what stays unresolved -----

TEST(CloudFormationTest, WhatOnlyADeploymentKnowsIsUnresolvedWithItsPlace) {
  struct Case {
    std::string value, why;
  };
  std::vector<Case> cases = {
      {"!ImportValue shared-cidr", "Fn::ImportValue"},
      {"!Select [0, !GetAZs '']", "Fn::GetAZs"},
      {"!Ref NoDefault", "parameter NoDefault has no Default"},
      {"!Ref FromSsm", "SSM Parameter Store"},
      {"!Sub '${AWS::Region}'", "AWS::Region"},
      {"!GetAtt Other.Arn", "Fn::GetAtt Other.Arn"},
      {"!FindInMap [Absent, a, b]", "the map Absent"},
      {"!If [InRegion, 10.0.0.0/8, 10.1.0.0/16]", "condition InRegion"},
      {"!Base64 abc", "Fn::Base64 is not a function sgopt evaluates"},
  };
  std::string head = R"(Parameters:
  NoDefault: {Type: String}
  FromSsm: {Type: 'AWS::SSM::Parameter::Value<String>', Default: /net/cidr}
Conditions:
  InRegion: !Equals [!Ref 'AWS::Region', us-east-1]
)";
  for (const Case& c : cases) {
    SCOPED_TRACE(c.value);
    std::string t = one_group(
                        "        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 10.9.0.0/16}\n"
                        "        - IpProtocol: tcp\n          FromPort: 443\n          ToPort: 443\n"
                        "          CidrIp: " +
                            c.value + "\n",
                        head) +
                    "  Other:\n    Type: AWS::SNS::Topic\n";
    Snapshot s = yaml(t);
    const SecurityGroup& g = group(s, "G");
    auto in = open_in(g, Direction::Ingress);
    ASSERT_EQ(in.size(), 1u);
    EXPECT_NE(in[0].what.find(c.why), std::string::npos) << in[0].what;
    EXPECT_EQ(in[0].where.line, 16);
    EXPECT_EQ(in[0].where.json_pointer.str().rfind("/Resources/G/Properties/SecurityGroupIngress/1/CidrIp", 0), 0u);
    EXPECT_TRUE(has_warning(s, c.why, 16)) << warnings_text(s);
    // The known rule is there; the unknown one never becomes a guess.
    ASSERT_EQ(g.ingress.size(), 1u);
    EXPECT_TRUE(sg_allows(g.ingress, packet("tcp", "10.9.1.1", 22)));
    // The same open value on both sides adds the same packets to both (rules are a union): equal,
    // at most what the known rules say; on one side only, unknown whatever the known rules say.
    EXPECT_EQ(verdicts(s, s)["G ingress"], "equivalent partial");
    EXPECT_EQ(verdicts(s, s)["G egress"], "equivalent partial");
    Snapshot known = yaml(one_group("        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 10.9.0.0/16}\n"));
    EXPECT_EQ(verdicts(known, s)["G ingress"], "unknown");
  }
  // --parameter gives what the template leaves open.
  std::string t = one_group(
      "        - {IpProtocol: tcp, FromPort: 1, ToPort: 1, CidrIp: !Ref NoDefault}\n"
      "        - {IpProtocol: tcp, FromPort: 2, ToPort: 2, CidrIp: !Ref FromSsm}\n"
      "        - {IpProtocol: tcp, FromPort: 3, ToPort: 3, CidrIp: !If [InRegion, 10.3.0.0/16, "
      "10.4.0.0/16]}\n",
      head);
  Snapshot s = yaml(t, with({{"NoDefault", "10.1.0.0/16"}, {"FromSsm", "10.2.0.0/16"}, {"AWS::Region", "eu-west-1"}}));
  const SecurityGroup& g = group(s, "G");
  EXPECT_TRUE(only_the_ipv6_default(g));
  EXPECT_TRUE(sg_allows(g.ingress, packet("tcp", "10.1.0.1", 1)));
  EXPECT_TRUE(sg_allows(g.ingress, packet("tcp", "10.2.0.1", 2)));
  EXPECT_TRUE(sg_allows(g.ingress, packet("tcp", "10.4.0.1", 3)));
  EXPECT_FALSE(sg_allows(g.ingress, packet("tcp", "10.3.0.1", 3)));
}

TEST(CloudFormationTest, AConditionThatCannotBeEvaluatedMakesWhatItGuardsUnresolved) {
  std::string t = R"(Conditions:
  East: !Equals [!Ref 'AWS::Region', us-east-1]
Resources:
  G:
    Type: AWS::EC2::SecurityGroup
    Condition: East
    Properties: {GroupDescription: g}
  H:
    Type: AWS::EC2::SecurityGroup
    Properties: {GroupDescription: h}
  HIn:
    Type: AWS::EC2::SecurityGroupIngress
    Condition: East
    Properties: {GroupId: !Ref H, IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 10.0.0.0/8}
  HOut:
    Type: AWS::EC2::SecurityGroupEgress
    Condition: East
    Properties: {GroupId: !Ref H, IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 10.0.0.0/8}
  A:
    Type: AWS::EC2::NetworkAcl
    Condition: East
  B:
    Type: AWS::EC2::NetworkAcl
  BIn:
    Type: AWS::EC2::NetworkAclEntry
    Condition: East
    Properties: {NetworkAclId: !Ref B, RuleNumber: 1, Protocol: -1, RuleAction: allow, CidrBlock: 0.0.0.0/0}
)";
  Snapshot s = yaml(t);
  EXPECT_EQ(group(s, "G").unresolved.size(), 2u);  // whether it exists: both directions
  const SecurityGroup& h = group(s, "H");
  ASSERT_EQ(h.unresolved.size(), 2u);
  EXPECT_EQ(h.unresolved[0].where.json_pointer, "/Resources/HIn/Condition");
  EXPECT_EQ(h.unresolved[0].where.line, 13);
  EXPECT_EQ(acl(s, "A").unresolved.size(), 2u);
  ASSERT_EQ(acl(s, "B").unresolved.size(), 1u);
  EXPECT_EQ(acl(s, "B").unresolved[0].direction, Direction::Ingress);
  EXPECT_TRUE(acl(s, "B").egress.empty());
  // Given the Region, every one of them is decided.
  Snapshot east = yaml(t, with({{"AWS::Region", "us-east-1"}}));
  for (const auto& g : east.groups) EXPECT_TRUE(only_the_ipv6_default(g)) << g.id;
  for (const auto& a : east.acls) EXPECT_TRUE(a.unresolved.empty()) << a.id;
  EXPECT_TRUE(sg_allows(group(east, "H").ingress, packet("tcp", "10.1.1.1", 22)));
  EXPECT_FALSE(sg_allows(group(east, "H").egress, packet("tcp", "203.0.113.1", 22)));  // the default is gone
  Snapshot west = yaml(t, with({{"AWS::Region", "eu-west-1"}}));
  EXPECT_EQ(west.find_group("G"), nullptr);
  EXPECT_EQ(west.find_acl("A"), nullptr);
  EXPECT_TRUE(group(west, "H").ingress.empty());
  EXPECT_TRUE(sg_allows(group(west, "H").egress, packet("tcp", "203.0.113.1", 22)));  // the default stays
}

// ----- AWS's defaults and identities -----

TEST(CloudFormationTest, TheDefaultEgressStaysUnlessEgressRulesAreGiven) {
  auto egress_of = [](const std::string& props, const std::string& more = "") {
    Snapshot s =
        yaml("Resources:\n  G:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: g\n" +
             props + more);
    return group(s, "G");
  };
  SecurityGroup none = egress_of("");
  EXPECT_TRUE(sg_allows(none.egress, packet("tcp", "203.0.113.1", 1)));
  EXPECT_FALSE(sg_allows(none.egress, packet("tcp", "2001:db8::1", 1)));  // IPv4 only
  SecurityGroup empty = egress_of("      SecurityGroupEgress: []\n");
  EXPECT_TRUE(sg_allows(empty.egress, packet("tcp", "203.0.113.1", 1)));
  SecurityGroup novalue = egress_of("      SecurityGroupEgress: [!Ref AWS::NoValue]\n");
  EXPECT_TRUE(sg_allows(novalue.egress, packet("tcp", "203.0.113.1", 1)));
  SecurityGroup inline_rule =
      egress_of("      SecurityGroupEgress: [{IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0}]\n");
  EXPECT_FALSE(sg_allows(inline_rule.egress, packet("tcp", "203.0.113.1", 1)));
  EXPECT_TRUE(sg_allows(inline_rule.egress, packet("tcp", "203.0.113.1", 443)));
  SecurityGroup standalone =
      egress_of("",
                "  E:\n    Type: AWS::EC2::SecurityGroupEgress\n    Properties: {GroupId: !GetAtt G.GroupId, "
                "IpProtocol: udp, FromPort: 53, ToPort: 53, CidrIp: 10.0.0.2/32}\n");
  EXPECT_FALSE(sg_allows(standalone.egress, packet("tcp", "203.0.113.1", 1)));
  EXPECT_TRUE(sg_allows(standalone.egress, packet("udp", "10.0.0.2", 53)));
  // An IPv6 block for the group's VPC in the same template: whether AWS adds ::/0 is unknown.
  SecurityGroup v6 = egress_of("      VpcId: !Ref V\n",
                               "  V:\n    Type: AWS::EC2::VPC\n    Properties: {CidrBlock: 10.0.0.0/16}\n"
                               "  V6:\n    Type: AWS::EC2::VPCCidrBlock\n"
                               "    Properties: {VpcId: !Ref V, AmazonProvidedIpv6CidrBlock: true}\n");
  ASSERT_EQ(v6.unresolved.size(), 1u);
  EXPECT_EQ(v6.unresolved[0].direction, Direction::Egress);
}

TEST(CloudFormationTest, GroupsAreNamedByLogicalIdAndForeignGroupsArePartial) {
  std::string t = R"(Parameters:
  Shared: {Type: 'AWS::EC2::SecurityGroup::Id', Default: sg-0shared}
Resources:
  Web:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupName: web-public
      GroupDescription: web
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 80, ToPort: 80, SourceSecurityGroupName: web-public}
        - {IpProtocol: tcp, FromPort: 81, ToPort: 81, SourceSecurityGroupName: elsewhere}
        - {IpProtocol: tcp, FromPort: 82, ToPort: 82, SourceSecurityGroupId: !Ref Shared}
  ByName:
    Type: AWS::EC2::SecurityGroupIngress
    Properties: {GroupName: web-public, IpProtocol: tcp, FromPort: 83, ToPort: 83, CidrIp: 10.0.0.0/8}
  Foreign:
    Type: AWS::EC2::SecurityGroupIngress
    Properties: {GroupId: sg-0aaaabbbbcccc, IpProtocol: tcp, FromPort: 84, ToPort: 84, SourceSecurityGroupId: !Ref Web}
  ForeignOut:
    Type: AWS::EC2::SecurityGroupEgress
    Properties: {GroupId: !Ref Shared, IpProtocol: tcp, FromPort: 85, ToPort: 85, DestinationSecurityGroupId: !Ref Web}
)";
  Snapshot s = yaml(t);
  const SecurityGroup& web = group(s, "Web");
  std::vector<std::string> peers;
  for (const auto& r : web.ingress) peers.push_back(r.peer.str());
  EXPECT_EQ(peers, (std::vector<std::string>{"Web", "elsewhere", "sg-0shared", "10.0.0.0/8"}));
  const SecurityGroup& foreign = group(s, "sg-0aaaabbbbcccc");
  EXPECT_TRUE(foreign.partial);
  EXPECT_TRUE(foreign.egress.empty());  // not created here: no default egress is claimed
  EXPECT_TRUE(sg_allows(foreign.ingress, member_packet(PeerType::Group, "Web", 6, 84)));
  const SecurityGroup& shared = group(s, "sg-0shared");
  EXPECT_TRUE(shared.partial);
  EXPECT_TRUE(sg_allows(shared.egress, member_packet(PeerType::Group, "Web", 6, 85)));
  EXPECT_EQ(s.groups.size(), 3u);
}

TEST(CloudFormationTest, NaclEntriesTakeNumbersBooleansAndStrings) {
  std::string t = R"(Resources:
  A: {Type: 'AWS::EC2::NetworkAcl', Properties: {VpcId: vpc-1}}
  E1: {Type: 'AWS::EC2::NetworkAclEntry', Properties: {NetworkAclId: !Ref A, RuleNumber: '10', Protocol: '17',
       RuleAction: ALLOW, Egress: 'true', CidrBlock: 10.0.0.0/8, PortRange: {From: '53', To: 53}}}
  E2: {Type: 'AWS::EC2::NetworkAclEntry', Properties: {NetworkAclId: !Ref A, RuleNumber: 20, Protocol: 58,
       RuleAction: allow, Ipv6CidrBlock: '::/0', Icmp: {Type: 128, Code: -1}}}
  E3: {Type: 'AWS::EC2::NetworkAclEntry', Properties: {NetworkAclId: !Ref A, RuleNumber: 30, Protocol: 1,
       RuleAction: deny, CidrBlock: 0.0.0.0/0, Icmp: {Type: -1, Code: -1}}}
  E4: {Type: 'AWS::EC2::NetworkAclEntry', Properties: {NetworkAclId: !Ref A, RuleNumber: 40, Protocol: -1,
       RuleAction: allow, Egress: false, CidrBlock: 0.0.0.0/0, PortRange: {From: 1, To: 2}}}
  Other: {Type: 'AWS::EC2::NetworkAclEntry', Properties: {NetworkAclId: acl-0123, RuleNumber: 1, Protocol: -1,
       RuleAction: allow, CidrBlock: 0.0.0.0/0}}
)";
  Snapshot s = yaml(t);
  const NetworkAcl& a = acl(s, "A");
  ASSERT_EQ(a.egress.size(), 1u);
  EXPECT_TRUE(nacl_decide(a.egress, packet("udp", "10.2.3.4", 53)).allow);
  EXPECT_FALSE(nacl_decide(a.egress, packet("tcp", "10.2.3.4", 53)).allow);
  ASSERT_EQ(a.ingress.size(), 3u);
  EXPECT_TRUE(nacl_decide(a.ingress, packet("icmpv6", "2001:db8::1", icmp_key(128, 0))).allow);
  EXPECT_FALSE(nacl_decide(a.ingress, packet("icmp", "10.0.0.1", icmp_key(8, 0))).allow);  // 30 denies first
  EXPECT_TRUE(nacl_decide(a.ingress, packet("tcp", "10.0.0.1", 9999)).allow);              // 40: PortRange ignored
  EXPECT_TRUE(has_warning(s, "PortRange is ignored")) << warnings_text(s);
  EXPECT_TRUE(has_warning(s, "acl-0123, which the template does not create")) << warnings_text(s);
  EXPECT_EQ(s.acls.size(), 1u);
}

// ----- bad input -----

TEST(CloudFormationBadInputTest, ErrorsNameFileLineAndPath) {
  struct Case {
    std::string text, message, pointer;
    int line;
  };
  std::vector<Case> cases = {
      {"Resources:\n  G:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      SecurityGroupIngress:\n"
       "        - {IpProtocol: tcp, FromPort: 80, ToPort: 80, CidrIp: 10.0.0.0/33}\n",
       "prefix length", "/Resources/G/Properties/SecurityGroupIngress/0/CidrIp", 6},
      {"Resources:\n  G:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      SecurityGroupIngress:\n"
       "        - {IpProtocol: tcp, CidrIp: 10.0.0.0/8}\n",
       "needs FromPort and ToPort", "/Resources/G/Properties/SecurityGroupIngress/0", 6},
      {"Resources:\n  G:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      SecurityGroupIngress:\n"
       "        - {IpProtocol: tcp, FromPort: 1, ToPort: 2, CidrIp: 10.0.0.0/8, CidrIpv6: '::/0'}\n",
       "gives CidrIp and CidrIpv6", "/Resources/G/Properties/SecurityGroupIngress/0", 6},
      {"Resources:\n  G:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      SecurityGroupIngress:\n"
       "        - {IpProtocol: tcp, FromPort: eighty, ToPort: 80, CidrIp: 10.0.0.0/8}\n",
       "whole number", "/Resources/G/Properties/SecurityGroupIngress/0/FromPort", 6},
      {"Resources:\n  G:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      VpcId: !Ref Nope\n",
       "neither a parameter nor a resource", "/Resources/G/Properties/VpcId", 5},
      {"Resources:\n  G:\n    Properties: {}\n", "missing \"Type\"", "/Resources/G", 2},
      {"Resources:\n  E:\n    Type: AWS::EC2::NetworkAclEntry\n    Properties:\n      NetworkAclId: !Ref A\n"
       "      RuleNumber: 40000\n      Protocol: -1\n      RuleAction: allow\n      CidrBlock: 0.0.0.0/0\n"
       "  A: {Type: 'AWS::EC2::NetworkAcl'}\n",
       "outside 1-32766", "/Resources/E/Properties/RuleNumber", 6},
      {"Resources:\n  E:\n    Type: AWS::EC2::NetworkAclEntry\n    Properties:\n      NetworkAclId: !Ref A\n"
       "      RuleNumber: 4\n      Protocol: 6\n      RuleAction: allow\n      CidrBlock: 0.0.0.0/0\n"
       "  A: {Type: 'AWS::EC2::NetworkAcl'}\n",
       "needs PortRange", "/Resources/E/Properties", 4},
      {"Resources:\n  G:\n    Type: AWS::EC2::SecurityGroup\n    Condition: Nope\n", "not defined in Conditions",
       "/Resources/G/Condition", 4},
      // YAML itself.
      {"Resources:\n  G: [1, 2\n", "not valid YAML", "/Resources/G", 3},
      {"Resources:\n  G: &a {Type: x}\n  H: *a\n", "aliases", "/Resources/H", 3},
      {"Resources:\n  G:\n    <<: {Type: x}\n", "merge keys", "/Resources/G", 3},
      {"Resources:\n  G: {}\n  G: {}\n", "given twice in this mapping (first at line 2)", "/Resources/G", 3},
      {"Resources: {}\n---\nResources: {}\n", "second YAML document", "", 2},
      {"Resources:\n  ? [a, b]\n  : 1\n", "keys are strings", "/Resources", 2},
      {"Resources:\n  G: !!binary aGk=\n", "!!binary tag is not supported", "/Resources/G", 2},
      {"Resources:\n  G: a\n  H: \xff\n", "not valid UTF-8", "", 3},
      {"Description: only\nResources: []\n", "expected an object", "/Resources", 2},
      {"# nothing but a comment\n", "empty", "", 0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    Diagnostic d = yaml_error(c.text);
    EXPECT_EQ(d.where.file, "t.yaml");
    EXPECT_NE(d.message.find(c.message), std::string::npos) << d.message;
    EXPECT_EQ(d.where.json_pointer, c.pointer) << d.message;
    EXPECT_EQ(d.where.line, c.line) << d.message;
  }
}

TEST(CloudFormationBadInputTest, DeepNestingAndAliasBombsFailFastWithoutACrash) {
  std::string deep = "Resources:\n  G: " + std::string(100000, '[') + std::string(100000, ']') + "\n";
  Diagnostic d = yaml_error(deep);
  EXPECT_NE(d.message.find("nested more than 256 levels"), std::string::npos) << d.message;
  EXPECT_EQ(d.where.line, 2);
  std::string maps = "Resources:\n";
  for (int i = 0; i < 400; ++i) maps += std::string(static_cast<std::size_t>(2 + 2 * i), ' ') + "k:\n";
  EXPECT_NE(yaml_error(maps).message.find("nested more than"), std::string::npos);
  // A billion laughs: refused at its first alias, never expanded.
  std::string laughs = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (char c = 'b'; c <= 'j'; ++c) {
    std::ostringstream line;
    line << c << ": &" << c << " [";
    for (int k = 0; k < 9; ++k) line << (k ? ", *" : "*") << static_cast<char>(c - 1);
    laughs += line.str() + "]\n";
  }
  laughs += "Resources: {G: *j}\n";
  EXPECT_NE(yaml_error(laughs).message.find("aliases"), std::string::npos);
  // Random bytes after a template key: an error or a load, never a crash.
  std::mt19937 rng(3);
  for (int i = 0; i < 200; ++i) {
    std::string junk = "Resources:\n";
    for (int k = 0; k < 200; ++k) junk += "\t\n :-[]{}!&*?|>'\"%@`#,aG0\\"[rng() % 25];
    try {
      yaml(junk);
    } catch (const InputError&) {
    }
  }
}

TEST(CloudFormationBadInputTest, NonTemplatesAreToldApart) {
  // Not a template and not YAML by name: the JSON reader's error, as before.
  try {
    load_text("hello", "x.txt");
    ADD_FAILURE();
  } catch (const InputError& e) {
    EXPECT_NE(e.diagnostic().message.find("not a JSON document"), std::string::npos);
  }
  // A .yaml file that is no template.
  try {
    load_text("name: build\nsteps: [a]\n", "ci.yaml");
    ADD_FAILURE();
  } catch (const InputError& e) {
    EXPECT_NE(e.diagnostic().message.find("missing the Resources section"), std::string::npos) << e.what();
  }
  // A JSON object with Resources of other kinds is not a template: the describe reader's error.
  try {
    load_text(R"({"Resources": {"x": {"Type": "Custom::Thing"}}})", "x.json");
    ADD_FAILURE();
  } catch (const InputError& e) {
    EXPECT_NE(e.diagnostic().message.find("not a describe-* document"), std::string::npos) << e.what();
  }
}

using CloudFormationFolderTest = testing::TempDirTest;

TEST_F(CloudFormationFolderTest, FoldersReadTemplatesBesideJsonAndSkipOtherYaml) {
  write("a/web.yaml", "Resources:\n  W: {Type: 'AWS::EC2::SecurityGroup', Properties: {GroupDescription: w}}\n");
  write("b.yml", "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  A: {Type: 'AWS::EC2::NetworkAcl'}\n");
  write("c.template", R"({"Resources": {"T": {"Type": "AWS::EC2::SecurityGroup", "Properties": {}}}})");
  write("d.json", R"({"SecurityGroups": [{"GroupId": "sg-d"}]})");
  write("docker-compose.yml", "services:\n  web: {image: nginx}\n");
  Snapshot s = load_inputs({dir_.string()});
  std::vector<std::string> ids;
  for (const auto& g : s.groups) ids.push_back(g.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"W", "T", "sg-d"}));
  EXPECT_EQ(s.acls.size(), 1u);
  EXPECT_EQ(s.files.size(), 4u);
  EXPECT_TRUE(has_warning(s, "not a CloudFormation template")) << warnings_text(s);
}

// ----- the CLI -----

TEST(CloudFormationCliTest, ShowAnalyzeAndDiffTemplates) {
  std::string dir = testing::temp_dir();
  std::string old_t = dir + "/old.yaml", new_t = dir + "/new.yaml";
  std::string text = testing::read_text(kSamples + "cfn-web.yaml");
  testing::write_text(old_t, text);
  std::string changed = text;
  changed.replace(changed.find("Default: 203.0.113.0/24"), 23, "Default: 203.0.112.0/23");
  testing::write_text(new_t, changed);
  auto show = testing::run_sgopt({"show", old_t});
  EXPECT_EQ(show.status, 0) << show.err;
  EXPECT_NE(show.out.find("security group WebSecurityGroup (web)"), std::string::npos) << show.out;
  auto analyze = testing::run_sgopt({"analyze", old_t});
  EXPECT_NE(analyze.status, 2) << analyze.err;
  auto same = testing::run_sgopt({"diff", old_t, kSamples + "cfn-web.describe.json"});
  EXPECT_EQ(same.status, 0) << same.out << same.err;
  auto looser = testing::run_sgopt({"diff", old_t, new_t});
  EXPECT_EQ(looser.status, 1) << looser.err;
  EXPECT_NE(looser.out.find("WebSecurityGroup"), std::string::npos) << looser.out;
  EXPECT_NE(looser.out.find("looser"), std::string::npos) << looser.out;
  EXPECT_NE(looser.out.find("203.0.112.0/24"), std::string::npos) << looser.out;
  // --parameter reaches the template: the new side given the old value is equivalent.
  auto given = testing::run_sgopt({"diff", old_t, new_t, "--parameter", "OfficeCidr=203.0.113.0/24"});
  EXPECT_EQ(given.status, 0) << given.out << given.err;
  // Bad YAML: exit status 2 and file:line.
  std::string bad = dir + "/bad.yaml";
  testing::write_text(bad, "Resources:\n  G: {Type: [\n");
  auto broken = testing::run_sgopt({"show", bad});
  EXPECT_EQ(broken.status, 2);
  EXPECT_NE(broken.err.find(bad + ":3"), std::string::npos) << broken.err;
  // A template on standard input.
  auto piped = testing::run_sgopt({"show", "-"}, text);
  EXPECT_EQ(piped.status, 0) << piped.err;
  EXPECT_NE(piped.out.find("network ACL PublicAcl"), std::string::npos);
}

}  // namespace
}  // namespace sgopt
