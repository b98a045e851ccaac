// Bad input through the real binary, one table for every command and loader: each case exits 2
// with one message that names where (file, JSON pointer and line, or the option), says what was
// expected, is short whatever the input, echoes no control byte, and leaves no output file.
#include "tests/tool/run_cli.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

namespace sgopt::testing {
namespace {

namespace fs = std::filesystem;

std::string sg(const std::string& permissions) {
  return R"({"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [)" + permissions + "]}]}";
}
std::string tcp22(const std::string& peers) {
  return R"({"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, )" + peers + "}";
}
std::string ports(const std::string& protocol_and_ports) {
  return "{" + protocol_and_ports + R"(, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]})";
}
std::string acl(const std::string& entries) {
  return R"({"NetworkAcls": [{"NetworkAclId": "acl-1", "Entries": [)" + entries + "]}]}";
}
std::string entry(const std::string& fields) {
  return R"({"RuleNumber": 100, "Protocol": "-1", "Egress": false, "RuleAction": "allow", "CidrBlock": "0.0.0.0/0")" +
         (fields.empty() ? "" : ", " + fields) + "}";
}
// ESC [2J (clear the screen) and BEL, as JSON escapes: the parser turns them into raw bytes.
const std::string kEscapes = R"(\u001b[2J\u0007)";
// What the message shows instead of those bytes.
const std::string kShown = R"(\x1b[2J\x07)";

