// `sgopt show` and `sgopt query` through the real binary, checked against an independent reading
// of the sample JSON and against the reference evaluator.
#include "model/aws/loader.h"
#include "model/packet.h"
#include "model/topology.h"
#include "tests/tool/run_cli.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>

namespace sgopt::testing {
namespace {

using nlohmann::json;

// Counts the rules of one permission list straight from the JSON, as AWS counts quota.
std::pair<int, int> count_v4_v6(const json& perms) {
  int v4 = 0, v6 = 0;
  for (const auto& p : perms) {
    v4 +=
        static_cast<int>(p.value("IpRanges", json::array()).size() + p.value("UserIdGroupPairs", json::array()).size() +
                         p.value("PrefixListIds", json::array()).size());
    v6 += static_cast<int>(p.value("Ipv6Ranges", json::array()).size());
  }
  return {v4, v6};
}

TEST(CliShowTest, JsonQuotaCountsMatchTheInput) {
  auto r = run_sgopt({"show", "--format", "json", sample("web-sprawl.json")});
  ASSERT_EQ(r.status, 0) << r.err;
  json out = json::parse(r.out);
  json in = json::parse(read_text(sample("web-sprawl.json")));
  ASSERT_EQ(out["groups"].size(), in["SecurityGroups"].size());
  for (size_t i = 0; i < in["SecurityGroups"].size(); ++i) {
    const auto& g = in["SecurityGroups"][i];
    const auto& o = out["groups"][i];
    EXPECT_EQ(o["id"], g["GroupId"]);
    auto [in4, in6] = count_v4_v6(g["IpPermissions"]);
    auto [out4, out6] = count_v4_v6(g["IpPermissionsEgress"]);
    EXPECT_EQ(o["quota"]["ingress"]["ipv4"], in4);
    EXPECT_EQ(o["quota"]["ingress"]["ipv6"], in6);
    EXPECT_EQ(o["quota"]["egress"]["ipv4"], out4);
    EXPECT_EQ(o["quota"]["egress"]["ipv6"], out6);
    EXPECT_EQ(o["rules"].size(), static_cast<size_t>(in4 + in6 + out4 + out6));
  }
}

TEST(CliShowTest, TextShowsEveryGroupAclAndRule) {
  auto r =
      run_sgopt({"show", sample("web-sprawl.json"), sample("nacl-shadowed.json"), sample("network-interfaces.json")});
  ASSERT_EQ(r.status, 0) << r.err;
  for (const char* s : {"sg-0a1b2c3d4e5f60001", "sg-0a1b2c3d4e5f60000", "acl-0a1b2c3d4e5f60001",
                        "eni-0a1b2c3d4e5f60002", "128.0.0.0/1", "ingress/IPv4 15/60", "type 3 code 4", "3389"})
    EXPECT_NE(r.out.find(s), std::string::npos) << s;
}

TEST(CliShowTest, WarnsForBucketsOverQuota) {
  json doc = {{"SecurityGroups", json::array()}};
  json perm = {{"IpProtocol", "tcp"}, {"FromPort", 443}, {"ToPort", 443}, {"IpRanges", json::array()}};
  for (int i = 0; i < 61; ++i) perm["IpRanges"].push_back({{"CidrIp", "10.0." + std::to_string(i) + ".0/24"}});
  doc["SecurityGroups"].push_back(
      {{"GroupId", "sg-1"}, {"GroupName", "big"}, {"IpPermissions", {perm}}, {"IpPermissionsEgress", json::array()}});
  auto r = run_sgopt({"show", "-"}, doc.dump());
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("ingress/IPv4 uses 61 of the default quota of 60"), std::string::npos) << r.out;
  auto j = run_sgopt({"show", "--format", "json", "-"}, doc.dump());
  EXPECT_EQ(json::parse(j.out)["groups"][0]["over_quota"].size(), 1u);
}

TEST(CliShowTest, BadInputExitsTwoNamingFileAndPath) {
  std::string dir = temp_dir();
  write_text(
      dir + "/bad.json",
      R"({"SecurityGroups":[{"GroupId":"sg-1","IpPermissions":[{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"10.0.0.0/33"}]}]}]})");
  auto r = run_sgopt({"show", dir + "/bad.json"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("bad.json"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("/SecurityGroups/0/IpPermissions/0/IpRanges/0"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty());
}

TEST(CliShowTest, MissingFileIsInputErrorNamingTheFile) {
  auto r = run_sgopt({"show", "/nonexistent/sgs.json"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("/nonexistent/sgs.json"), std::string::npos);
}

// Packets around the sample's rules; each decision must equal the reference evaluator's.
struct QueryCase {
  std::string proto;
  std::vector<std::string> key;  // --port N or --icmp-type T --icmp-code C
  std::string peer;
  Packet packet;
};

std::vector<QueryCase> query_cases() {
  std::vector<QueryCase> cs;
  auto v4 = [](const char* a) {
    Family f;
    return *parse_address(a, &f);
  };
  for (const char* addr : {"203.0.113.9", "10.30.4.0", "10.30.255.255", "10.31.0.0", "10.20.0.255", "10.20.1.0",
                           "127.255.255.255", "128.0.0.0"})
    for (int port : {0, 21, 22, 23, 443, 1023, 1024, 8080, 65535})
      cs.push_back({"tcp", {"--port", std::to_string(port)}, addr, {Family::V4, v4(addr), std::nullopt, 6, port}});
  for (int type : {3, 8})
    for (int code : {0, 3, 4, 5})
      cs.push_back({"icmp",
                    {"--icmp-type", std::to_string(type), "--icmp-code", std::to_string(code)},
                    "10.1.2.3",
                    {Family::V4, v4("10.1.2.3"), std::nullopt, 1, type * 256 + code}});
  cs.push_back({"50", {}, "10.0.0.1", {Family::V4, v4("10.0.0.1"), std::nullopt, 50, 0}});
  cs.push_back({"tcp",
                {"--port", "8080", "--member-of", "sg-0a1b2c3d4e5f60002"},
                "10.9.9.9",
                {Family::V4, v4("10.9.9.9"), Membership{PeerType::Group, "sg-0a1b2c3d4e5f60002"}, 6, 8080}});
  cs.push_back({"tcp", {"--port", "443"}, "2001:db8::1", {Family::V6, 0, std::nullopt, 6, 443}});
  Family f;
  cs.back().packet.addr = *parse_address("2001:db8::1", &f);
  return cs;
}

TEST(CliQueryTest, GroupDecisionsMatchReferenceEvaluator) {
  Snapshot s = load_inputs({sample("web-sprawl.json")});
  const SecurityGroup* g = s.find_group("sg-0a1b2c3d4e5f60001");
  ASSERT_NE(g, nullptr);
  for (const auto& c : query_cases()) {
    std::vector<std::string> args{
        "query", sample("web-sprawl.json"), "--group", g->id, "--proto", c.proto, "--peer", c.peer, "--format", "json"};
    args.insert(args.end(), c.key.begin(), c.key.end());
    auto r = run_sgopt(args);
    // Allowed as asked, or (open world: no interfaces loaded) allowed if the address is a member
    // of a group the rules name: depends.
    bool allowed = sg_allows(g->ingress, c.packet, &s.references);
    std::vector<std::string> would;
    for (const auto& rule : g->ingress) {
      if (rule.peer.is_cidr() || (c.packet.member && c.packet.member->id == rule.peer.ref)) continue;
      Packet member = c.packet;
      member.member = Membership{rule.peer.type, rule.peer.ref};
      if (!allowed && sg_allows(g->ingress, member, &s.references) &&
          std::find(would.begin(), would.end(), rule.peer.ref) == would.end())
        would.push_back(rule.peer.ref);
    }
    const char* expected = allowed ? "allow" : would.empty() ? "deny" : "depends";
    ASSERT_EQ(r.status, allowed ? 0 : would.empty() ? 1 : 3) << c.packet.str() << r.err;
    json out = json::parse(r.out);
    EXPECT_EQ(out["decision"], expected) << c.packet.str();
    EXPECT_EQ(out["world"], "open");
    size_t matching = 0;
    for (const auto& rule : g->ingress) matching += rule_matches(rule, c.packet, &s.references);
    EXPECT_EQ(out["rules"].size(), matching) << c.packet.str();
    ASSERT_EQ(out["conditions"].size(), would.size()) << c.packet.str();
    for (std::size_t i = 0; i < would.size(); ++i) EXPECT_EQ(out["conditions"][i]["member_of"]["id"], would[i]);
  }
}

TEST(CliQueryTest, AclDecisionAndDecidingEntryMatchReferenceEvaluator) {
  Snapshot s = load_inputs({sample("nacl-shadowed.json")});
  const NetworkAcl& acl = s.acls.at(0);
  auto cases = query_cases();
  for (size_t i = 0; i < cases.size(); i += 2) {  // every other case keeps the test quick
    const auto& c = cases[i];
    if (c.packet.member) continue;
    for (bool egress : {false, true}) {
      std::vector<std::string> args{
          "query", sample("nacl-shadowed.json"), "--acl", acl.id, "--proto", c.proto, "--peer", c.peer, "--format",
          "json"};
      if (egress) args.push_back("--egress");
      args.insert(args.end(), c.key.begin(), c.key.end());
      auto r = run_sgopt(args);
      NaclDecision d = nacl_decide(acl.entries(egress ? Direction::Egress : Direction::Ingress), c.packet);
      ASSERT_EQ(r.status, d.allow ? 0 : 1) << c.packet.str() << r.err;
      json out = json::parse(r.out);
      EXPECT_EQ(out["decision"], d.allow ? "allow" : "deny");
      if (d.entry) {
        ASSERT_EQ(out["rules"].size(), 1u);
        EXPECT_EQ(out["rules"][0]["rule_number"], d.entry->rule_number);
      } else {
        EXPECT_TRUE(out["rules"].empty());
      }
    }
  }
}

TEST(CliQueryTest, TextNamesTheMatchingRuleAndItsLocation) {
  auto r = run_sgopt({"query", sample("web-sprawl.json"), "--group", "sg-0a1b2c3d4e5f60001", "--proto", "tcp", "--port",
                      "22", "--peer", "203.0.113.9"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("ALLOW"), std::string::npos);
  EXPECT_NE(r.out.find("128.0.0.0/1"), std::string::npos);
  EXPECT_NE(r.out.find("/SecurityGroups/0/IpPermissions/2/IpRanges/1"), std::string::npos) << r.out;
}

TEST(CliQueryTest, UsageErrorsExitTwo) {
  std::string f = sample("web-sprawl.json");
  const std::vector<std::vector<std::string>> bad = {
      {"query", f, "--group", "sg-0a1b2c3d4e5f60001", "--proto", "tcp", "--peer", "1.2.3.4"},  // no port
      {"query", f, "--group", "sg-nope", "--proto", "tcp", "--port", "22", "--peer", "1.2.3.4"},
      {"query", f, "--group", "sg-0a1b2c3d4e5f60001", "--proto", "bogus", "--port", "22", "--peer", "1.2.3.4"},
      {"query", f, "--group", "sg-0a1b2c3d4e5f60001", "--proto", "tcp", "--port", "70000", "--peer", "1.2.3.4"},
      {"query", f, "--group", "sg-0a1b2c3d4e5f60001", "--proto", "tcp", "--port", "22", "--peer", "1.2.3"},
      {"query", f, "--proto", "tcp", "--port", "22", "--peer", "1.2.3.4"},
      {"query", f, "--group", "sg-0a1b2c3d4e5f60001", "--proto", "-1", "--peer", "1.2.3.4"},
  };
  for (const auto& args : bad) {
    auto r = run_sgopt(args);
    EXPECT_EQ(r.status, 2) << args[4] << " " << r.out;
    EXPECT_FALSE(r.err.empty());
  }
}

// Both layers at an interface: the JSON's layers and replies against the reference evaluator.
TEST(CliQueryTest, InterfaceQueryExplainsBothLayersAndTheReply) {
  std::string f = sample("three-tier.json");
  Snapshot s = load_inputs({f});
  Placement place = place_interface(s, s.interfaces.at(0));  // eni-0web
  ASSERT_EQ(place.eni->id, "eni-0web");
  struct Case {
    std::string peer;
    int port;
    std::vector<std::string> extra;
    int status;
    const char* verdict;
  };
  const std::vector<Case> cases = {
      {"203.0.113.9", 443, {}, 1, "replies-partly-dropped"},
      {"203.0.113.9", 443, {"--ephemeral-ports", "32768-61000"}, 1, "replies-dropped"},
      {"203.0.113.9", 443, {"--client-port", "2000"}, 0, "answered"},
      {"203.0.113.9", 22, {}, 1, "denied"},
      {"10.0.1.99", 443, {}, 0, "answered"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args{"query",   f,      "--interface", "eni-0web",
                                  "--proto", "tcp",  "--port",      std::to_string(c.port),
                                  "--peer",  c.peer, "--format",    "json"};
    args.insert(args.end(), c.extra.begin(), c.extra.end());
    auto r = run_sgopt(args);
    ASSERT_EQ(r.status, c.status) << c.peer << " " << c.port << r.err << r.out;
    json out = json::parse(r.out);
    EXPECT_EQ(out["verdict"], c.verdict) << r.out;
    Packet p;
    p.addr = *parse_address(c.peer, &p.family);
    p.protocol = 6;
    p.port_key = c.port;
    FlowVerdict v = evaluate_flow(place, Direction::Ingress, p, 1024);
    EXPECT_EQ(out["acl"]["same_subnet"], v.same_subnet);
    if (!v.same_subnet) {
      EXPECT_EQ(out["acl"]["decision"], v.acl_request.allow ? "allow" : "deny");
      EXPECT_EQ(out["acl"]["entry"]["rule_number"], v.acl_request.entry->rule_number);
    }
    EXPECT_EQ(out["groups"]["decision"], v.rule ? "allow" : "deny");
    for (const auto& reply : out["reply"]["by_client_port"])
      for (int port : {reply["ports"][0].get<int>(), reply["ports"][1].get<int>()})
        EXPECT_EQ(reply["decision"],
                  evaluate_flow(place, Direction::Ingress, p, port).acl_reply.allow ? "allow" : "deny")
            << port;
  }
  auto text =
      run_sgopt({"query", f, "--interface", "eni-0web", "--proto", "tcp", "--port", "443", "--peer", "203.0.113.9"});
  EXPECT_EQ(text.status, 1);
  for (const char* want : {"ACCEPTED, but the network ACL drops the replies to some client ports", "1024-32767",
                           "32768-65535", "public IP 198.51.100.20", "/NetworkAcls/0/Entries/2", "stateful"})
    EXPECT_NE(text.out.find(want), std::string::npos) << want << "\n" << text.out;
  // Without the ACLs the answer is unknown (exit 3), never an allow.
  json doc = json::parse(read_text(f));
  doc.erase("NetworkAcls");
  std::string no_acls = temp_dir() + "/no-acls.json";
  write_text(no_acls, doc.dump());
  auto unknown = run_sgopt(
      {"query", no_acls, "--interface", "eni-0web", "--proto", "tcp", "--port", "443", "--peer", "203.0.113.9"});
  EXPECT_EQ(unknown.status, 3) << unknown.out << unknown.err;
  EXPECT_NE(unknown.out.find("UNKNOWN"), std::string::npos);
  for (const std::vector<std::string>& bad :
       {std::vector<std::string>{"query", f, "--interface", "eni-nope", "--proto", "tcp", "--port", "1", "--peer",
                                 "1.2.3.4"},
        {"query", f, "--interface", "eni-0web", "--group", "sg-0web", "--proto", "tcp", "--port", "1", "--peer",
         "1.2.3.4"},
        {"query", f, "--group", "sg-0web", "--client-port", "5", "--proto", "tcp", "--port", "1", "--peer", "1.2.3.4"},
        {"query", f, "--interface", "eni-0web", "--ephemeral-ports", "9-1", "--proto", "tcp", "--port", "1", "--peer",
         "1.2.3.4"}}) {
    auto r = run_sgopt(bad);
    EXPECT_EQ(r.status, 2) << bad[3] << r.out;
    EXPECT_FALSE(r.err.empty());
  }
}

}  // namespace
}  // namespace sgopt::testing
