// `sgopt cleanup` end to end: the plan it writes, applied to the input documents by this test (its
// own reading of the JSON steps, not sgopt's replay), leaves every interface allowing exactly what it
// allowed (judged by `sgopt diff` on the edited exports), never deletes a group that is carried,
// named by a remaining rule, named by launch data or default, and exit statuses and outputs are
// those the help promises.
#include "tests/tool/run_cli.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace sgopt::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// The input documents of samples/cleanup, edited in place by the plan's steps.
struct Exports {
  json groups, interfaces, acls, launch;

  static Exports read(const std::string& dir) {
    Exports e;
    e.groups = json::parse(read_text(dir + "/security-groups.json"));
    e.interfaces = json::parse(read_text(dir + "/network-interfaces.json"));
    e.acls = json::parse(read_text(dir + "/network-acls.json"));
    e.launch = json::parse(read_text(dir + "/launch-template-versions.json"));
    return e;
  }
  void write(const std::string& dir) const {
    fs::create_directories(dir);
    write_text(dir + "/security-groups.json", groups.dump(2));
    write_text(dir + "/network-interfaces.json", interfaces.dump(2));
    write_text(dir + "/network-acls.json", acls.dump(2));
  }

  json* group(const std::string& id) {
    for (auto& g : groups["SecurityGroups"])
      if (g["GroupId"] == id) return &g;
    return nullptr;
  }
  json* interface(const std::string& id) {
    for (auto& n : interfaces["NetworkInterfaces"])
      if (n["NetworkInterfaceId"] == id) return &n;
    return nullptr;
  }
  bool carried(const std::string& id) const {
    for (const auto& n : interfaces["NetworkInterfaces"])
      for (const auto& g : n["Groups"])
        if (g["GroupId"] == id) return true;
    return false;
  }
  // Rules of groups other than `id` that name it.
  bool named_by_another_group(const std::string& id) const {
    for (const auto& g : groups["SecurityGroups"]) {
      if (g["GroupId"] == id) continue;
      for (const char* key : {"IpPermissions", "IpPermissionsEgress"})
        if (g.contains(key))
          for (const auto& p : g[key])
            for (const auto& pair : p.value("UserIdGroupPairs", json::array()))
              if (pair["GroupId"] == id) return true;
    }
    return false;
  }
  bool named_by_launch_data(const std::string& id) const {
    return launch.dump().find('"' + id + '"') != std::string::npos;
  }
};

const char* permissions_key(const json& step) {
  return step["direction"] == "egress" ? "IpPermissionsEgress" : "IpPermissions";
}

// Removes the peers of `revoke` from the group's permissions of the same protocol and ports.
void revoke(json& group, const char* key, const json& revoke) {
  json& perms = group[key];
  for (const auto& r : revoke) {
    for (auto& p : perms) {
      if (p["IpProtocol"] != r["IpProtocol"] || p.value("FromPort", -1) != r.value("FromPort", -1) ||
          p.value("ToPort", -1) != r.value("ToPort", -1))
        continue;
      for (const char* peers : {"IpRanges", "Ipv6Ranges", "PrefixListIds", "UserIdGroupPairs"}) {
        if (!r.contains(peers) || !p.contains(peers)) continue;
        for (const auto& gone : r[peers]) {
          json kept = json::array();
          for (const auto& peer : p[peers]) {
            bool same = true;
            for (const char* id : {"CidrIp", "CidrIpv6", "PrefixListId", "GroupId"})
              if (gone.contains(id) && peer.value(id, "") != gone[id]) same = false;
            if (!same) kept.push_back(peer);
          }
          p[peers] = kept;
        }
      }
    }
  }
  json kept = json::array();
  for (const auto& p : perms) {
    bool empty = true;
    for (const char* peers : {"IpRanges", "Ipv6Ranges", "PrefixListIds", "UserIdGroupPairs"})
      if (p.contains(peers) && !p[peers].empty()) empty = false;
    if (!empty) kept.push_back(p);
  }
  perms = kept;
}

