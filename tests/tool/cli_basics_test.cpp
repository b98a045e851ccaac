// The CLI's common behaviour: help, version, usage errors and exit statuses.
#include "tests/tool/run_cli.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace sgopt::testing {
namespace {

TEST(CliBasicsTest, HelpListsCommandsAndExitsZero) {
  auto r = run_sgopt({"--help"});
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("show"), std::string::npos);
  EXPECT_NE(r.out.find("Exit status"), std::string::npos);
}

TEST(CliBasicsTest, VersionPrintsVersion) {
  auto r = run_sgopt({"--version"});
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find(SGOPT_VERSION_STRING), std::string::npos);
}

TEST(CliBasicsTest, UnknownCommandIsUsageErrorWithStatusTwo) {
  auto r = run_sgopt({"frobnicate"});
  EXPECT_EQ(r.status, 2);
  EXPECT_FALSE(r.err.empty());
}

TEST(CliBasicsTest, NoCommandIsUsageError) {
  auto r = run_sgopt({});
  EXPECT_EQ(r.status, 2);
}

}  // namespace
}  // namespace sgopt::testing

namespace sgopt::testing {
namespace {

// Every kind of bad input: exit 2, one message naming the file and the JSON path, nothing on stdout.
struct BadInput {
  const char* name;
  std::string content;
  const char* expect;  // a part of the message: the JSON pointer or what was expected
};

std::vector<BadInput> bad_inputs() {
  auto sg = [](const std::string& perm) {
    return R"({"SecurityGroups":[{"GroupId":"sg-1","IpPermissions":[)" + perm + "]}]}";
  };
  return {
      {"truncated", R"({"SecurityGroups": [ {"GroupId": "sg-1", )", "not valid JSON"},
      {"empty", "", "empty"},
      {"garbage", std::string("\x11\x8b\x00\xff binary", 12), "not a JSON document"},
      {"wrong-type", sg(R"({"IpProtocol":"tcp","FromPort":"22","ToPort":22,"IpRanges":[{"CidrIp":"10.0.0.0/8"}]})"),
       "/SecurityGroups/0/IpPermissions/0/FromPort"},
      {"prefix-33", sg(R"({"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"10.0.0.0/33"}]})"),
       "/SecurityGroups/0/IpPermissions/0/IpRanges/0/CidrIp"},
      {"octet-300", sg(R"({"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"300.1.2.3/8"}]})"),
       "/SecurityGroups/0/IpPermissions/0/IpRanges/0/CidrIp"},
      {"v6-in-cidrip", sg(R"({"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"2001:db8::/32"}]})"),
       "IPv6"},
      {"port-70000", sg(R"({"IpProtocol":"tcp","FromPort":0,"ToPort":70000,"IpRanges":[{"CidrIp":"10.0.0.0/8"}]})"),
       "/SecurityGroups/0/IpPermissions/0/ToPort"},
      {"reversed", sg(R"({"IpProtocol":"tcp","FromPort":80,"ToPort":22,"IpRanges":[{"CidrIp":"10.0.0.0/8"}]})"),
       "/SecurityGroups/0/IpPermissions/0/FromPort"},
      {"protocol", sg(R"({"IpProtocol":"tcpx","FromPort":0,"ToPort":7,"IpRanges":[{"CidrIp":"10.0.0.0/8"}]})"),
       "unknown protocol 'tcpx'"},
      {"missing-id", R"({"SecurityGroups":[{"GroupName":"x","IpPermissions":[]}]})", "GroupId"},
      {"duplicate-id", R"({"SecurityGroups":[{"GroupId":"sg-1"},{"GroupId":"sg-1"}]})", "/SecurityGroups/1"},
      {"rule-number",
       R"({"NetworkAcls":[{"NetworkAclId":"acl-1","Entries":[{"CidrBlock":"0.0.0.0/0","Egress":false,"Protocol":"-1","RuleAction":"allow","RuleNumber":40000}]}]})",
       "/NetworkAcls/0/Entries/0/RuleNumber"},
      {"unknown-document", R"({"Foo":[]})", "SecurityGroups"},
  };
}

TEST(CliBadInputTest, EveryBadInputExitsTwoWithFileAndPath) {
  std::string dir = temp_dir();
  for (const auto& b : bad_inputs()) {
    std::string path = dir + "/" + b.name + ".json";
    write_text(path, b.content);
    {
      // Every command reads its inputs through the same loader (tool/cli.cpp), so `show` stands for all.
      auto r = run_sgopt({"show", path});
      EXPECT_EQ(r.status, 2) << b.name;
      EXPECT_TRUE(r.out.empty()) << b.name;
      EXPECT_NE(r.err.find(path), std::string::npos) << b.name << ": " << r.err;
      EXPECT_NE(r.err.find(b.expect), std::string::npos) << b.name << ": " << r.err;
      EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << b.name << ": one message: " << r.err;
    }
  }
}

TEST(CliBadInputTest, LenientAcceptsDuplicateIdsWithAWarning) {
  std::string dir = temp_dir();
  write_text(dir + "/dup.json", R"({"SecurityGroups":[{"GroupId":"sg-1"},{"GroupId":"sg-1"}]})");
  EXPECT_EQ(run_sgopt({"show", dir + "/dup.json"}).status, 2);
  auto r = run_sgopt({"show", "--lenient", dir + "/dup.json"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("warning"), std::string::npos);
}

}  // namespace
}  // namespace sgopt::testing
