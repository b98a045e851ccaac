// Account-wide hygiene facts (passes/analyses/account_hygiene.h).
#include "passes/analyses/account_hygiene.h"

#include "model/quota.h"
#include "passes/pass.h"
#include "passes/workers.h"
#include "solver/coverage.h"
#include "solver/rule_sets.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <stdexcept>
#include <unordered_map>

namespace sgopt {

const char* const kSelfToken = "sg-(itself)";

const char* group_use_name(GroupUse u) {
  switch (u) {
    case GroupUse::InUse: return "in use";
    case GroupUse::ReferencedOnly: return "referenced only";
    case GroupUse::Unused: return "unused";
  }
  return "unused";
}

std::vector<SgRule> rules_as_template(const SecurityGroup& g, Direction d) {
  std::vector<SgRule> rules = g.rules(d);
  for (SgRule& r : rules)
    if (r.peer.type == PeerType::Group && r.peer.ref == g.id) r.peer.ref = Interned(kSelfToken);
  return rules;
}

namespace {

// Ids in a stable order: AWS's short ids before the long ones it issues since 2016, then by text.
bool id_before(const std::string& a, const std::string& b) {
  return a.size() != b.size() ? a.size() < b.size() : a < b;
}

std::size_t hash_set(const PacketSet& s) {
  std::size_t h = 0x9e3779b97f4a7c15ull;
  auto mix = [&](std::size_t v) { h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2); };
  for (const Box& b : s.boxes()) {
    mix(b.kind_lo);
    mix(b.kind_hi);
    mix(static_cast<std::size_t>(b.addr_lo) ^ static_cast<std::size_t>(b.addr_lo >> 64));
    mix(static_cast<std::size_t>(b.addr_hi) ^ static_cast<std::size_t>(b.addr_hi >> 64));
    mix(static_cast<std::size_t>(b.proto_lo) << 32 | static_cast<std::size_t>(b.proto_hi));
    mix(static_cast<std::size_t>(b.port_lo) << 32 | static_cast<std::size_t>(b.port_hi));
  }
  return h;
}

// The packet as the real rules see it: "the group itself" is the looser group.
Packet real_packet(Packet p, const std::string& group_id) {
  if (p.member && p.member->id == kSelfToken) p.member->id = group_id;
  return p;
}

}  // namespace

AccountHygiene::AccountHygiene(const Snapshot& snapshot, const AnalysisOptions& options, unsigned threads)
    : snapshot_(snapshot) {
  usage_.resize(snapshot.groups.size());
  class_of_.assign(snapshot.groups.size(), -1);
  tighter_of_.resize(snapshot.groups.size());
  loads_of_.resize(snapshot.groups.size());
  find_usage();
  if (usage_known()) find_tighter_candidates();
  build_sets(threads);
  find_duplicates();
  if (usage_known()) {
    find_tighter(threads);
    find_loads(options.groups_per_interface);
  }
  std::vector<std::pair<std::size_t, std::size_t>>().swap(candidates_);
  std::vector<std::size_t>().swap(hash_);
}

std::size_t AccountHygiene::index_of(const SecurityGroup& g) const {
  const auto& groups = snapshot_.groups;
  if (!groups.empty() && &g >= groups.data() && &g < groups.data() + groups.size())
    return static_cast<std::size_t>(&g - groups.data());
  if (const SecurityGroup* found = snapshot_.find_group(g.id)) return static_cast<std::size_t>(found - groups.data());
  throw std::logic_error("internal error: hygiene asked about a group not in its snapshot: " + g.id);
}

const GroupUsage& AccountHygiene::usage(const SecurityGroup& g) const { return usage_[index_of(g)]; }

const DuplicateClass* AccountHygiene::duplicates(const SecurityGroup& g) const {
  int c = class_of_[index_of(g)];
  return c < 0 ? nullptr : &classes_[static_cast<std::size_t>(c)];
}