// Applies one step as AWS would, after checking that AWS would accept it and that it deletes
// nothing in use.
void apply(Exports& e, const json& step) {
  const std::string action = step["action"];
  SCOPED_TRACE(step.dump());
  if (action == "set-interface-groups") {
    json* n = e.interface(step["network_interface_id"]);
    ASSERT_NE(n, nullptr);
    json before = json::array(), groups = json::array();
    for (const auto& g : (*n)["Groups"]) before.push_back(g["GroupId"]);
    EXPECT_EQ(before, step["groups_before"]);
    ASSERT_FALSE(step["groups"].empty());
    EXPECT_LE(step["groups"].size(), 5u);
    for (const auto& id : step["groups"]) {
      json* g = e.group(id);
      ASSERT_NE(g, nullptr) << "the interface is pointed at a group that does not exist";
      groups.push_back({{"GroupId", id}, {"GroupName", (*g)["GroupName"]}});
    }
    (*n)["Groups"] = groups;
  } else if (action == "revoke-rule" || action == "authorize-rule") {
    json* g = e.group(step["group_id"]);
    ASSERT_NE(g, nullptr);
    if (action == "revoke-rule") {
      revoke(*g, permissions_key(step), step["ip_permissions"]);
    } else {
      for (const auto& p : step["ip_permissions"]) (*g)[permissions_key(step)].push_back(p);
    }
  } else if (action == "delete-group") {
    const std::string id = step["group_id"];
    json* g = e.group(id);
    ASSERT_NE(g, nullptr);
    EXPECT_NE((*g)["GroupName"], "default") << "a default group is deleted";
    EXPECT_FALSE(e.carried(id)) << id << " is deleted while an interface carries it";
    EXPECT_FALSE(e.named_by_another_group(id)) << id << " is deleted while another group's rule names it";
    EXPECT_FALSE(e.named_by_launch_data(id)) << id << " is deleted while launch data names it";
    auto& list = e.groups["SecurityGroups"];
    list.erase(std::remove_if(list.begin(), list.end(), [&](const json& x) { return x["GroupId"] == id; }), list.end());
  } else if (action == "delete-acl") {
    const std::string id = step["network_acl_id"];
    auto& list = e.acls["NetworkAcls"];
    auto it = std::find_if(list.begin(), list.end(), [&](const json& x) { return x["NetworkAclId"] == id; });
    ASSERT_NE(it, list.end());
    EXPECT_TRUE((*it)["Associations"].empty()) << id << " is deleted while a subnet uses it";
    EXPECT_FALSE(it->value("IsDefault", false)) << "a default ACL is deleted";
    list.erase(it);
  } else {
    ADD_FAILURE() << "unknown action " << action;
  }
}

