// Reader of `aws ec2 describe-managed-prefix-lists`, with the entries of get-managed-prefix-list-entries when pasted in
// as "Entries".
#include "model/aws/aws_json.h"
#include "model/aws/doc_loader.h"
#include "model/match.h"
#include "model/protocol.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

namespace sgopt::aws {

void DocLoader::load_prefix_lists(const Json& list, const std::string& ptr) {
  for (std::size_t i = 0; i < list.size(); ++i) {
    std::string lp = child(ptr, i);
    const Json& o = object_at(list[i], lp, "a prefix list object");
    PrefixList pl;
    pl.id = req_string(o, lp, "PrefixListId", kLikePrefixListId);
    pl.name = opt_text(o, lp, "PrefixListName");
    pl.max_entries = opt_int(o, lp, "MaxEntries").value_or(0);
    if (pl.max_entries < 0) fail(child(lp, "MaxEntries"), fmt::format("MaxEntries {} is negative", pl.max_entries));
    if (auto family = opt_string(o, lp, "AddressFamily", R"("IPv4" or "IPv6")")) {
      std::string f = lower(*family);
      if (f != "ipv4" && f != "ipv6")
        fail(child(lp, "AddressFamily"), fmt::format("expected \"IPv4\" or \"IPv6\", found \"{}\"", echo(*family)));
      pl.family = f == "ipv4" ? Family::V4 : Family::V6;
    }
    pl.described = true;
    pl.where = Location{file(), lp, 0};
    // Not in AWS's shape: the entries of get-managed-prefix-list-entries, pasted in as "Entries".
    if (const Json* entries = opt_array(o, lp, "Entries")) add_entries(pl, *entries, child(lp, "Entries"));
    auto it = prefix_list_index_.find(pl.id);
    if (it != prefix_list_index_.end() && !snap_.prefix_lists[it->second].described) {
      // Its entries came first (get-managed-prefix-list-entries): this describes the same list.
      PrefixList& known = snap_.prefix_lists[it->second];
      pl.entries.insert(pl.entries.begin(), known.entries.begin(), known.entries.end());
      pl.entries_loaded = pl.entries_loaded || known.entries_loaded;
      check_entry_families(pl);
      known = std::move(pl);
      continue;
    }
    check_entry_families(pl);
    add_unique(snap_.prefix_lists, prefix_list_index_, std::move(pl), "prefix list");
  }
}

void DocLoader::add_entries(PrefixList& pl, const Json& entries, const std::string& ptr) {
  for (std::size_t j = 0; j < entries.size(); ++j) {
    std::string ep = child(ptr, j);
    const Json& e = object_at(entries[j], ep, R"(an entry like {"Cidr": "10.0.0.0/16"})");
    Family f = pl.family.value_or(written_family(opt_string(e, ep, "Cidr", kLikeCidr4).value_or("")));
    pl.entries.push_back(cidr(e, ep, "Cidr", f, nullptr));
  }
  pl.entries_loaded = true;
}

void DocLoader::check_entry_families(const PrefixList& pl) const {
  if (!pl.family) return;
  for (const Cidr& c : pl.entries)
    if (c.family != *pl.family)
      fail_at(pl.where, fmt::format("prefix list {} is an {} list but has the entry {}", pl.id, family_name(*pl.family),
                                    c.str()));
}

// `aws ec2 get-managed-prefix-list-entries --prefix-list-id pl-...` prints {"Entries": [...]}
// without the id: a "PrefixListId" key beside "Entries" names the list, or else the file name
// does (pl-0123456789abcdef0.json, or any name with the id in it).
void DocLoader::load_prefix_list_entries(const Json& list, const std::string& ptr) {
  std::string id = root_ ? opt_string(*root_, "", "PrefixListId", kLikePrefixListId).value_or("") : "";
  if (id.empty()) {
    std::string name = std::filesystem::path(file().str()).filename().string();
    auto at = name.find("pl-");
    if (at != std::string::npos) {
      std::size_t end = at + 3;
      while (end < name.size() && std::isxdigit(static_cast<unsigned char>(name[end]))) ++end;
      if (end > at + 3) id = name.substr(at, end - at);
    }
  }
  if (id.empty())
    fail("",
         "get-managed-prefix-list-entries output does not say which prefix list it holds: add "
         "\"PrefixListId\": \"pl-...\" beside \"Entries\", or name the file after the list (pl-0123abcd.json)");
  auto it = prefix_list_index_.find(id);
  if (it == prefix_list_index_.end()) {
    PrefixList pl;
    pl.id = id;
    pl.where = Location{file(), "", 0};
    it = prefix_list_index_.emplace(id, snap_.prefix_lists.size()).first;
    snap_.prefix_lists.push_back(std::move(pl));
  }
  PrefixList& pl = snap_.prefix_lists[it->second];
  add_entries(pl, list, ptr);
  check_entry_families(pl);
}

}  // namespace sgopt::aws