struct Case {
  const char* name;
  std::vector<std::string> args;  // {in}: the input written from `content`; {txt}: the same as a
                                  // text file; {dir}: the case's folder; {sample}: a good input
  std::string content;
  std::string expect;  // in the message
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

std::vector<Case> cases() {
  const std::string R = R"("IpRanges": [{"CidrIp": "10.0.0.0/8"}])";
  return {
      {"EmptyFile", {"show", "{in}"}, "", "the file is empty"},
      {"OnlyWhitespace", {"analyze", "{in}"}, "  \n\t\n", "the file is empty"},
      {"NotJson", {"show", "{in}"}, "hello", "not a JSON document"},
      {"TruncatedObject", {"show", "{in}"}, R"({"SecurityGroups": [{"GroupId": "sg-1")", "not valid JSON"},
      {"MissingComma",
       {"show", "{in}"},
       R"({"SecurityGroups": [{"GroupId": "sg-1" "GroupName": "a"}]})",
       "not valid JSON"},
      {"TrailingGarbage", {"show", "{in}"}, R"({"SecurityGroups": []} x)", "not valid JSON"},
      {"TopLevelArray", {"show", "{in}"}, R"([{"GroupId": "sg-1"}])", "not one filtered"},
      {"TopLevelString", {"show", "{in}"}, R"("sg-1")", "not a JSON document"},
      {"UnknownTopLevelKeyOnly", {"show", "{in}"}, R"({"Foo": []})", "not a describe-* document"},
      {"UnknownKeyWithEscapes", {"show", "{in}"}, R"({"Foo)" + kEscapes + R"(": []})", kShown},
      {"GroupsNotAnArray", {"show", "{in}"}, R"({"SecurityGroups": {}})", "/SecurityGroups"},
      {"GroupNotAnObject", {"show", "{in}"}, R"({"SecurityGroups": [7]})", "/SecurityGroups/0"},
      {"MissingGroupId", {"show", "{in}"}, R"({"SecurityGroups": [{"GroupName": "a"}]})", R"(missing "GroupId")"},
      {"GroupIdNotAString", {"show", "{in}"}, R"({"SecurityGroups": [{"GroupId": 5}]})", "/SecurityGroups/0/GroupId"},
      {"PermissionsNotAnArray",
       {"show", "{in}"},
       R"({"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": 3}]})",
       "/SecurityGroups/0/IpPermissions"},
      {"PermissionNotAnObject", {"show", "{in}"}, sg(R"("tcp")"), "/SecurityGroups/0/IpPermissions/0"},
      {"ProtocolMissing", {"show", "{in}"}, sg(R"({"FromPort": 22, "ToPort": 22, )" + R + "}"), "IpProtocol"},
      {"ProtocolUnknown",
       {"analyze", "{in}"},
       sg(ports(R"("IpProtocol": "tcpx", "FromPort": 22, "ToPort": 22)")),
       "unknown protocol 'tcpx'"},
      {"ProtocolWithEscapes",
       {"show", "{in}"},
       sg(ports(R"("IpProtocol": "tcp)" + kEscapes + R"(", "FromPort": 22, "ToPort": 22)")),
       kShown},
      {"ProtocolNumberTooLarge", {"show", "{in}"}, sg(ports(R"("IpProtocol": "256")")), "outside 0-255"},
      {"ProtocolVeryLong",
       {"show", "{in}"},
       sg(ports(R"("IpProtocol": ")" + std::string(100000, 'x') + "\"")),
       "(100000 bytes)"},
      {"FromPortWithoutToPort", {"show", "{in}"}, sg(ports(R"("IpProtocol": "tcp", "FromPort": 22)")), "given without"},
      {"FromPortNotANumber",
       {"show", "{in}"},
       sg(ports(R"("IpProtocol": "tcp", "FromPort": "22", "ToPort": 22)")),
       "/FromPort"},
      {"FromPortOverflows",
       {"show", "{in}"},
       sg(ports(R"("IpProtocol": "tcp", "FromPort": 1e400, "ToPort": 22)")),
       "the number is out of range"},
      {"FromPortFraction",
       {"show", "{in}"},
       sg(ports(R"("IpProtocol": "tcp", "FromPort": 22.5, "ToPort": 22)")),
       "/FromPort"},
      {"PortOutsideRange",
       {"show", "{in}"},
       sg(ports(R"("IpProtocol": "tcp", "FromPort": 22, "ToPort": 70000)")),
       "outside 0-65535"},
      {"FromPortAboveToPort",
       {"show", "{in}"},
       sg(ports(R"("IpProtocol": "tcp", "FromPort": 80, "ToPort": 22)")),
       "greater than ToPort"},
      {"HalfOpenRangeLow",
       {"show", "{in}"},
       sg(ports(R"("IpProtocol": "tcp", "FromPort": -1, "ToPort": 80)")),
       "both -1"},
      {"HalfOpenRangeHigh",
       {"diff", "{in}", "{in}"},
       sg(ports(R"("IpProtocol": "udp", "FromPort": 5000, "ToPort": -1)")),
       "both -1"},
      {"IcmpTypeTooLarge",
       {"show", "{in}"},
       sg(ports(R"("IpProtocol": "icmp", "FromPort": 300, "ToPort": 0)")),
       "ICMP type 300"},
      {"IcmpAnyTypeWithCode",
       {"show", "{in}"},
       sg(ports(R"("IpProtocol": "icmp", "FromPort": -1, "ToPort": 5)")),
       "needs code -1"},
      {"IcmpWithoutPorts", {"show", "{in}"}, sg(ports(R"("IpProtocol": "icmp")")), "an icmp rule needs FromPort"},
      {"CidrPrefixTooLong",
       {"show", "{in}"},
       sg(tcp22(R"("IpRanges": [{"CidrIp": "10.0.0.0/33"}])")),
       "prefix length 33"},
      {"CidrWithEscapes",
       {"analyze", "{in}"},
       sg(tcp22(R"("IpRanges": [{"CidrIp": "10.0.0.0)" + kEscapes + R"(/8"}])")),
       kShown},
      {"CidrIpv6InIpv4Ranges",
       {"show", "{in}"},
       sg(tcp22(R"("IpRanges": [{"CidrIp": "2001:db8::/32"}])")),
       "is an IPv6 block"},
      {"CidrWithoutPrefix", {"show", "{in}"}, sg(tcp22(R"("IpRanges": [{"CidrIp": "10.0.0.1"}])")), "no prefix length"},
      {"CidrHuge",
       {"show", "{in}"},
       sg(tcp22(R"("IpRanges": [{"CidrIp": ")" + std::string(200000, '1') + "\"}]")),
       "(200000 bytes)"},
      {"CidrMissing", {"show", "{in}"}, sg(tcp22(R"("IpRanges": [{"Description": "x"}])")), "CidrIp"},
      {"Ipv6CidrBad", {"show", "{in}"}, sg(tcp22(R"("Ipv6Ranges": [{"CidrIpv6": "2001:zz::/32"}])")), "CidrIpv6"},
      {"GroupPairWithoutGroupId",
       {"show", "{in}"},
       sg(tcp22(R"("UserIdGroupPairs": [{"UserId": "1"}])")),
       R"(missing "GroupId")"},
      {"PrefixListIdMissing", {"show", "{in}"}, sg(tcp22(R"("PrefixListIds": [{}])")), R"(missing "PrefixListId")"},
      {"DuplicateGroupId",
       {"show", "{in}"},
       R"({"SecurityGroups": [{"GroupId": "sg-1"}, {"GroupId": "sg-1"}]})",
       "defined twice"},
      {"NestedTooDeep",
       {"show", "{in}"},
       R"({"SecurityGroups": )" + std::string(5000, '[') + std::string(5000, ']') + "}",
       "levels deep"},
      {"InvalidUtf8", {"show", "{in}"}, "{\"SecurityGroups\": [{\"GroupId\": \"sg-\xff\xfe\"}]}", "not valid JSON"},
      {"NulByte", {"show", "{in}"}, std::string("{\"SecurityGroups\": []\0}", 23), "not valid JSON"},
      {"AclEntriesNotAnArray",
       {"show", "{in}"},
       R"({"NetworkAcls": [{"NetworkAclId": "acl-1", "Entries": 1}]})",
       "/NetworkAcls/0/Entries"},
      {"AclRuleNumberZero",
       {"show", "{in}"},
       acl(R"({"RuleNumber": 0, "Protocol": "-1", "Egress": false,
          "RuleAction": "allow", "CidrBlock": "0.0.0.0/0"})"),
       "outside 1-32766"},
      {"AclRuleNumberTooLarge",
       {"analyze", "{in}"},
       acl(R"({"RuleNumber": 40000, "Protocol": "-1", "Egress": false,
          "RuleAction": "allow", "CidrBlock": "0.0.0.0/0"})"),
       "outside 1-32766"},
      {"AclActionWithEscapes",
       {"show", "{in}"},
       acl(R"({"RuleNumber": 1, "Protocol": "-1", "Egress": false,
          "RuleAction": "maybe)" +
           kEscapes + R"(", "CidrBlock": "0.0.0.0/0"})"),
       kShown},
      {"AclDuplicateRuleNumber", {"show", "{in}"}, acl(entry("") + ", " + entry("")), "used twice"},
      {"AclEntryWithoutBlock",
       {"show", "{in}"},
       acl(R"({"RuleNumber": 1, "Protocol": "-1", "Egress": false, "RuleAction": "allow"})"),
       "CidrBlock"},
      {"AclEntryWithoutEgress",
       {"show", "{in}"},
       acl(R"({"RuleNumber": 1, "Protocol": "-1", "RuleAction": "allow", "CidrBlock": "0.0.0.0/0"})"),
       R"(missing "Egress")"},
      {"AclProtocolUnknown",
       {"show", "{in}"},
       acl(R"({"RuleNumber": 1, "Protocol": "foo", "Egress": false, "RuleAction": "allow", "CidrBlock": "0.0.0.0/0"})"),
       "unknown protocol"},
      {"AclPortRangeReversed",
       {"show", "{in}"},
       acl(R"({"RuleNumber": 1, "Protocol": "6", "Egress": false, "RuleAction": "allow", "CidrBlock": "0.0.0.0/0",
          "PortRange": {"From": 90, "To": 80}})"),
       "greater than"},
      {"InterfaceWithoutId",
       {"show", "{in}"},
       R"({"NetworkInterfaces": [{"Groups": []}]})",
       R"(missing "NetworkInterfaceId")"},
      {"InterfaceBadAddress",
       {"show", "{in}"},
       R"({"NetworkInterfaces": [{"NetworkInterfaceId": "eni-1", "PrivateIpAddress": "1.2.3"}]})",
       "is not an IPv4 address"},
      {"PrefixListBadFamily",
       {"show", "{in}"},
       R"({"PrefixLists": [{"PrefixListId": "pl-1", "AddressFamily": "IPv5"}]})",
       R"(found "IPv5")"},
      {"PrefixListNegativeMaxEntries",
       {"show", "{in}"},
       R"({"PrefixLists": [{"PrefixListId": "pl-1", "MaxEntries": -1}]})",
       "negative"},
      {"MissingFile", {"show", "{dir}/no-such.json"}, "", "no-such.json"},
      {"FitCidrsFolder", {"fit-cidrs", "{dir}"}, "", "is a folder"},
      {"FitCidrsBadLineWithBell", {"fit-cidrs", "{txt}"}, "10.0.0.0/8\n10.0.0.\x07\x1b[31m\n", R"(\x07\x1b[31m)"},
      {"FitCidrsHugeLine",
       {"fit-cidrs", "{txt}"},
       "10.0.0.0/8\n" + std::string(20000000, '9') + "\n",
       "(20000000 bytes)"},
      {"FitCidrsMixedRange", {"fit-cidrs", "{txt}"}, "10.0.0.1-2001:db8::1\n", "mixes IPv4 and IPv6"},
      {"MaxPortRangeNegative", {"analyze", "{sample}", "--max-port-range", "-5"}, "", "--max-port-range"},
      {"LargeExposureV4TooLong", {"analyze", "{sample}", "--large-exposure-v4", "99"}, "", "--large-exposure-v4"},
      {"LargeExposureV6TooLong", {"analyze", "{sample}", "--large-exposure-v6", "200"}, "", "--large-exposure-v6"},
      {"ThreadsTooMany", {"analyze", "{sample}", "--threads", "100000"}, "", "--threads"},
      {"UnknownPass", {"analyze", "{sample}", "--passes", "bogus"}, "", "unknown pass 'bogus'"},
      {"UnknownPassWithEscapes", {"analyze", "{sample}", "--passes", "x\x1b[31m"}, "", R"(unknown pass 'x\x1b[31m')"},
      {"BadFailOn", {"analyze", "{sample}", "--fail-on", "bogus"}, "", "--fail-on"},
      {"BadFormat", {"show", "{sample}", "--format", "xml"}, "", "--format"},
      {"QuotaZero", {"minimize", "{sample}", "-o", "{dir}/m.json", "--quota", "0"}, "", "--quota"},
      {"NaclQuotaTooLarge", {"minimize", "{sample}", "-o", "{dir}/m.json", "--nacl-quota", "41"}, "", "--nacl-quota"},
      {"DiffTimeoutZero", {"diff", "{sample}", "{sample}", "--timeout", "0"}, "", "--timeout"},
      {"DiffWithoutNew", {"diff", "--old", "{sample}"}, "", "NEW"},
      {"QueryPortTooLarge",
       {"query", "{sample}", "--group", "sg-1", "--proto", "tcp", "--port", "70000"},
       "",
       "--port"},
      {"QueryPeerWithEscapes",
       {"query", "{sample}", "--group", "sg-1", "--proto", "tcp", "--port", "22", "--peer", "1.2.3\x1b]0;x\x07"},
       "",
       R"(\x1b]0;x\x07)"},
      {"QueryUnknownProtocol",
       {"query", "{sample}", "--group", "sg-1", "--proto", "tcpx", "--port", "22", "--peer", "1.2.3.4"},
       "",
       "unknown protocol"},
      {"QueryUnknownGroup",
       {"query", "{sample}", "--group", "sg-nope", "--proto", "tcp", "--port", "22", "--peer", "1.2.3.4"},
       "",
       "sg-nope"},
      {"AnalyzeOutIntoMissingFolder", {"analyze", "{sample}", "--out", "{dir}/no/such/r.txt"}, "", "does not exist"},
      {"CleanupWithoutInterfaces", {"cleanup", "{sample}"}, "", "needs describe-network-interfaces input"},
      {"CleanupGroupsPerInterfaceTooMany",
       {"cleanup", "{sample}", "--groups-per-interface", "17"},
       "",
       "--groups-per-interface"},
      {"LaunchTemplateGroupNotAString",
       {"cleanup", "{in}"},
       R"({"LaunchTemplateVersions": [{"LaunchTemplateId": "lt-1", "LaunchTemplateData": {"SecurityGroupIds": [1]}}]})",
       "/LaunchTemplateVersions/0/LaunchTemplateData/SecurityGroupIds/0"},
      {"LaunchConfigurationWithoutName",
       {"show", "{in}"},
       R"({"LaunchConfigurations": [{"SecurityGroups": ["sg-1"]}]})",
       "LaunchConfigurationName"},
      {"MinimizeOverItsInput",
       {"minimize", "{in}", "-o", "{in}"},
       R"({"SecurityGroups": []})",
       "would write over the input"},
  };
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
}

