// Bad input: each case throws one InputError that names the file, the JSON pointer and the line,
// with a message a person understands; nothing crashes or hangs, whatever the bytes.
#include "model/match.h"
#include "model/packet.h"
#include "model/protocol.h"
#include "model/rule_text.h"
#include "tests/model/aws/load_helpers.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

namespace sgopt {
namespace {

using testing::load_error;
using testing::load_text;

/// One group with one ingress permission; `perm` is the permission's fields.
std::string group_with(const std::string& perm) {
  return R"({"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [{)" + perm + "}]}]}";
}
std::string acl_with(const std::string& entry) {
  return R"({"NetworkAcls": [{"NetworkAclId": "acl-1", "Entries": [{)" + entry + "}]}]}";
}
constexpr const char* kEntryBase = R"("Egress": false, "RuleAction": "allow", "CidrBlock": "0.0.0.0/0")";

void expect_error(const std::string& json, const std::string& pointer, const std::string& message_part) {
  Diagnostic d = load_error(json);
  EXPECT_EQ(d.where.file, "bad.json");
  EXPECT_EQ(d.where.json_pointer, pointer) << d.str();
  EXPECT_NE(d.message.find(message_part), std::string::npos) << d.str();
  EXPECT_GT(d.where.line, 0) << d.str();
}

// ----- JSON syntax -----

TEST(BadInputTest, SyntaxErrorNamesLineAndPointer) {
  Diagnostic d =
      load_error("{\n  \"SecurityGroups\": [\n    {\"GroupId\": \"sg-1\",\n     \"IpPermissions\": [}\n  ]\n}\n");
  EXPECT_EQ(d.where.line, 4) << d.str();
  EXPECT_EQ(d.where.json_pointer, "/SecurityGroups/0/IpPermissions/0") << d.str();
  EXPECT_NE(d.message.find("not valid JSON"), std::string::npos) << d.str();
  EXPECT_EQ(d.message.find("json.exception"), std::string::npos) << d.str();
}

TEST(BadInputTest, MissingCommaIsFoundOnItsLine) {
  Diagnostic d =
      load_error("{\"NetworkAcls\": [\n  {\"NetworkAclId\": \"acl-1\"}\n  {\"NetworkAclId\": \"acl-2\"}\n]}");
  EXPECT_EQ(d.where.line, 3) << d.str();
  EXPECT_EQ(d.where.json_pointer, "/NetworkAcls/0") << d.str();
}

TEST(BadInputTest, TruncatedDocument) {
  Diagnostic d = load_error("{\"SecurityGroups\": [{\"GroupId\": \"sg-1\",\n");
  EXPECT_EQ(d.where.line, 2) << d.str();
  EXPECT_NE(d.message.find("end of input"), std::string::npos) << d.str();
}

TEST(BadInputTest, EmptyAndBlankFiles) {
  for (const char* text : {"", "  \n\t\n"}) {
    Diagnostic d = load_error(text);
    EXPECT_EQ(d.where.file, "bad.json");
    EXPECT_NE(d.message.find("empty"), std::string::npos) << d.str();
  }
}

TEST(BadInputTest, BinaryGarbage) {
  std::string garbage = {'\x7f', 'E', 'L', 'F', '\x02', '\x01', '\x01', '\0', '\xff', '\xfe', '\n', '\x01'};
  Diagnostic d = load_error(garbage);
  EXPECT_EQ(d.where.line, 1) << d.str();
  EXPECT_NE(d.message.find("starts with byte 0x7f"), std::string::npos) << d.str();
  for (char c : d.message) EXPECT_TRUE(c >= 0x20 && c < 0x7f) << "message is plain text: " << d.str();
}

// JSON text holds no NUL byte; one after a complete document used to end the input there, so what
// followed was dropped without a word.
TEST(BadInputTest, NulByteIsAnErrorNotTheEndOfTheDocument) {
  std::string text = std::string("{\"SecurityGroups\": []}\n") + '\0' + "{\"NetworkAcls\": []}";
  Diagnostic d = load_error(text);
  EXPECT_EQ(d.where.line, 2) << d.str();
  EXPECT_NE(d.message.find("not valid JSON (column 1): a NUL byte"), std::string::npos) << d.str();
  Diagnostic inside = load_error(std::string("{\"SecurityGroups\": [") + '\0' + "]}");
  EXPECT_NE(inside.message.find("not valid JSON (column 21): a NUL byte"), std::string::npos) << inside.str();
}

