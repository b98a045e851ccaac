// Readers of what attaches security groups to interfaces that do not exist yet:
// `aws ec2 describe-launch-template-versions` (LaunchTemplateData.SecurityGroupIds, the group
// names of SecurityGroups, and NetworkInterfaces[].Groups) and `aws autoscaling
// describe-launch-configurations` (SecurityGroups, ids or, in EC2-Classic and default VPCs,
// names). A group one of them names is in use even when no interface carries it.
#include "model/aws/aws_json.h"
#include "model/aws/doc_loader.h"

#include <fmt/format.h>

#include <algorithm>

namespace sgopt::aws {

namespace {

void add_once(std::vector<std::string>& v, std::string s) {
  if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(std::move(s));
}

}  // namespace

void DocLoader::group_names_or_ids(const Json& obj, const std::string& ptr, const char* key, GroupConsumer& c,
                                   bool names_only) {
  const Json* list = opt_array(obj, ptr, key);
  if (!list) return;
  for (std::size_t j = 0; j < list->size(); ++j) {
    std::string sp = child(child(ptr, key), j);
    const Json& v = (*list)[j];
    if (!v.is_string())
      fail(sp, fmt::format("expected {}, found {}", names_only ? "a group name (a string)" : kLikeGroupId,
                           describe_value(v)));
    std::string s = v.get<std::string>();
    if (s.empty())
      fail(sp, fmt::format("expected {}, found an empty string", names_only ? "a group name" : kLikeGroupId));
    if (!names_only && s.rfind("sg-", 0) == 0)
      add_once(c.group_ids, std::move(s));
    else
      add_once(c.group_names, std::move(s));
  }
}

void DocLoader::load_launch_template_versions(const Json& list, const std::string& ptr) {
  for (std::size_t i = 0; i < list.size(); ++i) {
    std::string vp = child(ptr, i);
    const Json& o = object_at(list[i], vp, "a launch template version object");
    GroupConsumer c;
    c.kind = "launch template";
    std::string id = opt_text(o, vp, "LaunchTemplateId");
    std::string name = opt_text(o, vp, "LaunchTemplateName");
    if (id.empty() && name.empty())
      fail(vp, "expected a LaunchTemplateId or a LaunchTemplateName in the launch template version");
    c.name = id.empty() ? name : name.empty() ? id : fmt::format("{} ({})", id, name);
    if (std::optional<int> version = opt_int(o, vp, "VersionNumber")) c.name += fmt::format(" version {}", *version);
    if (const Json* data = opt_object(o, vp, "LaunchTemplateData")) {
      std::string dp = child(vp, "LaunchTemplateData");
      group_names_or_ids(*data, dp, "SecurityGroupIds", c, false);
      group_names_or_ids(*data, dp, "SecurityGroups", c, true);
      if (const Json* nics = opt_array(*data, dp, "NetworkInterfaces"))
        for (std::size_t j = 0; j < nics->size(); ++j) {
          std::string np = child(child(dp, "NetworkInterfaces"), j);
          group_names_or_ids(object_at((*nics)[j], np, "a network interface object"), np, "Groups", c, false);
        }
    }
    c.where = Location{file(), vp, 0};
    snap_.consumers.push_back(std::move(c));
  }
}

void DocLoader::load_launch_configurations(const Json& list, const std::string& ptr) {
  for (std::size_t i = 0; i < list.size(); ++i) {
    std::string cp = child(ptr, i);
    const Json& o = object_at(list[i], cp, "a launch configuration object");
    GroupConsumer c;
    c.kind = "launch configuration";
    c.name = req_string(o, cp, "LaunchConfigurationName", R"(a string like "web-lc")");
    group_names_or_ids(o, cp, "SecurityGroups", c, false);
    c.where = Location{file(), cp, 0};
    snap_.consumers.push_back(std::move(c));
  }
}

}  // namespace sgopt::aws
