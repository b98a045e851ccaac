// Reader of `aws ec2 describe-managed-prefix-lists`, with the entries of get-managed-prefix-list-entries when pasted in
// as "Entries".
#include "model/aws/aws_json.h"
#include "model/aws/doc_loader.h"
#include "model/match.h"
#include "model/protocol.h"

#include <fmt/format.h>

#include <algorithm>

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
        fail(child(lp, "AddressFamily"), fmt::format("expected \"IPv4\" or \"IPv6\", found \"{}\"", *family));
      pl.family = f == "ipv4" ? Family::V4 : Family::V6;
    }
    // Not in AWS's shape: the entries of get-managed-prefix-list-entries, pasted in as "Entries".
    if (const Json* entries = opt_array(o, lp, "Entries"))
      for (std::size_t j = 0; j < entries->size(); ++j) {
        std::string ep = child(child(lp, "Entries"), j);
        const Json& e = object_at((*entries)[j], ep, R"(an entry like {"Cidr": "10.0.0.0/16"})");
        Family f = pl.family.value_or(Family::V4);
        if (!pl.family) {
          auto text = opt_string(e, ep, "Cidr", kLikeCidr4);
          if (text && text->find(':') != std::string::npos) f = Family::V6;
        }
        pl.entries.push_back(cidr(e, ep, "Cidr", f, nullptr));
      }
    pl.where = Location{file(), lp, 0};
    add_unique(snap_.prefix_lists, prefix_list_index_, std::move(pl), "prefix list");
  }
}

}  // namespace sgopt::aws