TEST(BadInputTest, InvalidUtf8InAString) {
  Diagnostic d = load_error("{\"SecurityGroups\": [{\"GroupId\": \"sg-\xff\"}]}");
  EXPECT_NE(d.message.find("not valid JSON"), std::string::npos) << d.str();
  EXPECT_EQ(d.where.json_pointer, "/SecurityGroups/0/GroupId") << d.str();
}

TEST(BadInputTest, DeepNestingIsRefusedQuickly) {
  std::string deep =
      R"({"SecurityGroups": [{"GroupId": "sg-1", "X": )" + std::string(100000, '[') + std::string(100000, ']') + "}]}";
  Diagnostic d = load_error(deep);
  EXPECT_NE(d.message.find("nested"), std::string::npos) << d.str();
  EXPECT_EQ(d.where.line, 1);
}

TEST(BadInputTest, NotADescribeDocument) {
  expect_error(R"({"Reservations": [], "Foo": 1})", "", "expected a top-level key SecurityGroups");
  Diagnostic d = load_error(R"({"Reservations": []})");
  EXPECT_NE(d.message.find("Reservations"), std::string::npos) << d.str();
  expect_error(R"([{"GroupId": "sg-1"}])", "", "--query");
  expect_error(R"("SecurityGroups")", "", "should start with '{'");
  expect_error(R"({"SecurityGroups": {"GroupId": "sg-1"}})", "/SecurityGroups", "expected an array, found an object");
}

// ----- wrong types -----

TEST(BadInputTest, WrongTypes) {
  expect_error(group_with(R"("IpProtocol": 6, "FromPort": 22, "ToPort": 22)"),
               "/SecurityGroups/0/IpPermissions/0/IpProtocol",
               R"(expected a string like "tcp" or "6", found the number 6)");
  expect_error(group_with(R"("IpProtocol": "tcp", "FromPort": "22", "ToPort": 22)"),
               "/SecurityGroups/0/IpPermissions/0/FromPort", R"(expected a whole number, found the string "22")");
  expect_error(group_with(R"("IpProtocol": "tcp", "FromPort": 22.5, "ToPort": 22)"),
               "/SecurityGroups/0/IpPermissions/0/FromPort", "expected a whole number, found the number 22.5");
  expect_error(group_with(R"("IpProtocol": "-1", "IpRanges": {"CidrIp": "0.0.0.0/0"})"),
               "/SecurityGroups/0/IpPermissions/0/IpRanges", "expected an array, found an object");
  expect_error(group_with(R"("IpProtocol": "-1", "IpRanges": ["0.0.0.0/0"])"),
               "/SecurityGroups/0/IpPermissions/0/IpRanges/0", "expected a peer object");
  expect_error(R"({"SecurityGroups": [{"GroupId": 12}]})", "/SecurityGroups/0/GroupId", "sg-0123456789abcdef0");
  expect_error(R"({"SecurityGroups": ["sg-1"]})", "/SecurityGroups/0", "expected a security group object");
  expect_error(
      acl_with(
          R"("RuleNumber": 100, "Protocol": "-1", "Egress": "false", "RuleAction": "allow", "CidrBlock": "0.0.0.0/0")"),
      "/NetworkAcls/0/Entries/0/Egress", "expected true or false");
  expect_error(R"({"NetworkInterfaces": [{"NetworkInterfaceId": "eni-1", "Groups": [{"GroupId": ["sg-1"]}]}]})",
               "/NetworkInterfaces/0/Groups/0/GroupId", "found an array");
}

