// Quota planning: widenings and splits.
#include "passes/transforms/quota_plan.h"

#include "model/cidr_cover.h"
#include "model/match.h"
#include "model/protocol.h"
#include "model/quota.h"
#include "solver/regions.h"
#include "solver/rule_sets.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <tuple>

namespace sgopt {

namespace {

constexpr std::size_t kRegionsShown = 5;

bool is_family_cidr(const SgRule& r, Family f) { return r.peer.is_cidr() && r.peer.cidr.family == f; }

int bucket_weight(const std::vector<SgRule>& rules, Family f, const Snapshot* snapshot) {
  int n = 0;
  for (const SgRule& r : rules)
    if (rule_family(r, snapshot) == f) n += rule_weight(r, snapshot);
  return n;
}

// Fills in what a widened rule list admits beyond the original, exactly.
WideningPlan finish(std::string how, std::vector<SgRule> rules, const std::vector<SgRule>& original, Family f,
                    const Snapshot* snapshot) {
  WideningPlan p;
  p.how = std::move(how);
  PeerTable peers;
  PacketSet before = sg_set(original, peers);
  PacketSet after = sg_set(rules, peers);
  p.superset = before.subset_of(after);
  PacketSet added = after.subtract(before);
  p.extra = added.count();
  std::vector<Region> regions = regions_of(added);
  p.added_regions = regions.size();
  for (std::size_t i = 0; i < regions.size() && i < kRegionsShown; ++i)
    p.added.push_back(region_text(regions[i], peers));
  p.bucket_rules = bucket_weight(rules, f, snapshot);
  p.rules = std::move(rules);
  return p;
}

BigCount big(u128 v) {
  BigCount b = BigCount(static_cast<std::uint64_t>(v >> 64)) << 64;
  return b + static_cast<std::uint64_t>(v);
}

// Points one address of a service allows (ports x protocols).
BigCount points_per_address(const MatchBox& m) {
  return PacketSet::from_box(kind_box(kPeerIpv4, 0, 0, m.proto_lo, m.proto_hi, m.port_lo, m.port_hi)).count();
}

// Per service, the CIDR list joined by an optimal K-prefix cover; K per service by a knapsack.
std::optional<WideningPlan> widen_addresses(const std::vector<SgRule>& rules, Family f, int budget,
                                            const Snapshot* snapshot) {
  std::vector<std::size_t> service_rep;  // a rule of each service, first-seen order
  std::vector<std::vector<Cidr>> service_cidrs;
  std::map<std::tuple<int, int, int, int>, std::size_t> index;
  int fixed = 0;  // bucket weight that widening cannot reduce
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const SgRule& r = rules[i];
    if (rule_family(r, snapshot) != f) continue;
    if (!is_family_cidr(r, f)) {
      fixed += rule_weight(r, snapshot);
      continue;
    }
    MatchBox m = sg_rule_match(r);
    auto [it, added] = index.emplace(std::make_tuple(m.proto_lo, m.proto_hi, m.port_lo, m.port_hi), service_rep.size());
    if (added) {
      service_rep.push_back(i);
      service_cidrs.emplace_back();
    }
    service_cidrs[it->second].push_back(r.peer.cidr);
  }
  const int slots = budget - fixed;
  if (slots < static_cast<int>(service_rep.size()) || service_rep.empty()) return std::nullopt;
  // cost[s][k-1]: points added when service s gets k prefixes.
  std::vector<std::vector<Cidr>> exact(service_rep.size());
  std::vector<std::vector<BigCount>> cost(service_rep.size());
  for (std::size_t s = 0; s < service_rep.size(); ++s) {
    std::vector<AddressRange> ranges;
    for (const Cidr& c : service_cidrs[s]) ranges.push_back({f, c.first(), c.last()});
    exact[s] = exact_cover(ranges);
    BigCount per = points_per_address(sg_rule_match(rules[service_rep[s]]));
    std::size_t top = std::min<std::size_t>(exact[s].size(), static_cast<std::size_t>(slots));
    for (std::size_t k = 1; k <= top; ++k) {
      cost[s].push_back(big(optimal_k_cover(exact[s], k).extra) * per);
    }
  }
  // best[j]: least points with j prefixes over the services so far; choice[s][j]: k for service s.
  const auto width = static_cast<std::size_t>(slots) + 1;
  std::vector<std::optional<BigCount>> best(width);
  best[0] = BigCount(0);
  std::vector<std::vector<std::size_t>> choice(service_rep.size(), std::vector<std::size_t>(width, 0));
  for (std::size_t s = 0; s < service_rep.size(); ++s) {
    std::vector<std::optional<BigCount>> next(width);
    for (std::size_t j = 0; j < width; ++j) {
      if (!best[j]) continue;
      for (std::size_t k = 1; k <= cost[s].size() && j + k < width; ++k) {
        BigCount v = *best[j] + cost[s][k - 1];
        if (!next[j + k] || v < *next[j + k]) {
          next[j + k] = v;
          choice[s][j + k] = k;
        }
      }
    }
    best = std::move(next);
  }
  std::size_t end = width;
  for (std::size_t j = 0; j < width; ++j)
    if (best[j] && (end == width || *best[j] < *best[end])) end = j;
  if (end == width) return std::nullopt;
  std::vector<std::size_t> k_of(service_rep.size());
  for (std::size_t s = service_rep.size(); s-- > 0;) {
    k_of[s] = choice[s][end];
    end -= k_of[s];
  }
  std::vector<SgRule> out;
  for (const SgRule& r : rules)
    if (!(rule_family(r, snapshot) == f && is_family_cidr(r, f))) out.push_back(r);
  for (std::size_t s = 0; s < service_rep.size(); ++s) {
    KCover kc = optimal_k_cover(exact[s], k_of[s]);
    for (const CoverPrefix& p : kc.prefixes) {
      SgRule r = rules[service_rep[s]];
      r.peer.cidr = p.cidr;
      r.source.rule_id.clear();
      r.source.raw_json.clear();
      r.source.description =
          p.extra == 0 ? "" : fmt::format("widened to fit quota: adds {} addresses", u128_to_string(p.extra));
      auto same = std::find_if(rules.begin(), rules.end(), [&](const SgRule& o) {
        return o.peer == r.peer && o.protocol == r.protocol && o.from_port == r.from_port && o.to_port == r.to_port;
      });
      out.push_back(same != rules.end() ? *same : r);
    }
  }
  return finish("addresses", std::move(out), rules, f, snapshot);
}

// On each CIDR, tcp/udp port ranges joined across their cheapest gaps (each join saves one rule).
std::optional<WideningPlan> widen_ports(const std::vector<SgRule>& rules, Family f, int budget,
                                        const Snapshot* snapshot) {
  int need = bucket_weight(rules, f, snapshot) - budget;
  if (need <= 0) return std::nullopt;
  // (cidr, protocol) -> rule indices sorted by port
  std::map<std::tuple<u128, int, int>, std::vector<std::size_t>> lines;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const SgRule& r = rules[i];
    if (is_family_cidr(r, f) && is_port_protocol(r.protocol))
      lines[{r.peer.cidr.addr, r.peer.cidr.len, r.protocol}].push_back(i);
  }
  struct Join {
    BigCount cost;
    std::size_t left, right;  // rule indices: left's range grows to right's end, right goes
  };
  std::vector<Join> joins;
  for (auto& [key, idx] : lines) {
    std::sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) {
      return sg_rule_match(rules[a]).port_lo < sg_rule_match(rules[b]).port_lo;
    });
    u128 size = cidr_size(rules[idx[0]].peer.cidr);  // 0 stands for 2^128 (::/0)
    BigCount addresses = size == 0 ? BigCount(1) << 128 : big(size);
    for (std::size_t k = 0; k + 1 < idx.size(); ++k) {
      int gap = sg_rule_match(rules[idx[k + 1]]).port_lo - sg_rule_match(rules[idx[k]]).port_hi - 1;
      joins.push_back({addresses * gap, idx[k], idx[k + 1]});
    }
  }
  if (static_cast<int>(joins.size()) < need) return std::nullopt;
  std::stable_sort(joins.begin(), joins.end(), [](const Join& a, const Join& b) { return a.cost < b.cost; });
  std::vector<bool> gone(rules.size(), false);
  std::vector<int> hi(rules.size());
  for (std::size_t i = 0; i < rules.size(); ++i) hi[i] = sg_rule_match(rules[i]).port_hi;
  // Joins chain left to right: the run's first rule takes the last joined end.
  std::vector<std::size_t> head(rules.size());
  for (std::size_t i = 0; i < rules.size(); ++i) head[i] = i;
  std::vector<Join> chosen(joins.begin(), joins.begin() + need);
  std::sort(chosen.begin(), chosen.end(), [&](const Join& a, const Join& b) {
    return sg_rule_match(rules[a.left]).port_lo < sg_rule_match(rules[b.left]).port_lo;
  });
  for (const Join& j : chosen) {
    std::size_t h = head[j.left];
    hi[h] = std::max(hi[h], hi[j.right]);
    gone[j.right] = true;
    head[j.right] = h;
  }
  std::vector<SgRule> out;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    if (gone[i]) continue;
    SgRule r = rules[i];
    if (is_port_protocol(r.protocol) && hi[i] != sg_rule_match(r).port_hi) {
      r.to_port = hi[i];
      r.from_port = sg_rule_match(rules[i]).port_lo;
      r.source.rule_id.clear();
      r.source.raw_json.clear();
      r.source.description = fmt::format("widened to fit quota: ports {}-{}", *r.from_port, hi[i]);
    }
    out.push_back(std::move(r));
  }
  return finish("ports", std::move(out), rules, f, snapshot);
}

}  // namespace