class BadInputCliTest : public ::testing::TestWithParam<Case> {};

TEST_P(BadInputCliTest, ExitsTwoWithOneShortSafeMessageAndWritesNothing) {
  const Case& c = GetParam();
  std::string dir = temp_dir();
  std::string in = dir + "/in.json", txt = dir + "/in.txt";
  std::vector<std::string> args = c.args;
  bool uses_in = false, uses_txt = false;
  for (auto& a : args) {
    uses_in = uses_in || a.find("{in}") != std::string::npos;
    uses_txt = uses_txt || a.find("{txt}") != std::string::npos;
    replace_all(a, "{in}", in);
    replace_all(a, "{txt}", txt);
    replace_all(a, "{dir}", dir);
    replace_all(a, "{sample}", sample("web-sprawl.json"));
  }
  if (uses_in) write_text(in, c.content);
  if (uses_txt) write_text(txt, c.content);
  std::vector<std::string> before;
  for (const auto& e : fs::recursive_directory_iterator(dir)) before.push_back(e.path().string());

  CliResult r = run_sgopt(args);
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_NE(r.err.find(c.expect), std::string::npos) << "expected '" << c.expect << "' in: " << r.err.substr(0, 2000);
  // One message, short, naming where: the file (input errors) or the option (usage errors).
  EXPECT_LT(r.err.size(), 1500u) << r.err.substr(0, 2000);
  EXPECT_LE(std::count(r.err.begin(), r.err.end(), '\n'), 2) << r.err.substr(0, 2000);
  if (uses_in || uses_txt) {
    EXPECT_NE(r.err.find(uses_in ? "in.json" : "in.txt"), std::string::npos) << r.err;
  }
  for (const std::string* text : {&r.out, &r.err})
    for (char ch : *text) {
      const auto b = static_cast<unsigned char>(ch);
      ASSERT_TRUE(b >= 0x20 || ch == '\n') << "control byte " << int(b) << " echoed: " << text->substr(0, 500);
      ASSERT_NE(b, 0x7f);
    }
  std::vector<std::string> after;
  for (const auto& e : fs::recursive_directory_iterator(dir)) after.push_back(e.path().string());
  EXPECT_EQ(after, before) << "a failed run left a file behind";
  if (uses_in) {
    EXPECT_EQ(read_text(in), c.content);
  }
  fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Table, BadInputCliTest, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& param) { return std::string(param.param.name); });