std::vector<const TighterGroup*> AccountHygiene::tighter(const SecurityGroup& g) const {
  std::vector<const TighterGroup*> out;
  for (std::size_t t : tighter_of_[index_of(g)]) out.push_back(&tighter_[t]);
  return out;
}

std::vector<const InterfaceLoad*> AccountHygiene::loads_reported_with(const SecurityGroup& g) const {
  std::vector<const InterfaceLoad*> out;
  for (std::size_t l : loads_of_[index_of(g)]) out.push_back(&loads_[l]);
  return out;
}

std::size_t AccountHygiene::attachments(const SecurityGroup& g) const {
  const GroupUsage& u = usage(g);
  return u.interfaces.size() + u.consumers.size();
}

void AccountHygiene::find_usage() {
  const Snapshot& s = snapshot_;
  std::unordered_map<std::string, std::vector<std::size_t>> by_name;
  for (std::size_t i = 0; i < s.groups.size(); ++i) {
    usage_[i].interfaces = s.interfaces_with_group(s.groups[i].id);
    if (!s.groups[i].name.empty()) by_name[s.groups[i].name].push_back(i);
  }
  for (const GroupConsumer& c : s.consumers) {
    std::vector<std::size_t> named;
    for (const std::string& id : c.group_ids)
      if (const SecurityGroup* g = s.find_group(id)) named.push_back(static_cast<std::size_t>(g - s.groups.data()));
    // A name names every group so called: launch data of a default VPC or EC2-Classic says no VPC.
    for (const std::string& name : c.group_names)
      if (auto it = by_name.find(name); it != by_name.end())
        named.insert(named.end(), it->second.begin(), it->second.end());
    std::sort(named.begin(), named.end());
    named.erase(std::unique(named.begin(), named.end()), named.end());
    for (std::size_t i : named) usage_[i].consumers.push_back(&c);
  }
  for (const SecurityGroup& g : s.groups)
    for (Direction d : {Direction::Ingress, Direction::Egress})
      for (std::size_t k = 0; k < g.rules(d).size(); ++k) {
        const SgRule& r = g.rules(d)[k];
        if (r.peer.type != PeerType::Group || r.peer.ref == g.id) continue;
        if (const SecurityGroup* named = s.find_group(r.peer.ref))
          usage_[static_cast<std::size_t>(named - s.groups.data())].referrers.push_back(RuleAt{&g, d, k});
      }
  for (GroupUsage& u : usage_)
    u.use = !u.interfaces.empty() || !u.consumers.empty() ? GroupUse::InUse
            : !u.referrers.empty()                        ? GroupUse::ReferencedOnly
                                                          : GroupUse::Unused;
}

void AccountHygiene::find_tighter_candidates() {
  const Snapshot& s = snapshot_;
  for (std::size_t i = 0; i < s.groups.size(); ++i) {
    const SecurityGroup& a = s.groups[i];
    const auto& enis = usage_[i].interfaces;
    if (enis.empty() || a.is_default()) continue;
    // The groups every interface carrying `a` carries too.
    std::vector<std::string> common = enis.front()->group_ids;
    for (const NetworkInterface* eni : enis)
      std::erase_if(common, [&](const std::string& id) {
        return std::find(eni->group_ids.begin(), eni->group_ids.end(), id) == eni->group_ids.end();
      });
    for (const std::string& id : common) {
      const SecurityGroup* b = id == a.id ? nullptr : s.find_group(id);
      if (b && b->vpc_id == a.vpc_id) candidates_.emplace_back(i, static_cast<std::size_t>(b - s.groups.data()));
    }
  }
}