TEST(CleanupCliTest, DryRunSaysWhatWouldGoAndWritesNothing) {
  std::string dir = temp_dir();
  auto r = run_sgopt({"cleanup", sample("cleanup")});
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.out.find("a dry run, nothing is written or changed"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("delete 7 security groups"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("delete 1 network ACL: acl-0c1ea000000000002"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("proved for 7 of 7 interfaces"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("launch data names it"), std::string::npos) << r.out;
  EXPECT_TRUE(fs::is_empty(dir));
  fs::remove_all(dir);
}

TEST(CleanupCliTest, WrittenPlanAppliedToTheExportsKeepsEveryInterfaceIdentical) {
  std::string dir = temp_dir();
  auto r = run_sgopt({"cleanup", sample("cleanup"), "--plan", dir + "/cleanup.sh"});
  ASSERT_EQ(r.status, 1) << r.err;
  const std::string script = read_text(dir + "/cleanup.sh");
  ASSERT_EQ(script.rfind("#!/bin/sh\n", 0), 0u) << script;
  EXPECT_NE(script.find("\nset -e\n"), std::string::npos);
  const json steps = json::parse(read_text(dir + "/cleanup.sh.json"));
  ASSERT_EQ(steps.size(), 11u);

  Exports e = Exports::read(sample("cleanup"));
  std::set<std::string> deleted;
  for (const auto& step : steps) {
    // The script runs the same commands in the same order.
    EXPECT_NE(script.find(step["command"].get<std::string>() + "\n"), std::string::npos) << step["command"];
    apply(e, step);
    if (step["action"] == "delete-group") deleted.insert(step["group_id"]);
  }
  EXPECT_EQ(deleted.size(), 7u);
  // Groups that were carried or named by launch data are all still there.
  Exports original = Exports::read(sample("cleanup"));
  for (const auto& g : original.groups["SecurityGroups"]) {
    const std::string id = g["GroupId"];
    if (g["GroupName"] == "default" || original.named_by_launch_data(id)) {
      EXPECT_EQ(deleted.count(id), 0u) << id;
    }
  }

  // sgopt diff on the edited exports: every interface is unchanged (deleted groups, compared
  // alone, allow nothing now, so the expectation is tighter-or-equal and the interfaces are checked
  // one by one).
  e.write(dir + "/after");
  auto d = run_sgopt({"diff", sample("cleanup"), dir + "/after", "--format", "json", "--expect", "tighter-or-equal"});
  ASSERT_EQ(d.status, 0) << d.out << d.err;
  const json report = json::parse(d.out);
  std::size_t interfaces = 0;
  for (const auto& res : report["resources"]) {
    if (res["kind"] != "interface") continue;
    ++interfaces;
    for (const auto& dir_diff : res["directions"])
      EXPECT_EQ(dir_diff["verdict"], "equivalent") << res["id"] << " " << dir_diff["direction"];
  }
  EXPECT_EQ(interfaces, 7u);
  fs::remove_all(dir);
}

TEST(CleanupCliTest, JsonReportsTheSameStepsAndTheProof) {
  auto r = run_sgopt({"cleanup", sample("cleanup"), "--format", "json"});
  ASSERT_EQ(r.status, 1) << r.err;
  const json j = json::parse(r.out);
  EXPECT_EQ(j["steps"].size(), 11u);
  EXPECT_EQ(j["deleted_groups"].size(), 7u);
  EXPECT_EQ(j["deleted_acls"], json::array({"acl-0c1ea000000000002"}));
  EXPECT_EQ(j["proof"]["interfaces"], 7);
  EXPECT_EQ(j["proof"]["proved"], 7);
  // The interfaces whose groups the plan touches (directly, or through a group their rules name) are
  // proved by Z3; the others keep identical rules.
  EXPECT_GE(j["proof"]["identical"].get<int>(), 1);
  EXPECT_LT(j["proof"]["identical"].get<int>(), 7);
  EXPECT_TRUE(j["plan"].is_null());
  std::set<std::string> not_planned;
  for (const auto& k : j["not_planned"]) not_planned.insert(k["resource_id"]);
  EXPECT_EQ(not_planned,
            (std::set<std::string>{"sg-0a000000000000002", "sg-0b000000000000002", "sg-0f000000000000002"}));
  for (const auto& k : j["not_planned"])
    if (k.contains("witness")) {
      EXPECT_TRUE(k.contains("interface_id")) << k;
    }
}

TEST(CleanupCliTest, OptionsLeaveOutWhatTheyName) {
  auto r = run_sgopt({"cleanup", sample("cleanup"), "--format", "json", "--keep-referenced", "--no-duplicates",
                      "--no-tighter", "--no-prove"});
  ASSERT_EQ(r.status, 1) << r.err;
  const json j = json::parse(r.out);
  // Only the groups nothing names, and the ACL, are left to delete.
  EXPECT_EQ(j["deleted_groups"], json::array({"sg-0e000000000000001", "sg-0e000000000000003"}));
  for (const auto& s : j["steps"]) EXPECT_TRUE(s["action"] == "delete-group" || s["action"] == "delete-acl") << s;
  EXPECT_FALSE(j["proof"]["run"]);
}

TEST(CleanupCliTest, NothingToCleanUpExitsZeroAndWritesNoPlan) {
  std::string dir = temp_dir();
  write_text(dir + "/in.json", R"({"SecurityGroups": [{"GroupId": "sg-1", "GroupName": "web", "VpcId": "vpc-1",
      "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}],
    "NetworkInterfaces": [{"NetworkInterfaceId": "eni-1", "VpcId": "vpc-1", "PrivateIpAddress": "10.0.0.5",
      "Groups": [{"GroupId": "sg-1", "GroupName": "web"}]}]})");
  auto r = run_sgopt({"cleanup", dir + "/in.json", "--plan", dir + "/plan.sh"});
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("nothing to clean up: no plan written"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(dir + "/plan.sh"));
  EXPECT_FALSE(fs::exists(dir + "/plan.sh.json"));
  fs::remove_all(dir);
}

TEST(CleanupCliTest, RefusesToWriteThePlanOverAnInput) {
  std::string dir = temp_dir();
  fs::copy(sample("cleanup"), dir + "/in");
  const std::string input = dir + "/in/security-groups.json", before = read_text(input);
  auto r = run_sgopt({"cleanup", dir + "/in", "--plan", input});
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.err.find("would write over the input"), std::string::npos) << r.err;
  EXPECT_EQ(read_text(input), before);
  // The JSON twin is an output too.
  r = run_sgopt({"cleanup", dir + "/in", "--plan", dir + "/in/network-acls"});
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_FALSE(fs::exists(dir + "/in/network-acls"));
  r = run_sgopt({"cleanup", dir + "/in", "--plan", dir + "/no/such/plan.sh"});
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.err.find("does not exist"), std::string::npos) << r.err;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace sgopt::testing