TEST(BadInputTest, NumbersOutOfIntegerRange) {
  expect_error(group_with(R"("IpProtocol": "tcp", "FromPort": 99999999999999999999, "ToPort": 22)"),
               "/SecurityGroups/0/IpPermissions/0/FromPort", "whole number");
  expect_error(group_with(R"("IpProtocol": "tcp", "FromPort": 4294967318, "ToPort": 22)"),
               "/SecurityGroups/0/IpPermissions/0/FromPort", "out of range");
}

// ----- CIDRs and addresses -----

TEST(BadInputTest, BadCidrs) {
  auto with_cidr = [](const std::string& cidr) {
    return group_with(R"("IpProtocol": "-1", "IpRanges": [{"CidrIp": ")" + cidr + R"("}])");
  };
  const std::string p = "/SecurityGroups/0/IpPermissions/0/IpRanges/0/CidrIp";
  expect_error(with_cidr("10.0.0.0/33"), p, "prefix length 33");
  expect_error(with_cidr("300.1.2.3/8"), p, "'300.1.2.3/8' is not an IPv4 CIDR");
  expect_error(with_cidr("2001:db8::/32"), p, "is an IPv6 block");
  expect_error(with_cidr("10.0.0.0"), p, "no prefix length");
  expect_error(with_cidr("10.0.0.0/"), p, "bad prefix length");
  expect_error(group_with(R"("IpProtocol": "-1", "Ipv6Ranges": [{"CidrIpv6": "10.0.0.0/8"}])"),
               "/SecurityGroups/0/IpPermissions/0/Ipv6Ranges/0/CidrIpv6", "is an IPv4 block");
  expect_error(group_with(R"("IpProtocol": "-1", "Ipv6Ranges": [{"CidrIpv6": "2001:db8:::/32"}])"),
               "/SecurityGroups/0/IpPermissions/0/Ipv6Ranges/0/CidrIpv6", "not an IPv6 CIDR");
  expect_error(
      acl_with(
          R"("RuleNumber": 1, "Protocol": "-1", "Egress": false, "RuleAction": "deny", "CidrBlock": "10.0.0.0/40")"),
      "/NetworkAcls/0/Entries/0/CidrBlock", "prefix length 40");
  expect_error(R"({"NetworkInterfaces": [{"NetworkInterfaceId": "eni-1", "PrivateIpAddress": "10.0.0.256"}]})",
               "/NetworkInterfaces/0/PrivateIpAddress", "not an IPv4 address");
}

// ----- ports, ICMP type and code -----

TEST(BadInputTest, PortsOutsideTheRangeOrReversed) {
  const std::string p = "/SecurityGroups/0/IpPermissions/0";
  expect_error(group_with(R"("IpProtocol": "tcp", "FromPort": 22, "ToPort": 70000)"), p + "/ToPort",
               "port 70000 is outside 0-65535");
  expect_error(group_with(R"("IpProtocol": "udp", "FromPort": -2, "ToPort": 53)"), p + "/FromPort",
               "port -2 is outside");
  expect_error(group_with(R"("IpProtocol": "tcp", "FromPort": 80, "ToPort": 22)"), p + "/FromPort",
               "FromPort 80 is greater than ToPort 22");
  expect_error(group_with(R"("IpProtocol": "tcp", "FromPort": 80)"), p, "\"FromPort\" is given without \"ToPort\"");
  expect_error(acl_with(std::string(R"("RuleNumber": 1, "Protocol": "6", "PortRange": {"From": 0, "To": 65536}, )") +
                        kEntryBase),
               "/NetworkAcls/0/Entries/0/PortRange/To", "port 65536 is outside 0-65535");
  expect_error(
      acl_with(std::string(R"("RuleNumber": 1, "Protocol": "6", "PortRange": {"From": 443, "To": 80}, )") + kEntryBase),
      "/NetworkAcls/0/Entries/0/PortRange/From", "From 443 is greater than To 80");
}

