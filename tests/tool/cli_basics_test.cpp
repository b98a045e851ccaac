// The CLI's common behaviour: help, version, usage errors and exit statuses.
#include "tests/tool/run_cli.h"
#include "tool/cli.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

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

TEST(CliBasicsTest, ProgressLineSaysCountTotalRateAndTimeLeft) {
  EXPECT_EQ(cli::progress_line("analyzing", 4210, 10000, 2.0),
            "analyzing: 4,210 of 10,000 (42%), 2,105/s, about 3 s left");
  EXPECT_EQ(cli::progress_line("reading groups", 1234567, 0, 1.0), "reading groups: 1,234,567, 1,234,567/s");
  EXPECT_EQ(cli::progress_line("proving directions", 7, 7, 1.0), "proving directions: 7 of 7 (100%)");
  EXPECT_EQ(cli::progress_line("minimizing", 0, 5, 0.0), "minimizing: 0 of 5 (0%)");
}

TEST(CliBasicsTest, NoProgressLineWhenStandardErrorIsNotATerminal) {
  auto r = run_sgopt({"analyze", sample("web-sprawl.json"), "--format", "json"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err.find('\r'), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find('\x1b'), std::string::npos) << r.err;
}

#if defined(__SANITIZE_ADDRESS__)
#define SGOPT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SGOPT_ASAN 1
#endif
#endif

TEST(CliBasicsTest, OutOfMemoryIsExitTwoWithAMessageAndNoOutput) {
#ifdef SGOPT_ASAN
  GTEST_SKIP() << "AddressSanitizer reserves more address space than the limit this test sets";
#else
  // A 60 MB description under a 150 MB address-space limit: the read or the parse runs out.
  std::string dir = temp_dir();
  std::string big = R"({"SecurityGroups": [{"GroupId": "sg-0123456789abcdef0", "Description": ")" +
                    std::string(60'000'000, 'x') + R"(", "IpPermissions": []}]})";
  write_text(dir + "/big.json", big);
  big.clear();
  big.shrink_to_fit();
  std::string cmd = fmt::format(
      "bash -c 'ulimit -v 150000 && exec {} analyze {}/big.json --format json --out {}/r.json' "
      ">{}/out 2>{}/err",
      SGOPT_BINARY, dir, dir, dir, dir);
  int raw = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(raw)) << read_text(dir + "/err");
  EXPECT_EQ(WEXITSTATUS(raw), 2) << read_text(dir + "/err");
  std::string err = read_text(dir + "/err");
  EXPECT_NE(err.find("out of memory"), std::string::npos) << err;
  EXPECT_NE(err.find("MB in use at the peak"), std::string::npos) << err;
  EXPECT_FALSE(std::filesystem::exists(dir + "/r.json"));
  std::filesystem::remove_all(dir);
#endif
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
