// The cross-layer passes on the three-tier sample: each finding is there, says what it should, and
// its witness is confirmed by the two-layer reference evaluator (model/topology.h); a change that
// opens the return path makes the finding go away.
#include "model/aws/loader.h"
#include "model/topology.h"
#include "passes/pass.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace sgopt {
namespace {

std::vector<Finding> run(const Snapshot& s, const char* pass) {
  return run_analyses(s, {find_pass(pass)}, AnalysisOptions{}, 1);
}

Snapshot three_tier() { return load_inputs({SGOPT_SOURCE_DIR "/samples/three-tier.json"}); }

const NetworkInterface& eni(const Snapshot& s, const char* id) {
  return *std::find_if(s.interfaces.begin(), s.interfaces.end(), [&](const NetworkInterface& e) { return e.id == id; });
}

std::vector<Finding> only(std::vector<Finding> fs, Direction d) {
  std::erase_if(fs, [&](const Finding& f) { return f.direction != d; });
  return fs;
}

TEST(CrossLayerTest, ReturnPathBlockedForPartOfTheEphemeralRange) {
  Snapshot s = three_tier();
  auto fs = only(run(s, "return-path-blocked"), Direction::Ingress);
  ASSERT_EQ(fs.size(), 1u);
  const Finding& f = fs[0];
  EXPECT_EQ(f.resource_id, "acl-0web");
  EXPECT_EQ(f.severity, Severity::Low);  // part of the range: 32768-65535 of 1024-65535
  EXPECT_NE(f.message.find("32768-65535"), std::string::npos) << f.message;
  ASSERT_TRUE(f.witness && f.reply);
  Placement p = place_interface(s, *std::find_if(s.interfaces.begin(), s.interfaces.end(),
                                                 [](const NetworkInterface& e) { return e.id == "eni-0web"; }));
  FlowVerdict v = evaluate_flow(p, Direction::Ingress, *f.witness, f.reply->port_key);
  EXPECT_TRUE(v.accepted());
  EXPECT_FALSE(v.reply_passes());
  EXPECT_TRUE(evaluate_flow(p, Direction::Ingress, *f.witness, 32767).answered());  // the allowed part

  // With Linux's 32768-61000 every reply is dropped: medium.
  AnalysisOptions linux_clients;
  linux_clients.ephemeral = {32768, 61000};
  auto wholly = only(run_analyses(s, {find_pass("return-path-blocked")}, linux_clients, 1), Direction::Ingress);
  ASSERT_EQ(wholly.size(), 1u);
  EXPECT_EQ(wholly[0].severity, Severity::Medium);
  EXPECT_EQ(wholly[0].ephemeral_ports, "32768-61000");
  // Clients at 1024-32767 only: every reply passes, no finding.
  AnalysisOptions low_clients;
  low_clients.ephemeral = {1024, 32767};
  EXPECT_TRUE(only(run_analyses(s, {find_pass("return-path-blocked")}, low_clients, 1), Direction::Ingress).empty());

  // Opening the egress ephemeral range fixes it.
  for (NaclEntry& e : s.acls[0].egress)
    if (e.rule_number == 100) e.port_range = PortRange{1024, 65535};
  EXPECT_TRUE(only(run(s, "return-path-blocked"), Direction::Ingress).empty());
}

// The web tier calls the app tier on 8080 through a group reference; the web subnet's ACL lets
// no reply back in. Found because the reference resolves to the app interface's address (closed
// world), and not claimed when references are left open.
TEST(CrossLayerTest, ReturnPathBlockedThroughAResolvedReference) {
  Snapshot s = three_tier();
  auto fs = only(run(s, "return-path-blocked"), Direction::Egress);
  ASSERT_EQ(fs.size(), 1u);
  const Finding& f = fs[0];
  EXPECT_EQ(f.resource_id, "acl-0web");
  EXPECT_EQ(f.world, World::Closed);
  EXPECT_EQ(f.severity, Severity::Medium);  // every reply
  ASSERT_TRUE(f.witness && f.reply);
  EXPECT_EQ(f.witness->str(), "tcp 10.0.2.10 port 8080");
  Placement web = place_interface(s, eni(s, "eni-0web"));
  for (int port : {1024, 40000, 65535}) {
    FlowVerdict v = evaluate_flow(web, Direction::Egress, *f.witness, port, &s.references);
    EXPECT_TRUE(v.accepted());
    EXPECT_FALSE(v.reply_passes()) << port;
  }
  s.resolve_references(ReferenceMode::Open);
  EXPECT_TRUE(only(run(s, "return-path-blocked"), Direction::Egress).empty());
}

TEST(CrossLayerTest, DeadRulesAndTheirDeadParts) {
  Snapshot s = three_tier();
  auto fs = run(s, "dead-group-rule");
  std::vector<std::string> seen;
  for (const auto& f : fs) {
    seen.push_back(f.resource_id + " " + f.kind);
    ASSERT_TRUE(f.witness);
    for (const NetworkInterface* eni : s.interfaces_with_group(f.resource_id)) {
      Placement p = place_interface(s, *eni);
      EXPECT_FALSE(evaluate_flow(p, *f.direction, *f.witness, 1024).request_passes_acl()) << f.message;
    }
  }
  // SSH from anywhere on the app tier: the ACL denies it except inside the app subnet itself.
  EXPECT_NE(std::find(seen.begin(), seen.end(), "sg-0app partly-dead-group-rule"), seen.end());
  EXPECT_NE(std::find(seen.begin(), seen.end(), "sg-0db partly-dead-group-rule"), seen.end());
  // Without describe-subnets nothing is inside a subnet, so the app tier's SSH rule is wholly dead.
  s.subnets.clear();
  s.index();
  bool wholly = false;
  for (const auto& f : run(s, "dead-group-rule"))
    wholly = wholly || (f.resource_id == "sg-0app" && f.kind == "dead-group-rule");
  EXPECT_TRUE(wholly);
}

TEST(CrossLayerTest, EffectiveExposureNamesThePublicIp) {
  Snapshot s = three_tier();
  auto fs = run(s, "effective-exposure");
  ASSERT_EQ(fs.size(), 1u);  // only the web tier accepts anything from the internet
  EXPECT_EQ(fs[0].interfaces, std::vector<std::string>{"eni-0web"});
  EXPECT_NE(fs[0].message.find("198.51.100.20"), std::string::npos);
  EXPECT_NE(fs[0].message.find("tcp port 443"), std::string::npos) << fs[0].message;
  // Without any ACL loaded the cross-layer passes say nothing: one layer is unknown.
  s.acls.clear();
  s.index();
  EXPECT_TRUE(run(s, "effective-exposure").empty());
  EXPECT_TRUE(run(s, "dead-group-rule").empty());
}

}  // namespace
}  // namespace sgopt