TEST(BadInputTest, IcmpTypeAndCodeOutOfRange) {
  const std::string p = "/SecurityGroups/0/IpPermissions/0";
  expect_error(group_with(R"("IpProtocol": "icmp", "FromPort": 256, "ToPort": 0)"), p + "/FromPort",
               "ICMP type 256 is outside 0-255");
  expect_error(group_with(R"("IpProtocol": "icmpv6", "FromPort": 1, "ToPort": -7)"), p + "/ToPort",
               "ICMP code -7 is outside");
  expect_error(group_with(R"("IpProtocol": "icmp", "FromPort": -1, "ToPort": 9)"), p + "/ToPort",
               "type -1 means every type and needs code -1");
  expect_error(acl_with(std::string(R"("RuleNumber": 1, "Protocol": "1", "IcmpTypeCode": {"Type": -1, "Code": 0}, )") +
                        kEntryBase),
               "/NetworkAcls/0/Entries/0/IcmpTypeCode/Code", "needs code -1");
}

TEST(BadInputTest, LenientModeReadsIcmpTypeMinusOneWithACodeAsEveryType) {
  Snapshot s = load_text(
      group_with(R"("IpProtocol": "icmp", "FromPort": -1, "ToPort": 9, "IpRanges": [{"CidrIp": "0.0.0.0/0"}])"),
      "lenient.json", LoadOptions{true});
  ASSERT_EQ(s.warnings.size(), 1u);
  EXPECT_NE(s.warnings[0].message.find("the code is ignored"), std::string::npos);
  Packet p{Family::V4, 1, std::nullopt, kIcmp, 3 * 256 + 1};
  EXPECT_TRUE(rule_matches(s.groups.at(0).ingress.at(0), p));
}

// ----- protocols -----

TEST(BadInputTest, UnknownProtocols) {
  expect_error(group_with(R"("IpProtocol": "tcpp", "FromPort": 1, "ToPort": 2)"),
               "/SecurityGroups/0/IpPermissions/0/IpProtocol", "unknown protocol 'tcpp'");
  expect_error(group_with(R"("IpProtocol": "256")"), "/SecurityGroups/0/IpPermissions/0/IpProtocol", "outside 0-255");
  expect_error(acl_with(std::string(R"("RuleNumber": 1, "Protocol": "ping", )") + kEntryBase),
               "/NetworkAcls/0/Entries/0/Protocol", "unknown protocol 'ping'");
}

// ----- missing required fields -----

TEST(BadInputTest, MissingRequiredFields) {
  expect_error(R"({"SecurityGroups": [{"GroupName": "web"}]})", "/SecurityGroups/0", R"(missing "GroupId")");
  expect_error(group_with(R"("FromPort": 22, "ToPort": 22)"), "/SecurityGroups/0/IpPermissions/0",
               R"(missing "IpProtocol")");
  expect_error(group_with(R"("IpProtocol": "tcp", "IpRanges": [{"CidrIp": "0.0.0.0/0"}])"),
               "/SecurityGroups/0/IpPermissions/0", "a tcp rule needs FromPort and ToPort");
  expect_error(group_with(R"("IpProtocol": "-1", "IpRanges": [{"Description": "no cidr"}])"),
               "/SecurityGroups/0/IpPermissions/0/IpRanges/0", R"(missing "CidrIp")");
  expect_error(group_with(R"("IpProtocol": "-1", "UserIdGroupPairs": [{"UserId": "1"}])"),
               "/SecurityGroups/0/IpPermissions/0/UserIdGroupPairs/0", R"(missing "GroupId")");
  expect_error(R"({"NetworkAcls": [{"Entries": []}]})", "/NetworkAcls/0", R"(missing "NetworkAclId")");
  expect_error(acl_with(R"("Protocol": "-1", "Egress": false, "RuleAction": "allow", "CidrBlock": "0.0.0.0/0")"),
               "/NetworkAcls/0/Entries/0", R"(missing "RuleNumber")");
  expect_error(acl_with(R"("RuleNumber": 1, "Protocol": "-1", "RuleAction": "allow", "CidrBlock": "0.0.0.0/0")"),
               "/NetworkAcls/0/Entries/0", R"(missing "Egress")");
  expect_error(acl_with(R"("RuleNumber": 1, "Protocol": "-1", "Egress": false, "RuleAction": "allow")"),
               "/NetworkAcls/0/Entries/0", R"(missing "CidrBlock" or "Ipv6CidrBlock")");
  expect_error(acl_with(std::string(R"("RuleNumber": 1, "Protocol": "6", )") + kEntryBase), "/NetworkAcls/0/Entries/0",
               "needs PortRange");
  expect_error(acl_with(std::string(R"("RuleNumber": 1, "Protocol": "1", )") + kEntryBase), "/NetworkAcls/0/Entries/0",
               "needs IcmpTypeCode");
  expect_error(
      acl_with(
          R"("RuleNumber": 1, "Protocol": "-1", "Egress": false, "RuleAction": "maybe", "CidrBlock": "0.0.0.0/0")"),
      "/NetworkAcls/0/Entries/0/RuleAction", R"(expected "allow" or "deny")");
  expect_error(R"({"NetworkInterfaces": [{"SubnetId": "subnet-1"}]})", "/NetworkInterfaces/0",
               R"(missing "NetworkInterfaceId")");
  expect_error(R"({"SecurityGroupRules": [{"GroupId": "sg-1", "IsEgress": false, "IpProtocol": "-1"}]})",
               "/SecurityGroupRules/0", "exactly one of CidrIpv4");
  expect_error(R"({"PrefixLists": [{"PrefixListName": "x"}]})", "/PrefixLists/0", R"(missing "PrefixListId")");
}

