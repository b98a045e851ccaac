// What each referenced group and prefix list stands for.
#include "model/references.h"

#include "model/snapshot.h"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_set>

namespace sgopt {

const char* reference_mode_name(ReferenceMode m) { return m == ReferenceMode::Open ? "open" : "resolve"; }
const char* world_name(World w) { return w == World::Open ? "open" : "closed"; }

namespace {

std::string key(PeerType type, const std::string& id) {
  return std::string(type == PeerType::Group ? "g:" : "p:") + id;
}

std::string plural(std::size_t n, const char* one, const char* many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

}  // namespace

std::string ReferenceInfo::note() const {
  if (stale) return fmt::format("{}: stale ({}); open world, it may match any address", id, stale_why);
  if (type == PeerType::Group) {
    if (!resolved) return fmt::format("{}: not resolved ({}); open world", id, open_why);
    std::size_t hosts = 0, prefixes = 0;
    for (const Cidr& c : addresses) (c.len == address_bits(c.family) ? hosts : prefixes)++;
    std::string what = plural(hosts, "address", "addresses");
    if (prefixes) what += fmt::format(" and {}", plural(prefixes, "delegated prefix", "delegated prefixes"));
    return fmt::format("{}: {} on {}; closed world, as complete as the loaded interfaces", id, what,
                       plural(interfaces, "interface", "interfaces"));
  }
  if (!resolved)
    return fmt::format("{}: not resolved ({}){}; open world", id, open_why,
                       family ? fmt::format(", an {} list", family_name(*family)) : "");
  return fmt::format("{}: {}; closed world, as complete as the loaded entries", id,
                     plural(addresses.size(), "entry", "entries"));
}

References References::of(const Snapshot& s, ReferenceMode mode) {
  References out;
  out.mode_ = mode;
  std::unordered_set<std::string> defined;
  for (const SecurityGroup& g : s.groups) defined.insert(g.id);
  std::unordered_set<std::string> carried;
  for (const NetworkInterface& eni : s.interfaces) carried.insert(eni.group_ids.begin(), eni.group_ids.end());

  auto add = [&](const SgRule& r) {
    if (r.peer.is_cidr()) return;
    std::string k = key(r.peer.type, r.peer.ref);
    auto [it, fresh] = out.index_.emplace(k, out.infos_.size());
    if (!fresh) {
      // A later rule can still show that the reference is stale (its peering is not active).
      ReferenceInfo& info = out.infos_[it->second];
      if (!r.peer.peering_status.empty() && r.peer.peering_status != "active" && !info.severe) {
        info.stale = info.severe = true;
        info.resolved = false;
        info.addresses.clear();
        info.stale_why = fmt::format("its peering {} is {}", r.peer.peering_connection, r.peer.peering_status);
      }
      return;
    }
    ReferenceInfo info;
    info.type = r.peer.type;
    info.id = r.peer.ref;
    if (r.peer.type == PeerType::PrefixList) {
      const PrefixList* pl = s.find_prefix_list(r.peer.ref);
      if (pl) info.family = pl->family;
      if (pl && !pl->family && !pl->entries.empty()) info.family = pl->entries.front().family;
      if (mode == ReferenceMode::Resolve && pl && pl->entries_loaded) {
        info.resolved = true;
        info.addresses = pl->entries;
      }
      info.open_why = mode == ReferenceMode::Open ? "--references open" : "no entries loaded";
    } else {
      bool listed = std::any_of(s.stale.begin(), s.stale.end(),
                                [&](const StaleReference& st) { return st.referenced_id == r.peer.ref; });
      if (listed) {
        info.stale = info.severe = true;
        info.stale_why = "describe-stale-security-groups lists it";
      } else if (!r.peer.peering_status.empty() && r.peer.peering_status != "active") {
        info.stale = info.severe = true;
        info.stale_why = fmt::format("its peering {} is {}", r.peer.peering_connection, r.peer.peering_status);
      } else if (!defined.count(r.peer.ref) && !carried.count(r.peer.ref)) {
        info.stale = true;
        info.stale_why = "no loaded input defines it: deleted, or in an account or VPC not loaded";
      }
      info.open_why = mode == ReferenceMode::Open ? "--references open"
                      : s.interfaces.empty()      ? "no describe-network-interfaces loaded"
                                                  : "stale";
      if (mode == ReferenceMode::Resolve && !info.stale && !s.interfaces.empty()) {
        info.resolved = true;
        for (const NetworkInterface* eni : s.interfaces_with_group(r.peer.ref)) {
          ++info.interfaces;
          for (u128 a : eni->private_ipv4) info.addresses.push_back(Cidr{Family::V4, a, 32});
          for (u128 a : eni->ipv6) info.addresses.push_back(Cidr{Family::V6, a, 128});
          for (const Cidr& c : eni->prefixes) info.addresses.push_back(c);
        }
      }
    }
    out.infos_.push_back(std::move(info));
  };
  for (const SecurityGroup& g : s.groups)
    for (Direction d : {Direction::Ingress, Direction::Egress})
      for (const SgRule& r : g.rules(d)) add(r);
  return out;
}

const ReferenceInfo* References::find(PeerType type, const std::string& id) const {
  auto it = index_.find(key(type, id));
  return it == index_.end() ? nullptr : &infos_[it->second];
}

const ReferenceInfo* References::resolved(const Peer& peer) const {
  if (peer.is_cidr()) return nullptr;
  const ReferenceInfo* info = find(peer.type, peer.ref);
  return info && info->resolved ? info : nullptr;
}

bool References::any_resolved() const {
  return std::any_of(infos_.begin(), infos_.end(), [](const ReferenceInfo& i) { return i.resolved; });
}

References References::only(const std::vector<Peer>& peers) const {
  // Through the index, in the order of infos_: the cost is the peers', not the snapshot's.
  std::vector<std::size_t> named;
  for (const Peer& p : peers) {
    if (p.is_cidr()) continue;
    auto it = index_.find(key(p.type, p.ref));
    if (it != index_.end()) named.push_back(it->second);
  }
  std::sort(named.begin(), named.end());
  named.erase(std::unique(named.begin(), named.end()), named.end());
  References out;
  out.mode_ = mode_;
  for (std::size_t i : named) {
    out.index_.emplace(key(infos_[i].type, infos_[i].id), out.infos_.size());
    out.infos_.push_back(infos_[i]);
  }
  return out;
}

References References::open() const {
  References out = *this;
  for (auto& info : out.infos_) {
    if (info.resolved) info.open_why = "judged for every membership";
    info.resolved = false;
    info.addresses.clear();
    info.interfaces = 0;
  }
  out.mode_ = ReferenceMode::Open;
  return out;
}

}  // namespace sgopt