TEST(BadInputCliTableTest, CoversEveryCommandWithAtLeastSixtyCases) {
  auto all = cases();
  EXPECT_GE(all.size(), 60u);
  for (const char* command : {"show", "analyze", "diff", "minimize", "query", "fit-cidrs", "cleanup"})
    EXPECT_TRUE(std::any_of(all.begin(), all.end(), [&](const Case& c) { return c.args.front() == command; }))
        << command;
}

}  // namespace
}  // namespace sgopt::testing

namespace sgopt::testing {
namespace {

// Names, descriptions and ids from the input reach the terminal escaped in every text output, and
// survive unchanged in the documents sgopt writes.
TEST(TerminalSafetyTest, NamesAndDescriptionsAreEscapedInTextAndKeptInOutput) {
  std::string dir = temp_dir();
  const std::string doc = R"({"SecurityGroups": [{"GroupId": "sg-1", "GroupName": "web\u001b]0;pwned\u0007",
      "Description": "d\u001b[2J", "IpPermissions": [
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "ssh\u009b31m"}]},
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/8", "Description": "x\r\ny"}]}]}]})";
  write_text(dir + "/in.json", doc);
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"show", dir + "/in.json"},
        {"analyze", dir + "/in.json"},
        {"query", dir + "/in.json", "--group", "sg-1", "--proto", "tcp", "--port", "22", "--peer", "10.1.2.3"},
        {"diff", dir + "/in.json", dir + "/in.json"},
        {"minimize", dir + "/in.json", "-o", dir + "/out.json"}}) {
    CliResult r = run_sgopt(args);
    EXPECT_LE(r.status, 1) << args.front() << ": " << r.err;
    for (const std::string* text : {&r.out, &r.err})
      for (std::size_t i = 0; i < text->size(); ++i) {
        const auto b = static_cast<unsigned char>((*text)[i]);
        ASSERT_TRUE(b >= 0x20 || b == '\n') << args.front() << ": control byte " << int(b) << " in " << *text;
        ASSERT_NE(b, 0x7f);
        // U+009B (CSI) is C2 9B in UTF-8.
        ASSERT_FALSE(b == 0xc2 && i + 1 < text->size() && static_cast<unsigned char>((*text)[i + 1]) == 0x9b)
            << args.front() << ": C1 control in " << *text;
      }
    if (args.front() == "show" || args.front() == "analyze") {
      EXPECT_NE(r.out.find(R"(web\x1b]0;pwned\x07)"), std::string::npos) << r.out;
    }
  }
  // The written document keeps the bytes as they were (JSON-escaped by the writer).
  std::string out = read_text(dir + "/out.json");
  EXPECT_NE(out.find(R"(web\u001b]0;pwned\u0007)"), std::string::npos) << out;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace sgopt::testing