// ----- ids and rule numbers -----

TEST(BadInputTest, DuplicateIdsInOneFile) {
  Diagnostic d = load_error("{\"SecurityGroups\": [\n{\"GroupId\": \"sg-1\"},\n{\"GroupId\": \"sg-1\"}]}");
  EXPECT_EQ(d.where.json_pointer, "/SecurityGroups/1");
  EXPECT_EQ(d.where.line, 3);
  EXPECT_NE(d.message.find("sg-1 is defined twice; the first is at line 2, /SecurityGroups/0"), std::string::npos)
      << d.str();
  expect_error(R"({"NetworkAcls": [{"NetworkAclId": "acl-1"}, {"NetworkAclId": "acl-1"}]})", "/NetworkAcls/1",
               "defined twice");
  expect_error(R"({"NetworkInterfaces": [{"NetworkInterfaceId": "eni-1"}, {"NetworkInterfaceId": "eni-1"}]})",
               "/NetworkInterfaces/1", "defined twice");
}

TEST(BadInputTest, DuplicateIdsAcrossFiles) {
  Snapshot s =
      load_text(R"({"SecurityGroups": [{"GroupId": "sg-1"}], "NetworkAcls": [{"NetworkAclId": "acl-1"}]})", "a.json");
  try {
    load_document(s, R"({"SecurityGroups": [{"GroupId": "sg-1"}]})", "b.json");
    ADD_FAILURE() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.diagnostic().where.file, "b.json");
    EXPECT_EQ(e.diagnostic().where.json_pointer, "/SecurityGroups/0");
    EXPECT_NE(e.diagnostic().message.find("a.json:1: /SecurityGroups/0"), std::string::npos) << e.what();
  }
  EXPECT_THROW(load_document(s, R"({"NetworkAcls": [{"NetworkAclId": "acl-1"}]})", "c.json"), InputError);
}

TEST(BadInputTest, LenientModeUsesTheFirstOfTwoDefinitionsEverywhere) {
  Snapshot s = load_text(R"({"SecurityGroups": [
      {"GroupId": "sg-1", "GroupName": "a"},
      {"GroupId": "sg-1", "GroupName": "b", "IpPermissions": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}],
    "NetworkAcls": [{"NetworkAclId": "acl-1"}, {"NetworkAclId": "acl-1", "IsDefault": true}]})",
                         "lenient.json", LoadOptions{true});
  ASSERT_EQ(s.groups.size(), 1u);
  EXPECT_EQ(s.groups[0].name, "a");
  EXPECT_TRUE(s.groups[0].ingress.empty());
  ASSERT_EQ(s.acls.size(), 1u);
  ASSERT_EQ(s.warnings.size(), 2u);
  EXPECT_EQ(s.warnings[0].where.json_pointer, "/SecurityGroups/1");
  EXPECT_EQ(s.warnings[0].where.line, 3);
  EXPECT_NE(s.warnings[0].message.find("the first is at line 2, /SecurityGroups/0; that first definition is used"),
            std::string::npos)
      << s.warnings[0].message;
  EXPECT_NE(s.warnings[1].message.find("network ACL acl-1 is defined twice"), std::string::npos);
}