void AccountHygiene::build_sets(unsigned threads) {
  const Snapshot& s = snapshot_;
  for (const SecurityGroup& g : s.groups)
    for (Direction d : {Direction::Ingress, Direction::Egress})
      for (const SgRule& r : rules_as_template(g, d))
        if (!r.peer.is_cidr()) peers_.member(r.peer.type, r.peer.ref);
  hash_.assign(s.groups.size(), 0);
  // Every reference is interned already, so each worker's copy of the table gives what the shared
  // one would; each group's fingerprint goes to its own slot.
  run_workers(s.groups.size(), threads, [&](ItemQueue& items) {
    PeerTable peers = peers_;
    for (std::size_t i; items.next(i);) {
      GroupSets sets = sets_of(i, peers);
      hash_[i] = hash_set(sets.in) * 31 + hash_set(sets.out);
    }
  });
}

AccountHygiene::GroupSets AccountHygiene::sets_of(std::size_t group, PeerTable& peers) const {
  const SecurityGroup& g = snapshot_.groups[group];
  return {sg_set(rules_as_template(g, Direction::Ingress), peers),
          sg_set(rules_as_template(g, Direction::Egress), peers)};
}

void AccountHygiene::find_duplicates() {
  const Snapshot& s = snapshot_;
  // Equal sets have equal canonical forms, so equal fingerprints; only groups that share a VPC and
  // a fingerprint are compared, and each match is checked again slice by slice.
  std::unordered_map<std::string, std::unordered_map<std::size_t, std::vector<std::size_t>>> buckets;
  std::vector<std::string> vpcs;  // in order of first appearance
  for (std::size_t i = 0; i < s.groups.size(); ++i) {
    auto [it, added] = buckets.try_emplace(s.groups[i].vpc_id);
    if (added) vpcs.push_back(s.groups[i].vpc_id);
    it->second[hash_[i]].push_back(i);
  }
  std::vector<std::vector<std::size_t>> found;
  for (const std::string& vpc : vpcs)
    for (auto& [h, members] : buckets[vpc]) {
      if (members.size() < 2) continue;
      std::vector<GroupSets> sets;
      for (std::size_t i : members) sets.push_back(sets_of(i, peers_));
      std::vector<char> taken(members.size(), 0);
      for (std::size_t a = 0; a < members.size(); ++a) {
        if (taken[a]) continue;
        std::vector<std::size_t> cls{members[a]};
        for (std::size_t b = a + 1; b < members.size(); ++b) {
          if (taken[b] || !(sets[a].in == sets[b].in) || !(sets[a].out == sets[b].out)) continue;
          const SecurityGroup& ga = s.groups[members[a]];
          const SecurityGroup& gb = s.groups[members[b]];
          for (Direction d : {Direction::Ingress, Direction::Egress})
            if (!sg_equivalent(rules_as_template(ga, d), rules_as_template(gb, d)))
              throw std::logic_error(
                  fmt::format("internal error: {} and {} have equal sets but are not equivalent", ga.id, gb.id));
          taken[b] = 1;
          cls.push_back(members[b]);
        }
        if (cls.size() > 1) found.push_back(std::move(cls));
      }
    }
  auto keep_first = [&](std::size_t a, std::size_t b) {
    const SecurityGroup& ga = s.groups[a];
    const SecurityGroup& gb = s.groups[b];
    if (ga.is_default() != gb.is_default()) return ga.is_default();
    std::size_t na = usage_[a].interfaces.size() + usage_[a].consumers.size();
    std::size_t nb = usage_[b].interfaces.size() + usage_[b].consumers.size();
    if (na != nb) return na > nb;
    return id_before(ga.id, gb.id);
  };
  for (auto& cls : found) {
    std::sort(cls.begin(), cls.end(), keep_first);
    std::sort(cls.begin() + 1, cls.end(),
              [&](std::size_t a, std::size_t b) { return id_before(s.groups[a].id, s.groups[b].id); });
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
    return *std::min_element(a.begin(), a.end()) < *std::min_element(b.begin(), b.end());
  });
  for (const auto& cls : found) {
    DuplicateClass dc;
    for (std::size_t i : cls) {
      class_of_[i] = static_cast<int>(classes_.size());
      dc.members.push_back(&s.groups[i]);
    }
    classes_.push_back(std::move(dc));
  }
}

