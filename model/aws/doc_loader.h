// The loader of one describe-* document, shared by the readers of each kind (model/aws/read_*.cpp):
// typed access comes from json::Reader, and this adds the snapshot being filled and the indices
// that find ids already loaded. Internal to model/aws.
#pragma once

#include "model/aws/loader.h"
#include "model/json/reader.h"

#include <fmt/format.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sgopt::aws {

using json::describe_value;
using json::Json;
using json::lower;

inline constexpr const char* kLikeGroupId = R"(a string like "sg-0123456789abcdef0")";
inline constexpr const char* kLikeAclId = R"(a string like "acl-0123456789abcdef0")";
inline constexpr const char* kLikeEniId = R"(a string like "eni-0123456789abcdef0")";
inline constexpr const char* kLikePrefixListId = R"(a string like "pl-0123456789abcdef0")";
inline constexpr const char* kLikeCidr4 = R"(a string like "10.0.0.0/16")";
inline constexpr const char* kLikeSubnetId = R"(a string like "subnet-0123456789abcdef0")";

/// FromPort/ToPort as given (absent when not).
struct PortFields {
  std::optional<int> from, to;
};

/// Loads one document into a snapshot.
class DocLoader : public json::Reader {
 public:
  DocLoader(Snapshot& snapshot, std::string_view text, const std::string& file, const LoadOptions& options);

  /// Reads every kind the document's top-level keys name (model/aws/loader.cpp's table).
  void load(const Json& root);
  /// Gives every location this document added its line.
  void resolve(const json::ReadPast& read_past = {});

  // One reader per describe kind (model/aws/read_<kind>.cpp).
  void load_groups(const Json& list, const std::string& ptr);
  /// One element of a SecurityGroups array (loaded while the document is parsed, so that the
  /// document's groups never all sit in memory as JSON at once).
  /// The `item`-th element of the document's SecurityGroups array, at `ptr`.
  void load_group(const Json& value, const std::string& ptr, int item);
  void load_rule_rows(const Json& list, const std::string& ptr);
  void load_acls(const Json& list, const std::string& ptr);
  /// One network ACL object (an element of NetworkAcls, or an AWS Config item's configuration).
  void load_acl(const Json& value, const std::string& ptr);
  /// AWS Config configuration items (get-resource-config-history, S3 snapshot and history files;
  /// select-resource-config results, each a JSON string): model/aws/read_config_items.cpp.
  void load_config_items(const Json& list, const std::string& ptr);
  void load_interfaces(const Json& list, const std::string& ptr);
  void load_prefix_lists(const Json& list, const std::string& ptr);
  void load_prefix_list_entries(const Json& list, const std::string& ptr);
  void load_stale_groups(const Json& list, const std::string& ptr);
  void load_subnets(const Json& list, const std::string& ptr);
  void load_launch_template_versions(const Json& list, const std::string& ptr);
  void load_launch_configurations(const Json& list, const std::string& ptr);
  /// A Terraform plan or state (model/aws/read_terraform.cpp): the side LoadOptions::side names.
  void load_terraform(const Json& root);
  /// A CloudFormation template, JSON or YAML (model/aws/read_cloudformation.cpp).
  void load_cloudformation(const Json& root);
  /// What the IaC readers add: a group or ACL built from a template, plan or state; each value it
  /// leaves open is a warning saying which claims are unknown.
  void add_iac_group(SecurityGroup g);
  void add_iac_acl(NetworkAcl a);

 private:
  // Values shared by several kinds.
  Tags tags(const Json& obj, const std::string& ptr) const;
  void icmp_type_code(int type, int code, const std::string& type_ptr, const std::string& code_ptr);
  PortFields sg_ports(int protocol, const Json& obj, const std::string& ptr);

  // Kind-specific pieces.
  void add_entries(PrefixList& pl, const Json& entries, const std::string& ptr);
  void check_entry_families(const PrefixList& pl) const;
  /// The strings of obj[key]: group ids ("sg-..."), else group names (all names when names_only).
  void group_names_or_ids(const Json& obj, const std::string& ptr, const char* key, GroupConsumer& c, bool names_only);
  void load_permission(SecurityGroup& g, Direction d, const Json& perm, const std::string& ptr, int index, int item);
  NaclEntry load_entry(const Json& entry, const std::string& ptr, const std::string& acl_id);

  // Adding to the snapshot.
  void add_group(SecurityGroup g);
  void add_row(const std::string& group_id, const std::string& owner_id, Direction d, SgRule rule);
  void attach_row(SecurityGroup& g, Direction d, const SgRule& row) const;
  /// Appends an object with a new id and returns true. A repeated id is an error; with --lenient,
  /// a warning, and the first definition is the one used everywhere (the later one is ignored).
  template <class T>
  bool add_unique(std::vector<T>& items, std::unordered_map<std::string, std::size_t>& index, T item, const char* what);

  void warn_unresolved(const std::vector<Unresolved>& open, const std::string& id);
  struct ConfigVersion;
  void add_config_versions(std::vector<ConfigVersion>& versions);

  Snapshot& snap_;
  const Json* root_ = nullptr;  // the document being loaded
  const LoadOptions& options_;
  std::unordered_map<std::string, std::size_t> group_index_, acl_index_, eni_index_, prefix_list_index_, subnet_index_;
  std::vector<std::size_t> touched_groups_;
  std::size_t acl_start_ = 0, eni_start_ = 0, consumer_start_ = 0, prefix_list_start_ = 0, subnet_start_ = 0,
              warning_start_ = 0;
};

template <class T>
inline bool DocLoader::add_unique(std::vector<T>& items, std::unordered_map<std::string, std::size_t>& index, T item,
                                  const char* what) {
  auto [it, added] = index.emplace(item.id, items.size());
  if (!added) {
    const T& first = items[it->second];
    std::string head = fmt::format("{} {} is defined twice; the first is at ", what, echo(item.id));
    if (!options_.lenient) fail_at(item.where, head + place(first.where));
    warn_naming(item.where.json_pointer.str(), std::move(head), first.where,
                "; that first definition is used everywhere and this one is ignored");
    return false;
  }
  items.push_back(std::move(item));
  return true;
}

}  // namespace sgopt::aws