TEST(BadInputTest, AMinusOneAtOneEndOfAPortRangeIsAnErrorAndEveryPortWhenLenient) {
  for (const char* ports : {R"("FromPort": -1, "ToPort": 80)", R"("FromPort": 5000, "ToPort": -1)"}) {
    std::string doc =
        std::string(R"({"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [{"IpProtocol": "tcp", )") + ports +
        R"(, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}]}]})";
    Diagnostic d = load_error(doc);
    EXPECT_NE(d.message.find("-1 means every port only when FromPort and ToPort are both -1"), std::string::npos)
        << d.str();
    EXPECT_NE(d.where.json_pointer.view().find("/SecurityGroups/0/IpPermissions/0/"), std::string::npos) << d.str();
    Snapshot s = load_text(doc, "lenient.json", LoadOptions{true});
    ASSERT_EQ(s.warnings.size(), 1u);
    EXPECT_NE(s.warnings[0].message.find("read as every port (0-65535)"), std::string::npos);
    const SgRule& r = s.groups.at(0).ingress.at(0);
    MatchBox m = sg_rule_match(r);
    EXPECT_EQ(m.port_lo, 0);
    EXPECT_EQ(m.port_hi, kMaxPortKey);
    EXPECT_EQ(ports_text(r.protocol, r.from_port, r.to_port), "all");
  }
}

TEST(BadInputTest, DuplicateRuleNumberInOneDirection) {
  Diagnostic d = load_error(R"({"NetworkAcls": [{"NetworkAclId": "acl-1", "Entries": [
      {"RuleNumber": 100, "Protocol": "-1", "Egress": false, "RuleAction": "allow", "CidrBlock": "0.0.0.0/0"},
      {"RuleNumber": 100, "Protocol": "-1", "Egress": true, "RuleAction": "allow", "CidrBlock": "0.0.0.0/0"},
      {"RuleNumber": 100, "Protocol": "-1", "Egress": false, "RuleAction": "deny", "Ipv6CidrBlock": "::/0"}]}]})");
  EXPECT_EQ(d.where.json_pointer, "/NetworkAcls/0/Entries/2/RuleNumber");
  EXPECT_EQ(d.where.line, 4);
  EXPECT_NE(d.message.find("ingress rule number 100 is used twice in acl-1; the first is at line 2"), std::string::npos)
      << d.str();
}

TEST(BadInputTest, RuleNumbersOutsideTheUserRange) {
  for (int n : {0, -1, 32769, 65535, 100000}) {
    SCOPED_TRACE(n);
    expect_error(acl_with(R"("RuleNumber": )" + std::to_string(n) + R"(, "Protocol": "-1", )" + kEntryBase),
                 "/NetworkAcls/0/Entries/0/RuleNumber", "outside 1-32766");
  }
  for (int n : {1, 32766, 32767, 32768})
    EXPECT_NO_THROW(
        load_text(acl_with(R"("RuleNumber": )" + std::to_string(n) + R"(, "Protocol": "-1", )" + kEntryBase)));
}

TEST(BadInputTest, RuleRowThatDisagreesWithTheGroup) {
  Snapshot s = load_text(
      group_with(R"("IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/8"}])"),
      "groups.json");
  try {
    load_document(s, R"({"SecurityGroupRules": [{"SecurityGroupRuleId": "sgr-1", "GroupId": "sg-1", "IsEgress": false,
        "IpProtocol": "tcp", "FromPort": 23, "ToPort": 23, "CidrIpv4": "10.0.0.0/8"}]})",
                  "rules.json");
    ADD_FAILURE() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.diagnostic().where.file, "rules.json");
    EXPECT_EQ(e.diagnostic().where.json_pointer, "/SecurityGroupRules/0");
    EXPECT_NE(e.diagnostic().message.find("exports disagree"), std::string::npos) << e.what();
  }
}