std::vector<WideningPlan> widening_plans(const std::vector<SgRule>& rules, Family family, int budget,
                                         const Snapshot* snapshot) {
  std::vector<WideningPlan> plans;
  if (bucket_weight(rules, family, snapshot) <= budget) return plans;
  if (auto p = widen_addresses(rules, family, budget, snapshot)) plans.push_back(std::move(*p));
  if (auto p = widen_ports(rules, family, budget, snapshot)) plans.push_back(std::move(*p));
  // Widening only ever adds; a plan that lost anything would be a bug, and is not offered.
  plans.erase(std::remove_if(plans.begin(), plans.end(), [](const WideningPlan& p) { return !p.superset; }),
              plans.end());
  std::stable_sort(plans.begin(), plans.end(),
                   [](const WideningPlan& a, const WideningPlan& b) { return a.extra < b.extra; });
  return plans;
}

SplitPlan split_plan(const SecurityGroup& group, const std::vector<SgRule>& rules, Family family, int quota,
                     const Snapshot& snapshot) {
  constexpr int kGroupsPerInterface = 5;
  constexpr int kProductLimit = 1000;
  SplitPlan plan;
  plan.parts.emplace_back();
  int used = 0;
  for (const SgRule& r : rules) {
    if (rule_family(r, &snapshot) != family) {
      plan.parts[0].push_back(r);
      continue;
    }
    int w = rule_weight(r, &snapshot);
    if (used + w > quota && used > 0) {
      plan.parts.emplace_back();
      used = 0;
    }
    plan.parts.back().push_back(r);
    used += w;
  }
  const int extra_groups = static_cast<int>(plan.parts.size()) - 1;
  if (static_cast<int>(plan.parts.size()) > kGroupsPerInterface) {
    plan.fits = false;
    plan.why =
        fmt::format("{} groups are more than an interface may carry ({})", plan.parts.size(), kGroupsPerInterface);
  }
  for (const NetworkInterface* eni : snapshot.interfaces_with_group(group.id)) {
    plan.interfaces.push_back(eni->id);
    int groups = static_cast<int>(eni->group_ids.size()) + extra_groups;
    if (groups > kGroupsPerInterface && plan.fits) {
      plan.fits = false;
      plan.why = fmt::format("{} would carry {} groups (limit {})", eni->id, groups, kGroupsPerInterface);
    } else if (quota * groups > kProductLimit && plan.fits) {
      plan.fits = false;
      plan.why =
          fmt::format("{}: {} rules x {} groups exceeds AWS's limit of {}", eni->id, quota, groups, kProductLimit);
    }
  }
  return plan;
}

}  // namespace sgopt
