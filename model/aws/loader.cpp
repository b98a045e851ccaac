// Readers for AWS describe-* JSON: the table of document kinds, what every kind shares (tags,
// ports, ICMP type/code), and reading files and folders. Each kind's reader is in
// model/aws/read_<kind>.cpp; every object and rule keeps its file, JSON pointer and line.
#include "model/aws/loader.h"

#include "model/aws/aws_json.h"
#include "model/aws/doc_loader.h"
#include "model/json/lines.h"
#include "model/json/yaml.h"
#include "model/progress.h"
#include "model/protocol.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <tuple>

namespace sgopt {
namespace aws {

namespace {

constexpr const char* kText = "a string";

/// One kind of document, found by its top-level key.
struct DocumentKind {
  const char* key;
  void (DocLoader::*load)(const Json&, const std::string&);
};

constexpr DocumentKind kKinds[] = {
    {"SecurityGroups", &DocLoader::load_groups},
    {"SecurityGroupRules", &DocLoader::load_rule_rows},
    {"NetworkAcls", &DocLoader::load_acls},
    {"NetworkInterfaces", &DocLoader::load_interfaces},
    {"PrefixLists", &DocLoader::load_prefix_lists},
    {"Entries", &DocLoader::load_prefix_list_entries},  // get-managed-prefix-list-entries
    {"StaleSecurityGroupSet", &DocLoader::load_stale_groups},
    {"Subnets", &DocLoader::load_subnets},
    {"LaunchTemplateVersions", &DocLoader::load_launch_template_versions},
    {"LaunchConfigurations", &DocLoader::load_launch_configurations},
    {"configurationItems", &DocLoader::load_config_items},  // AWS Config history and snapshots
    {"Results", &DocLoader::load_config_items},             // select-resource-config: items as JSON strings
};
constexpr const char* kKindList =
    "SecurityGroups, SecurityGroupRules, NetworkAcls, NetworkInterfaces, Subnets, PrefixLists, Entries "
    "(get-managed-prefix-list-entries), StaleSecurityGroupSet, LaunchTemplateVersions, LaunchConfigurations, "
    "configurationItems (AWS Config) or "
    "Results (select-resource-config); or a Terraform plan or state (terraform show -json), or a CloudFormation "
    "template";

/// `terraform show -json` of a plan or a state.
bool is_terraform(const Json& root) {
  return root.contains("format_version") &&
         (root.contains("resource_changes") || root.contains("planned_values") || root.contains("values") ||
          root.contains("prior_state") || root.contains("terraform_version"));
}

/// A CloudFormation template in JSON: AWSTemplateFormatVersion, or Resources of AWS:: types.
bool is_cloudformation(const Json& root) {
  if (root.contains("AWSTemplateFormatVersion")) return true;
  auto resources = root.find("Resources");
  if (resources == root.end() || !resources->is_object()) return false;
  return std::any_of(resources->begin(), resources->end(), [](const Json& r) {
    auto type = r.is_object() ? r.find("Type") : r.end();
    return type != r.end() && type->is_string() && type->get_ref<const std::string&>().rfind("AWS::", 0) == 0;
  });
}

}  // namespace

void DocLoader::warn_unresolved(const std::vector<Unresolved>& open, const std::string& id) {
  for (const Unresolved& u : open)
    warn(u.where.json_pointer.str(),
         fmt::format("{}; claims about the {} of {} are unknown", u.what, direction_name(u.direction), id));
}

void DocLoader::add_iac_group(SecurityGroup g) {
  warn_unresolved(g.unresolved, g.id);
  if (add_unique(snap_.groups, group_index_, std::move(g), "security group"))
    touched_groups_.push_back(snap_.groups.size() - 1);
}

void DocLoader::add_iac_acl(NetworkAcl a) {
  warn_unresolved(a.unresolved, a.id);
  add_unique(snap_.acls, acl_index_, std::move(a), "network ACL");
}

DocLoader::DocLoader(Snapshot& snapshot, std::string_view text, const std::string& file, const LoadOptions& options)
    : json::Reader(text, file, snapshot.warnings), snap_(snapshot), options_(options) {
  for (std::size_t i = 0; i < snap_.groups.size(); ++i) group_index_.emplace(snap_.groups[i].id, i);
  for (std::size_t i = 0; i < snap_.acls.size(); ++i) acl_index_.emplace(snap_.acls[i].id, i);
  for (std::size_t i = 0; i < snap_.interfaces.size(); ++i) eni_index_.emplace(snap_.interfaces[i].id, i);
  for (std::size_t i = 0; i < snap_.prefix_lists.size(); ++i) prefix_list_index_.emplace(snap_.prefix_lists[i].id, i);
  for (std::size_t i = 0; i < snap_.subnets.size(); ++i) subnet_index_.emplace(snap_.subnets[i].id, i);
  acl_start_ = snap_.acls.size();
  eni_start_ = snap_.interfaces.size();
  consumer_start_ = snap_.consumers.size();
  prefix_list_start_ = snap_.prefix_lists.size();
  subnet_start_ = snap_.subnets.size();
  warning_start_ = snap_.warnings.size();
}

void DocLoader::load(const Json& root) {
  if (!root.is_object())
    fail("", fmt::format("expected a JSON object with a top-level key {}, found {}{}", kKindList, describe_value(root),
                         root.is_array() ? " (sgopt reads the whole describe output, not one filtered "
                                           "with --query)"
                                         : ""));
  root_ = &root;
  if (is_terraform(root)) {
    load_terraform(root);
    return;
  }
  if (is_cloudformation(root)) {
    load_cloudformation(root);
    return;
  }
  bool known = false;
  for (const DocumentKind& k : kKinds) {
    const Json* list = opt_array(root, "", k.key);
    if (!list) continue;
    known = true;
    (this->*k.load)(*list, child("", k.key));
  }
  std::vector<std::string> others;
  for (const auto& item : root.items()) {
    const std::string& key = item.key();
    bool listed =
        std::any_of(std::begin(kKinds), std::end(kKinds), [&](const DocumentKind& k) { return key == k.key; });
    bool names_the_list = key == "PrefixListId" && root.contains("Entries");
    bool paging = key == "ResponseMetadata" || key == "NextToken" || key == "nextToken" || key == "QueryInfo" ||
                  key == "fileVersion" || key == "configSnapshotId";
    if (!listed && !names_the_list && !paging) others.push_back(key);
  }
  if (!known) {
    std::vector<std::string> shown;
    for (const auto& k : others) shown.push_back(echo(k));
    std::string found =
        others.empty() ? "an empty object" : "keys " + echo(fmt::format("{}", fmt::join(shown, ", ")), 200);
    fail("",
         fmt::format("not a describe-* document sgopt reads: expected a top-level key {}, found {}", kKindList, found));
  }
  for (const auto& key : others)
    warn("/" + pointer_segment(key), fmt::format("top-level key \"{}\" is not one sgopt reads; ignored", echo(key)));
}

Tags DocLoader::tags(const Json& obj, const std::string& ptr) const {
  Tags out;
  const Json* list = opt_array(obj, ptr, "Tags");
  if (!list) return out;
  for (std::size_t i = 0; i < list->size(); ++i) {
    std::string tp = child(child(ptr, "Tags"), i);
    const Json& t = object_at((*list)[i], tp, R"(a tag object like {"Key": "Name", "Value": "web"})");
    out.emplace_back(req_string(t, tp, "Key", kText), opt_text(t, tp, "Value"));
  }
  return out;
}

void DocLoader::icmp_type_code(int type, int code, const std::string& type_ptr, const std::string& code_ptr) {
  if (type < -1 || type > 255) fail(type_ptr, fmt::format("ICMP type {} is outside 0-255 (-1 means every type)", type));
  if (code < -1 || code > 255) fail(code_ptr, fmt::format("ICMP code {} is outside 0-255 (-1 means every code)", code));
  if (type == -1 && code != -1) {
    std::string msg = fmt::format("ICMP type -1 means every type and needs code -1, found code {}", code);
    if (!options_.lenient) fail(code_ptr, msg);
    warn(code_ptr, msg + "; the code is ignored");
  }
}

// AWS-SEMANTICS.md 2.2: FromPort/ToPort are a port range for tcp/udp, ICMP type and code for
// icmp/icmpv6, and are ignored for every other protocol.
PortFields DocLoader::sg_ports(int proto, const Json& obj, const std::string& ptr) {
  PortFields p{opt_int(obj, ptr, "FromPort"), opt_int(obj, ptr, "ToPort")};
  if (p.from.has_value() != p.to.has_value())
    fail(ptr, fmt::format("\"{}\" is given without \"{}\"; give both or neither", p.from ? "FromPort" : "ToPort",
                          p.from ? "ToPort" : "FromPort"));
  std::string from_ptr = child(ptr, "FromPort"), to_ptr = child(ptr, "ToPort");
  std::string name = proto == kAllProtocols ? "-1 (all)" : protocol_name(proto);
  if (!has_port_key(proto)) {
    if (p.from && !(*p.from == -1 && *p.to == -1))
      warn(ptr, fmt::format("FromPort/ToPort are ignored: protocol {} matches every port", name));
    return p;
  }
  if (is_port_protocol(proto)) {
    if (!p.from) fail(ptr, fmt::format("a {} rule needs FromPort and ToPort", name));
    for (auto [v, vp] : {std::pair{*p.from, &from_ptr}, std::pair{*p.to, &to_ptr}})
      if (v < -1 || v > 65535) fail(*vp, fmt::format("port {} is outside 0-65535", v));
    if (*p.from == -1 && *p.to == -1)
      warn(ptr, fmt::format("{} ports -1 to -1 are read as every port (0-65535)", name));
    else if (*p.from == -1 || *p.to == -1) {
      // AWS exports -1 only as both ends (every port) and documents no other reading of it.
      std::string msg = fmt::format("{} ports {} to {}: -1 means every port only when FromPort and ToPort are both -1",
                                    name, *p.from, *p.to);
      if (!options_.lenient) fail(*p.from == -1 ? from_ptr : to_ptr, msg + "; give both ends of the range");
      warn(*p.from == -1 ? from_ptr : to_ptr, msg + "; read as every port (0-65535), the widest reading");
    } else if (*p.from > *p.to)
      fail(from_ptr, fmt::format("FromPort {} is greater than ToPort {}", *p.from, *p.to));
    return p;
  }
  // icmp / icmpv6: type and code. Only icmpv6 may leave them out (then it allows every type).
  if (!p.from) {
    if (proto == kIcmp) fail(ptr, "an icmp rule needs FromPort (the ICMP type) and ToPort (the code); -1 means all");
    return p;
  }
  icmp_type_code(*p.from, *p.to, from_ptr, to_ptr);
  return p;
}

void DocLoader::resolve(const json::ReadPast& read_past) {
  std::vector<Location*> locations;
  auto want = [&](Location& l) {
    if (l.file == file() && l.line == 0) locations.push_back(&l);
  };
  std::sort(touched_groups_.begin(), touched_groups_.end());
  touched_groups_.erase(std::unique(touched_groups_.begin(), touched_groups_.end()), touched_groups_.end());
  // Rules of describe-security-groups groups are found by their indexes (their pointers are
  // implied, SgRule::where), through the group each SecurityGroups item became.
  std::vector<SecurityGroup*> by_item;
  for (std::size_t gi : touched_groups_) {
    SecurityGroup& g = snap_.groups[gi];
    want(g.where);
    for (Unresolved& u : g.unresolved) want(u.where);
    for (Direction d : {Direction::Ingress, Direction::Egress})
      for (SgRule& r : g.rules(d)) {
        if (r.source.item_index < 0 || !r.source.where.json_pointer.empty()) {
          want(r.source.where);
        } else if (r.source.where.file == file()) {
          auto item = static_cast<std::size_t>(r.source.item_index);
          if (by_item.size() <= item) by_item.resize(item + 1, nullptr);
          by_item[item] = &g;
        }
      }
  }
  for (std::size_t i = acl_start_; i < snap_.acls.size(); ++i) {
    want(snap_.acls[i].where);
    for (Unresolved& u : snap_.acls[i].unresolved) want(u.where);
    for (Direction d : {Direction::Ingress, Direction::Egress})
      for (NaclEntry& e : snap_.acls[i].entries(d)) want(e.source.where);
  }
  for (std::size_t i = eni_start_; i < snap_.interfaces.size(); ++i) want(snap_.interfaces[i].where);
  for (std::size_t i = prefix_list_start_; i < snap_.prefix_lists.size(); ++i) want(snap_.prefix_lists[i].where);
  for (std::size_t i = subnet_start_; i < snap_.subnets.size(); ++i) want(snap_.subnets[i].where);
  for (std::size_t i = consumer_start_; i < snap_.consumers.size(); ++i) want(snap_.consumers[i].where);
  for (std::size_t i = warning_start_; i < snap_.warnings.size(); ++i) want(snap_.warnings[i].where);
  for (Location* l : named_places()) locations.push_back(l);
  // A group's rules are in the order they were read: permission, peer list, peer.
  auto read_order = [](int permission, PeerType type, int peer) {
    auto list =
        std::find_if(std::begin(kPeerLists), std::end(kPeerLists), [&](const PeerList& l) { return l.type == type; });
    return std::tuple(permission, list - std::begin(kPeerLists), peer);
  };
  auto rule_line = [&](std::string_view path, int line) {
    std::optional<ImpliedPlace> at = implied_place(path);
    if (!at || static_cast<std::size_t>(at->item) >= by_item.size() || !by_item[static_cast<std::size_t>(at->item)])
      return;
    std::vector<SgRule>& rules = by_item[static_cast<std::size_t>(at->item)]->rules(at->direction);
    auto key = [&](const SgRule& r) { return read_order(r.source.permission_index, r.peer.type, r.source.peer_index); };
    auto wanted = read_order(at->permission, at->type, at->peer);
    auto it = std::lower_bound(rules.begin(), rules.end(), wanted,
                               [&](const SgRule& r, const auto& w) { return key(r) < w; });
    if (it == rules.end() || key(*it) != wanted || it->source.item_index != at->item) return;
    if (it->source.where.line == 0 && it->source.where.file == file()) it->source.where.line = line;
  };
  if (const json::PointerLines* lines = pointer_lines()) {
    for (Location* l : locations) l->line = json::line_of(*lines, l->json_pointer);
  } else {
    resolve_lines(text(), locations, read_past, by_item.empty() ? nullptr : std::function(rule_line));
  }
  complete_warnings();
}

}  // namespace aws

namespace {

namespace fs = std::filesystem;

std::string read_stream(std::istream& in) {
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string extension(const std::string& file) { return json::lower(fs::path(file).extension().string()); }
bool yaml_extension(const std::string& ext) { return ext == ".yaml" || ext == ".yml"; }
bool template_extension(const std::string& ext) { return yaml_extension(ext) || ext == ".template"; }

/// The text starts like JSON (its first character that is not white space is '{' or '[').
bool starts_like_json(std::string_view text) {
  auto first =
      std::find_if(text.begin(), text.end(), [](char c) { return !std::isspace(static_cast<unsigned char>(c)); });
  return first != text.end() && (*first == '{' || *first == '[');
}

/// A line of the text starts with a top-level key of a template (Resources, AWSTemplateFormatVersion).
bool has_template_key(std::string_view text) {
  for (std::size_t at = 0; at < text.size();) {
    std::size_t end = std::min(text.find('\n', at), text.size());
    std::string_view line = text.substr(at, end - at);
    if (!line.empty() && (line[0] == '"' || line[0] == '\'')) line.remove_prefix(1);
    for (std::string_view key : {"Resources", "AWSTemplateFormatVersion"})
      if (line.substr(0, key.size()) == key) return true;
    at = end + 1;
  }
  return false;
}

/// YAML (a CloudFormation template): a .yaml or .yml file, a .template file that does not start
/// like JSON, or any input that does not and has a template's top-level key.
bool is_yaml(std::string_view text, const std::string& file) {
  std::string ext = extension(file);
  if (yaml_extension(ext)) return true;
  if (starts_like_json(text)) return false;
  return ext == ".template" || has_template_key(text);
}

void load_yaml(Snapshot& snapshot, std::string_view text, const std::string& file, const LoadOptions& options) {
  json::YamlDocument doc = json::parse_yaml(text, file);
  aws::DocLoader loader(snapshot, text, file, options);
  loader.use_lines(&doc.lines);
  loader.load_cloudformation(doc.root);
  loader.resolve();
  snapshot.files.push_back(file);
}

/// In a folder, a YAML file that names no template key is some other YAML (not a template): skipped.
bool skipped_in_folder(Snapshot& snapshot, std::string_view text, const std::string& file) {
  std::string ext = extension(file);
  if (!template_extension(ext) || (ext == ".template" && starts_like_json(text))) return false;
  if (text.find("Resources") != std::string_view::npos ||
      text.find("AWSTemplateFormatVersion") != std::string_view::npos)
    return false;
  snapshot.warnings.push_back(Diagnostic{Location{file, "", 0},
                                         "not a CloudFormation template (it has no Resources or "
                                         "AWSTemplateFormatVersion); skipped"});
  return true;
}

void load_file(Snapshot& snapshot, const fs::path& path, const LoadOptions& options, bool in_folder = false) {
  std::string name = path.string();
  // A regular file is mapped, and each pass over it gives back the pages it has read.
  if (auto mapped = json::MappedFile::open(name)) {
    if (in_folder && skipped_in_folder(snapshot, mapped->text(), name)) return;
    load_document(snapshot, mapped->text(), name, options, mapped->releaser());
    return;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw InputError(Diagnostic{Location{name, "", 0}, fmt::format("cannot read the file: {}", std::strerror(errno))});
  // Read in one piece when the size is known (a regular file): no growing copies of a large input.
  std::string text;
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  if (!ec && fs::is_regular_file(path, ec)) {
    text.resize(static_cast<std::size_t>(size));
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (in.gcount() == static_cast<std::streamsize>(size)) text += read_stream(in);  // it grew meanwhile
  } else {
    text = read_stream(in);
  }
  if (in.bad()) throw InputError(Diagnostic{Location{name, "", 0}, "cannot read the file"});
  if (in_folder && skipped_in_folder(snapshot, text, name)) return;
  load_document(snapshot, text, name, options);
}

}  // namespace

void load_document(Snapshot& snapshot, std::string_view text, const std::string& file, const LoadOptions& options,
                   const json::ReadPast& read_past) {
  if (is_yaml(text, file)) {
    load_yaml(snapshot, text, file, options);
    return;
  }
  aws::DocLoader loader(snapshot, text, file, options);
  // Each element of the top-level SecurityGroups array is loaded as soon as it is parsed and then
  // dropped from the document, which keeps the rest (the other kinds, loaded after the parse).
  std::string top_key;
  bool in_groups = false;
  std::size_t index = 0;
  auto stream = [&](int depth, aws::Json::parse_event_t event, aws::Json& parsed) {
    using E = aws::Json::parse_event_t;
    if (depth == 1) {
      if (event == E::key) top_key = parsed.get<std::string>();
      if (event == E::array_start) {
        in_groups = top_key == "SecurityGroups";
        index = 0;
      }
      if (event == E::array_end) in_groups = false;
      return true;
    }
    if (in_groups && depth == 2 && (event == E::object_end || event == E::array_end || event == E::value)) {
      loader.load_group(parsed, "/SecurityGroups/" + std::to_string(index), static_cast<int>(index));
      ++index;
      work_progress().step();
      return false;
    }
    return true;
  };
  aws::Json root = json::parse_document(
      text, file, "a describe-* JSON document such as the output of `aws ec2 describe-security-groups`", stream,
      read_past);
  loader.load(root);
  loader.resolve(read_past);
  snapshot.files.push_back(file);
}

Snapshot load_inputs(const std::vector<std::string>& paths, const LoadOptions& options) {
  Snapshot snapshot;
  if (paths.empty()) throw InputError(Diagnostic{Location{}, "no input files given"});
  work_progress().start("reading groups", 0);
  for (const std::string& p : paths) {
    if (p == "-") {
      // Standard input is read once: a plan given as `-` is loaded again for diff's other side.
      static const std::string standard_input = read_stream(std::cin);
      load_document(snapshot, standard_input, "<stdin>", options);
      continue;
    }
    std::error_code ec;
    fs::file_status st = fs::status(p, ec);
    if (ec || !fs::exists(st)) throw InputError(Diagnostic{Location{p, "", 0}, "no such file or folder"});
    if (!fs::is_directory(st)) {
      load_file(snapshot, p, options);
      continue;
    }
    std::vector<fs::path> files;
    try {
      for (const auto& entry : fs::recursive_directory_iterator(p)) {
        std::string ext = json::lower(entry.path().extension().string());
        if ((ext == ".json" || template_extension(ext)) && entry.is_regular_file()) files.push_back(entry.path());
      }
    } catch (const fs::filesystem_error& e) {
      throw InputError(Diagnostic{Location{p, "", 0}, fmt::format("cannot read the folder: {}", e.code().message())});
    }
    if (files.empty())
      throw InputError(
          Diagnostic{Location{p, "", 0},
                     "the folder holds no .json files, nor CloudFormation templates in .yaml, .yml or .template files "
                     "(folders are read recursively)"});
    std::sort(files.begin(), files.end());
    for (const auto& f : files) load_file(snapshot, f, options, true);
  }
  snapshot.resolve_references(options.references);
  work_progress().finish();
  return snapshot;
}

}  // namespace sgopt