// ----- files and folders -----

using BadPathTest = testing::TempDirTest;

TEST_F(BadPathTest, FolderWithoutJson) {
  std::ofstream(dir_ / "notes.txt") << "{}";
  try {
    load_inputs({dir_.string()});
    ADD_FAILURE() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.diagnostic().where.file, dir_.string());
    EXPECT_NE(e.diagnostic().message.find("no .json files"), std::string::npos);
  }
}

TEST_F(BadPathTest, MissingPath) {
  std::string missing = (dir_ / "nope.json").string();
  try {
    load_inputs({missing});
    ADD_FAILURE() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.diagnostic().where.file, missing);
    EXPECT_NE(e.diagnostic().message.find("no such file"), std::string::npos);
  }
}

TEST_F(BadPathTest, ErrorInAFolderNamesTheFile) {
  std::filesystem::create_directories(dir_ / "sub");
  std::ofstream(dir_ / "a.json") << R"({"SecurityGroups": []})";
  std::ofstream(dir_ / "sub" / "b.json") << "{\n\"NetworkAcls\": [\n{}]}";
  try {
    load_inputs({dir_.string()});
    ADD_FAILURE() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.diagnostic().where.file, (dir_ / "sub" / "b.json").string());
    EXPECT_EQ(e.diagnostic().where.json_pointer, "/NetworkAcls/0");
    EXPECT_EQ(e.diagnostic().where.line, 3);
  }
}

// ----- anything at all -----

constexpr const char* kMixed = R"({"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [
  {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/8", "Description": "x"}],
   "UserIdGroupPairs": [{"GroupId": "sg-2", "UserId": "1"}]},
  {"IpProtocol": "icmp", "FromPort": 3, "ToPort": 4, "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}]}],
 "NetworkAcls": [{"NetworkAclId": "acl-1", "Associations": [{"SubnetId": "subnet-1"}], "Entries": [
  {"RuleNumber": 100, "Protocol": "6", "PortRange": {"From": 1, "To": 2}, "Egress": false, "RuleAction": "allow", "CidrBlock": "0.0.0.0/0"},
  {"RuleNumber": 110, "Protocol": "1", "IcmpTypeCode": {"Type": 3, "Code": 4}, "Egress": true, "RuleAction": "deny", "Ipv6CidrBlock": "::/0"}]}],
 "NetworkInterfaces": [{"NetworkInterfaceId": "eni-1", "Groups": [{"GroupId": "sg-1"}], "PrivateIpAddress": "10.0.0.1"}],
 "SecurityGroupRules": [{"GroupId": "sg-1", "IsEgress": false, "IpProtocol": "6", "FromPort": 22, "ToPort": 22, "CidrIpv4": "10.0.0.0/8"}],
 "PrefixLists": [{"PrefixListId": "pl-1", "MaxEntries": 5, "AddressFamily": "IPv4"}]})";

/// Loads `text`; only InputError may come out.
void load_anything(const std::string& text) {
  try {
    load_text(text);
  } catch (const InputError& e) {
    EXPECT_FALSE(e.diagnostic().message.empty());
  }
}

TEST(BadInputTest, EveryTruncationLoadsOrFailsCleanly) {
  ASSERT_NO_THROW(load_text(kMixed));
  std::string text = kMixed;
  for (std::size_t n = 0; n < text.size(); ++n) load_anything(text.substr(0, n));
}

TEST(BadInputTest, RandomByteChangesLoadOrFailCleanly) {
  std::mt19937 rng(11);
  std::string base = kMixed;
  const std::string alphabet = "{}[]\",:-0123456789.eE \\/ntfu\xff\x01";
  for (int round = 0; round < 3000; ++round) {
    std::string text = base;
    for (int k = std::uniform_int_distribution<int>(1, 4)(rng); k > 0; --k) {
      auto at = std::uniform_int_distribution<std::size_t>(0, text.size() - 1)(rng);
      text[at] = alphabet[std::uniform_int_distribution<std::size_t>(0, alphabet.size() - 1)(rng)];
    }
    load_anything(text);
  }
}

}  // namespace
}  // namespace sgopt