void AccountHygiene::find_tighter(unsigned threads) {
  const Snapshot& s = snapshot_;
  // One item per tighter candidate `a` (its pairs are adjacent), judged by a worker with its own
  // copy of the table; the results land in the item's slot and are gathered in input order.
  std::vector<std::size_t> starts;
  for (std::size_t k = 0; k < candidates_.size(); ++k)
    if (k == 0 || candidates_[k].first != candidates_[k - 1].first) starts.push_back(k);
  std::vector<std::vector<TighterGroup>> found_by(starts.size());
  run_workers(starts.size(), threads, [&](ItemQueue& items) {
    PeerTable peers = peers_;
    for (std::size_t item; items.next(item);) {
      const std::size_t end = item + 1 < starts.size() ? starts[item + 1] : candidates_.size();
      const SecurityGroup& a = s.groups[candidates_[starts[item]].first];
      const GroupSets mine = sets_of(candidates_[starts[item]].first, peers);
      for (std::size_t k = starts[item]; k < end; ++k) {
        const SecurityGroup& b = s.groups[candidates_[k].second];
        const GroupSets theirs = sets_of(candidates_[k].second, peers);
        if (!mine.in.subset_of(theirs.in) || !mine.out.subset_of(theirs.out)) continue;
        if (mine.in == theirs.in && mine.out == theirs.out) continue;  // a duplicate, not tighter
        // A witness as the real rules see it: the looser group allows it, the tighter does not.
        std::optional<TighterGroup> found;
        for (Direction d : {Direction::Ingress, Direction::Egress}) {
          PacketSet more = theirs.of(d).subtract(mine.of(d));
          if (more.empty() || found) continue;
          std::vector<std::optional<Packet>> witnesses{more.kind_slice(kPeerIpv4).witness(peers),
                                                       more.kind_slice(kPeerIpv6).witness(peers),
                                                       typical_witness(more, peers)};
          for (const auto& c : witnesses) {
            if (!c) continue;
            Packet p = real_packet(*c, b.id);
            if (sg_allows(b.rules(d), p) && !sg_allows(a.rules(d), p)) {
              found = TighterGroup{&a, &b, d, p};
              break;
            }
          }
        }
        if (found) found_by[item].push_back(*found);  // else looser only as templates: not claimed
      }
    }
  });
  for (std::size_t item = 0; item < starts.size(); ++item)
    for (TighterGroup& t : found_by[item]) {
      tighter_of_[candidates_[starts[item]].first].push_back(tighter_.size());
      tighter_.push_back(std::move(t));
    }
}

void AccountHygiene::find_loads(int groups_limit) {
  const Snapshot& s = snapshot_;
  for (const NetworkInterface& eni : s.interfaces) {
    InterfaceLoad load;
    load.eni = &eni;
    load.groups = static_cast<int>(eni.group_ids.size());
    load.groups_limit = groups_limit;
    const SecurityGroup* first = nullptr;
    for (const std::string& id : eni.group_ids) {
      const SecurityGroup* g = s.find_group(id);
      if (!g) continue;
      if (!first) first = g;
      SgQuota q = count_sg_quota(*g, &s);
      for (const QuotaBucket& b : kQuotaBuckets) {
        int used = q.used[static_cast<std::size_t>(bucket_index(b.direction, b.family))];
        if (used > load.largest_bucket) {
          load.largest_bucket = used;
          load.largest_bucket_of = fmt::format("{} {}", g->id, bucket_name(b.direction, b.family));
        }
      }
    }
    load.near_groups = load.groups * 10 >= groups_limit * 9;
    load.near_product = load.groups * load.largest_bucket * 10 >= kRulesTimesGroupsCap * 9;
    if (!first || (!load.near_groups && !load.near_product)) continue;
    loads_of_[static_cast<std::size_t>(first - s.groups.data())].push_back(loads_.size());
    loads_.push_back(std::move(load));
  }
}

}  // namespace sgopt
