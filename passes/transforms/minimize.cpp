// Minimization: the rule-box cover, its proof, and NACL entry reduction.
//
// The cover problem for one peer kind: the allowed set is a union of address rows (maximal CIDR
// blocks with one service set each). A rule is a block x an AWS service ("-1", one protocol with a
// port range, an ICMP type or type/code). Any cover can be turned into one of maximal boxes of the
// same size, so the candidates are: for every gap-free block P above some row, the maximal services
// inside the intersection of the service sets of P's rows. The universe is the set of cells (row x
// elementary service piece); a greedy cover gives an upper bound, a fooling set a lower bound, and
// a bounded branch and bound closes the gap where it can.
#include "passes/transforms/minimize.h"

#include "model/cidr_cover.h"
#include "model/match.h"
#include "model/protocol.h"
#include "model/quota.h"
#include "model/rule_text.h"
#include "solver/encoding.h"
#include "solver/rule_sets.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <map>
#include <numeric>
#include <optional>
#include <queue>
#include <set>
#include <tuple>

namespace sgopt {

const char* proof_name(Proof p) {
  switch (p) {
    case Proof::Unchanged: return "unchanged";
    case Proof::Proved: return "proved (native engine and Z3)";
    case Proof::NativeOnly: return "proved (native engine)";
    case Proof::Failed: return "not proven";
  }
  return "?";
}

namespace {

// ----- services: what a set allows at one address, per protocol -----

int max_key(int proto) { return has_port_key(proto) ? kMaxPortKey : 0; }

struct Piece {
  int proto, lo, hi;
  bool operator==(const Piece&) const = default;
  bool operator<(const Piece& o) const { return std::tie(proto, lo, hi) < std::tie(o.proto, o.lo, o.hi); }
};
using Service = std::vector<Piece>;  // sorted, disjoint, adjacent pieces merged

bool is_universe(const Service& s) {
  if (s.size() != 256) return false;
  for (int p = 0; p < 256; ++p) {
    const Piece& x = s[static_cast<std::size_t>(p)];
    if (x.proto != p || x.lo != 0 || x.hi != max_key(p)) return false;
  }
  return true;
}

Service intersect(const Service& a, const Service& b) {
  Service out;
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    const Piece &x = a[i], &y = b[j];
    if (x.proto != y.proto) {
      (x.proto < y.proto ? i : j)++;
      continue;
    }
    int lo = std::max(x.lo, y.lo), hi = std::min(x.hi, y.hi);
    if (lo <= hi) out.push_back({x.proto, lo, hi});
    (x.hi < y.hi ? i : j)++;
  }
  return out;
}

Service subtract(const Service& a, const Service& b) {
  Service out;
  std::size_t j = 0;
  for (Piece x : a) {
    while (j < b.size() && (b[j].proto < x.proto || (b[j].proto == x.proto && b[j].hi < x.lo))) ++j;
    std::size_t k = j;
    while (k < b.size() && b[k].proto == x.proto && b[k].lo <= x.hi) {
      if (b[k].lo > x.lo) out.push_back({x.proto, x.lo, b[k].lo - 1});
      x.lo = std::max(x.lo, b[k].hi + 1);
      ++k;
    }
    if (x.lo <= x.hi) out.push_back(x);
  }
  return out;
}

Service unite(Service a, const Service& b) {
  a.insert(a.end(), b.begin(), b.end());
  std::sort(a.begin(), a.end());
  Service out;
  for (const Piece& x : a) {
    if (!out.empty() && out.back().proto == x.proto && out.back().hi + 1 >= x.lo)
      out.back().hi = std::max(out.back().hi, x.hi);
    else
      out.push_back(x);
  }
  return out;
}

// The services one rule can name that are maximal inside s (as match boxes; ports 0-65535 for
// protocols without ports, as rules state them).
std::vector<MatchBox> max_atoms(const Service& s) {
  if (is_universe(s)) return {MatchBox{}};
  std::vector<MatchBox> out;
  for (std::size_t i = 0; i < s.size();) {
    int p = s[i].proto;
    std::size_t j = i;
    while (j < s.size() && s[j].proto == p) ++j;
    if (!has_port_key(p)) {
      out.push_back({p, p, 0, kMaxPortKey});
    } else if (is_port_protocol(p) || (j - i == 1 && s[i].lo == 0 && s[i].hi == kMaxPortKey)) {
      for (std::size_t k = i; k < j; ++k) out.push_back({p, p, s[k].lo, s[k].hi});
    } else {  // icmp: whole types, and single type/code keys of partial types
      for (std::size_t k = i; k < j; ++k) {
        for (int t = s[k].lo / 256; t <= s[k].hi / 256; ++t) {
          int tlo = t * 256, thi = tlo + 255;
          if (s[k].lo <= tlo && thi <= s[k].hi) {
            out.push_back({p, p, tlo, thi});
          } else {
            for (int key = std::max(s[k].lo, tlo); key <= std::min(s[k].hi, thi); ++key)
              out.push_back({p, p, key, key});
          }
        }
      }
    }
    i = j;
  }
  return out;
}

// Service of consecutive boxes sharing one address interval.
Service service_of(const std::vector<Box>& boxes, std::size_t lo, std::size_t hi) {
  Service s;
  for (std::size_t i = lo; i < hi; ++i)
    for (int p = boxes[i].proto_lo; p <= boxes[i].proto_hi; ++p) {
      int klo = boxes[i].port_lo, khi = std::min(boxes[i].port_hi, max_key(p));
      if (klo <= khi) s.push_back({p, klo, khi});
    }
  std::sort(s.begin(), s.end());
  Service merged;
  for (const Piece& x : s) {
    if (!merged.empty() && merged.back().proto == x.proto && merged.back().hi + 1 >= x.lo)
      merged.back().hi = std::max(merged.back().hi, x.hi);
    else
      merged.push_back(x);
  }
  return merged;
}

// ----- the set cover -----

struct CoverProblem {
  std::vector<std::vector<int>> cells_of;  // per candidate: the cells it covers
  std::vector<bool> preferred;             // per candidate: a rule the user already has
  int cells = 0;
};

struct CoverSolution {
  std::vector<int> chosen;
  int lower_bound = 0;
  bool exact = false;
};

// Cells that pairwise share no candidate: each needs its own rule. Cells in `order`, first fit.
int fooling_set(const std::vector<std::vector<int>>& boxes_of, const std::vector<int>& order,
                const std::vector<char>* skip, std::vector<char>& marked) {
  std::fill(marked.begin(), marked.end(), 0);
  int n = 0;
  for (int c : order) {
    if (skip && (*skip)[static_cast<std::size_t>(c)]) continue;
    const auto& bs = boxes_of[static_cast<std::size_t>(c)];
    if (std::any_of(bs.begin(), bs.end(), [&](int b) { return marked[static_cast<std::size_t>(b)]; })) continue;
    for (int b : bs) marked[static_cast<std::size_t>(b)] = 1;
    ++n;
  }
  return n;
}

class CoverSolver {
 public:
  explicit CoverSolver(const CoverProblem& p) : p_(p) {
    boxes_of_.resize(static_cast<std::size_t>(p.cells));
    for (std::size_t b = 0; b < p.cells_of.size(); ++b)
      for (int c : p.cells_of[b]) boxes_of_[static_cast<std::size_t>(c)].push_back(static_cast<int>(b));
    order_.resize(static_cast<std::size_t>(p.cells));
    std::iota(order_.begin(), order_.end(), 0);
    std::stable_sort(order_.begin(), order_.end(), [&](int a, int b) {
      return boxes_of_[static_cast<std::size_t>(a)].size() < boxes_of_[static_cast<std::size_t>(b)].size();
    });
    marked_.assign(p.cells_of.size(), 0);
  }

  CoverSolution solve(long work_budget) {
    CoverSolution s;
    best_ = greedy();
    s.lower_bound = fooling_set(boxes_of_, order_, nullptr, marked_);
    if (static_cast<int>(best_.size()) > s.lower_bound) {
      budget_ = work_budget;
      covered_.assign(static_cast<std::size_t>(p_.cells), 0);
      std::vector<int> chosen;
      search(chosen);
      if (budget_ >= 0) s.lower_bound = static_cast<int>(best_.size());
    } else {
      s.lower_bound = static_cast<int>(best_.size());
    }
    s.exact = static_cast<int>(best_.size()) <= s.lower_bound;
    s.chosen = best_;
    std::sort(s.chosen.begin(), s.chosen.end());
    return s;
  }

 private:
  // Largest uncovered count first; ties to the user's own rules, then the lower index.
  std::vector<int> greedy() {
    std::vector<char> covered(static_cast<std::size_t>(p_.cells), 0);
    std::vector<int> gain(p_.cells_of.size());
    using Key = std::tuple<int, int, int>;  // gain, preferred, -index
    std::priority_queue<Key> heap;
    for (std::size_t b = 0; b < p_.cells_of.size(); ++b) {
      gain[b] = static_cast<int>(p_.cells_of[b].size());
      heap.push({gain[b], p_.preferred[b] ? 1 : 0, -static_cast<int>(b)});
    }
    std::vector<int> chosen;
    int left = p_.cells;
    while (left > 0 && !heap.empty()) {
      auto [g, pref, nb] = heap.top();
      heap.pop();
      auto b = static_cast<std::size_t>(-nb);
      int now = 0;
      for (int c : p_.cells_of[b]) now += covered[static_cast<std::size_t>(c)] ? 0 : 1;
      if (now != g) {
        if (now > 0) heap.push({now, pref, nb});
        continue;
      }
      chosen.push_back(static_cast<int>(b));
      for (int c : p_.cells_of[b])
        if (!covered[static_cast<std::size_t>(c)]) {
          covered[static_cast<std::size_t>(c)] = 1;
          --left;
        }
    }
    // Drop rules the later ones made redundant, last chosen first.
    std::vector<int> count(static_cast<std::size_t>(p_.cells), 0);
    for (int b : chosen)
      for (int c : p_.cells_of[static_cast<std::size_t>(b)]) ++count[static_cast<std::size_t>(c)];
    std::vector<int> kept;
    for (auto it = chosen.rbegin(); it != chosen.rend(); ++it) {
      const auto& cs = p_.cells_of[static_cast<std::size_t>(*it)];
      if (std::all_of(cs.begin(), cs.end(), [&](int c) { return count[static_cast<std::size_t>(c)] > 1; })) {
        for (int c : cs) --count[static_cast<std::size_t>(c)];
      } else {
        kept.push_back(*it);
      }
    }
    std::reverse(kept.begin(), kept.end());
    return kept;
  }

  // Branch on the uncovered cell with the fewest candidates; bound with a fooling set of the rest.
  void search(std::vector<int>& chosen) {
    if (budget_ < 0) return;
    budget_ -= static_cast<long>(p_.cells);
    int branch_cell = -1;
    for (int c : order_)
      if (!covered_[static_cast<std::size_t>(c)]) {
        branch_cell = c;
        break;
      }
    if (branch_cell < 0) {
      if (chosen.size() < best_.size()) best_ = chosen;
      return;
    }
    std::vector<char> skip(static_cast<std::size_t>(p_.cells));
    for (int c = 0; c < p_.cells; ++c)
      skip[static_cast<std::size_t>(c)] = covered_[static_cast<std::size_t>(c)] ? 1 : 0;
    int lb = fooling_set(boxes_of_, order_, &skip, marked_);
    if (static_cast<int>(chosen.size()) + lb >= static_cast<int>(best_.size())) return;
    std::vector<int> options = boxes_of_[static_cast<std::size_t>(branch_cell)];
    std::stable_sort(options.begin(), options.end(), [&](int a, int b) {
      if (p_.preferred[static_cast<std::size_t>(a)] != p_.preferred[static_cast<std::size_t>(b)])
        return p_.preferred[static_cast<std::size_t>(a)] > p_.preferred[static_cast<std::size_t>(b)];
      return p_.cells_of[static_cast<std::size_t>(a)].size() > p_.cells_of[static_cast<std::size_t>(b)].size();
    });
    for (int b : options) {
      for (int c : p_.cells_of[static_cast<std::size_t>(b)]) ++covered_[static_cast<std::size_t>(c)];
      chosen.push_back(b);
      search(chosen);
      chosen.pop_back();
      for (int c : p_.cells_of[static_cast<std::size_t>(b)]) --covered_[static_cast<std::size_t>(c)];
      if (budget_ < 0) return;
    }
  }

  const CoverProblem& p_;
  std::vector<std::vector<int>> boxes_of_;
  std::vector<int> order_;
  std::vector<char> marked_;
  std::vector<int> covered_;
  std::vector<int> best_;
  long budget_ = 0;
};

// ----- rows, candidates and cells of one kind -----

struct Row {
  u128 lo, hi;          // a maximal CIDR block of one segment (or the symbolic peer's point)
  std::size_t service;  // index into services
};

struct Candidate {
  u128 lo, hi;
  MatchBox atom;
  std::size_t row_lo, row_hi;  // rows inside: [row_lo, row_hi)
};

bool atom_in(const Service& s, const MatchBox& a) {
  if (a == MatchBox{}) return is_universe(s);
  for (int p = a.proto_lo; p <= a.proto_hi; ++p) {
    int lo = a.port_lo, hi = std::min(a.port_hi, max_key(p));
    auto it = std::upper_bound(s.begin(), s.end(), Piece{p, lo, kMaxPortKey + 1});
    if (it == s.begin()) return false;
    --it;
    if (it->proto != p || it->lo > lo || it->hi < hi) return false;
  }
  return true;
}

// The block one bit shorter that holds c (c.len > 0).
Cidr parent_block(const Cidr& c) {
  return Cidr{c.family, c.addr & ~(cidr_size(Cidr{c.family, 0, c.len - 1}) - 1), c.len - 1};
}

// Two rule boxes holding the same packets (ports do not matter for protocols without them).
bool same_region(const Box& a, const Box& b) {
  if (a.kind_lo != b.kind_lo || a.kind_hi != b.kind_hi || a.addr_lo != b.addr_lo || a.addr_hi != b.addr_hi ||
      a.proto_lo != b.proto_lo || a.proto_hi != b.proto_hi)
    return false;
  if (a.proto_lo == a.proto_hi && !has_port_key(a.proto_lo)) return true;
  return a.port_lo == b.port_lo && a.port_hi == b.port_hi;
}

}  // namespace

RuleCover min_rule_cover(const PacketSet& set, Family family, const std::vector<Box>& preferred) {
  RuleCover result;
  const PeerKind kind = kind_of(family);
  std::vector<Box> boxes = set.kind_slice(kind).boxes();
  if (boxes.empty()) {
    result.exact = true;
    return result;
  }

  // Rows: each address segment's maximal CIDR blocks, with the segment's service.
  std::vector<Service> services;
  std::map<Service, std::size_t> service_index;
  std::vector<Row> rows;
  std::vector<std::pair<u128, u128>> runs;  // maximal gap-free address runs
  for (std::size_t i = 0; i < boxes.size();) {
    std::size_t j = i;
    while (j < boxes.size() && boxes[j].addr_lo == boxes[i].addr_lo) ++j;
    Service s = service_of(boxes, i, j);
    auto [it, added] = service_index.emplace(s, services.size());
    if (added) services.push_back(std::move(s));
    u128 lo = boxes[i].addr_lo, hi = boxes[i].addr_hi;
    if (!runs.empty() && runs.back().second + 1 == lo && runs.back().second != max_address_of(kind))
      runs.back().second = hi;
    else
      runs.push_back({lo, hi});
    std::vector<Cidr> blocks;
    append_range_cidrs(family, lo, hi, blocks);
    for (const Cidr& c : blocks) rows.push_back({c.first(), c.last(), it->second});
    i = j;
  }

  auto rows_in = [&](u128 lo, u128 hi) {
    auto a = std::lower_bound(rows.begin(), rows.end(), lo, [](const Row& r, u128 x) { return r.lo < x; });
    auto b = std::upper_bound(rows.begin(), rows.end(), hi, [](u128 x, const Row& r) { return x < r.lo; });
    return std::pair<std::size_t, std::size_t>(static_cast<std::size_t>(a - rows.begin()),
                                               static_cast<std::size_t>(b - rows.begin()));
  };
  auto gap_free = [&](u128 lo, u128 hi) {
    auto it = std::upper_bound(runs.begin(), runs.end(), lo, [](u128 x, const auto& r) { return x < r.first; });
    if (it == runs.begin()) return false;
    --it;
    return it->first <= lo && hi <= it->second;
  };

  // Candidate blocks: rows and every gap-free block above them, deepest first.
  std::set<std::pair<int, u128>> blocks;  // (-len, first): deepest first
  for (const Row& r : rows) {
    Cidr c = exact_cover({{family, r.lo, r.hi}}).front();  // the row is one block
    while (blocks.insert({-c.len, c.addr}).second && c.len > 0) {
      Cidr parent = parent_block(c);
      if (!gap_free(parent.first(), parent.last())) break;
      c = parent;
    }
  }
  // Shallowest blocks first, so that a block's parent service is known when its atoms are made.
  std::vector<Candidate> cands;
  std::map<std::pair<int, u128>, Service> common;  // block -> intersection of its rows' services
  for (auto bit = blocks.rbegin(); bit != blocks.rend(); ++bit) {
    const auto& key = *bit;
    int len = -key.first;
    u128 lo = key.second;
    u128 hi = Cidr{family, lo, len}.last();
    auto [rlo, rhi] = rows_in(lo, hi);
    Service s = services[rows[rlo].service];
    for (std::size_t r = rlo + 1; r < rhi; ++r)
      if (rows[r].service != rows[r - 1].service) s = intersect(s, services[rows[r].service]);
    const Service* parent = nullptr;
    if (len > 0) {
      Cidr up = parent_block(Cidr{family, lo, len});
      auto it = common.find({-up.len, up.addr});
      if (it != common.end()) parent = &it->second;
    }
    // An atom the parent block also allows belongs to a larger box.
    for (const MatchBox& a : max_atoms(s))
      if (!parent || !atom_in(*parent, a)) cands.push_back({lo, hi, a, rlo, rhi});
    common.emplace(key, std::move(s));
  }

  // Cells: each row's service cut at every candidate boundary.
  std::map<int, std::set<int>> cuts;  // protocol -> starts of elementary pieces
  for (const Service& s : services)
    for (const Piece& x : s) {
      cuts[x.proto].insert(x.lo);
      cuts[x.proto].insert(x.hi + 1);
    }
  for (const Candidate& c : cands)
    if (!(c.atom == MatchBox{}))
      for (int p = c.atom.proto_lo; p <= c.atom.proto_hi; ++p) {
        cuts[p].insert(c.atom.port_lo);
        cuts[p].insert(std::min(c.atom.port_hi, max_key(p)) + 1);
      }
  std::vector<std::vector<Piece>> service_cells(services.size());
  for (std::size_t si = 0; si < services.size(); ++si)
    for (const Piece& x : services[si]) {
      const auto& cut = cuts[x.proto];
      auto it = cut.upper_bound(x.lo);
      int lo = x.lo;
      while (lo <= x.hi) {
        int hi = (it == cut.end() || *it > x.hi + 1) ? x.hi : *it - 1;
        service_cells[si].push_back({x.proto, lo, hi});
        lo = hi + 1;
        if (it != cut.end()) ++it;
      }
    }
  std::vector<int> row_cell0(rows.size() + 1, 0);
  for (std::size_t r = 0; r < rows.size(); ++r)
    row_cell0[r + 1] = row_cell0[r] + static_cast<int>(service_cells[rows[r].service].size());

  CoverProblem prob;
  prob.cells = row_cell0.back();
  for (const Candidate& c : cands) {
    std::vector<int> cells;
    for (std::size_t r = c.row_lo; r < c.row_hi; ++r) {
      const auto& sc = service_cells[rows[r].service];
      for (std::size_t k = 0; k < sc.size(); ++k) {
        const Piece& x = sc[k];
        bool in =
            c.atom == MatchBox{} || (x.proto >= c.atom.proto_lo && x.proto <= c.atom.proto_hi &&
                                     x.lo >= c.atom.port_lo && x.hi <= std::min(c.atom.port_hi, max_key(x.proto)));
        if (in) cells.push_back(row_cell0[r] + static_cast<int>(k));
      }
    }
    prob.cells_of.push_back(std::move(cells));
    Box b = address_box(family, c.lo, c.hi, c.atom.proto_lo, c.atom.proto_hi, c.atom.port_lo, c.atom.port_hi);
    bool pref = std::any_of(preferred.begin(), preferred.end(), [&](const Box& p) { return same_region(p, b); });
    prob.preferred.push_back(pref);
  }

  CoverSolution sol = CoverSolver(prob).solve(2'000'000);
  for (int i : sol.chosen) {
    const Candidate& c = cands[static_cast<std::size_t>(i)];
    result.boxes.push_back(
        address_box(family, c.lo, c.hi, c.atom.proto_lo, c.atom.proto_hi, c.atom.port_lo, c.atom.port_hi));
  }
  result.lower_bound = sol.lower_bound;
  result.exact = sol.exact;
  return result;
}

namespace {

// ----- members of open references -----

// The services one kind allows at every address: what a reference rule could hold there.
Service full_service(const PacketSet& set, PeerKind k) {
  std::vector<Box> boxes = set.kind_slice(k).boxes();
  Service common;
  u128 next = 0;
  bool first = true;
  for (std::size_t i = 0; i < boxes.size();) {
    std::size_t j = i;
    while (j < boxes.size() && boxes[j].addr_lo == boxes[i].addr_lo) ++j;
    if (boxes[i].addr_lo != next) return {};
    Service here = service_of(boxes, i, j);
    common = first ? here : intersect(common, here);
    first = false;
    if (boxes[i].addr_hi == max_address_of(k)) return common;
    next = boxes[i].addr_hi + 1;
    i = j;
  }
  return {};
}

// A rule's service equals an atom (ports do not matter for protocols without them).
bool same_service(const MatchBox& a, const MatchBox& b) {
  if (a.proto_lo != b.proto_lo || a.proto_hi != b.proto_hi) return false;
  if (a.proto_lo == a.proto_hi && !has_port_key(a.proto_lo)) return true;
  return a.port_lo == b.port_lo && a.port_hi == b.port_hi;
}

bool service_inside(const MatchBox& inner, const MatchBox& outer) {
  if (outer == MatchBox{}) return true;
  if (inner.proto_lo < outer.proto_lo || inner.proto_hi > outer.proto_hi) return false;
  if (inner.proto_lo == inner.proto_hi && !has_port_key(inner.proto_lo)) return true;
  return outer.port_lo <= inner.port_lo && inner.port_hi <= outer.port_hi;
}

struct ServiceCover {
  std::vector<MatchBox> atoms;
  int lower_bound = 0;
  bool exact = false;
};

// The fewest rule services (atoms) inside `allowed` whose union holds `needed` (needed must lie
// inside allowed): the rules one reference needs on top of what the CIDR rules allow.
ServiceCover min_service_cover(const Service& needed, const Service& allowed, const std::vector<MatchBox>& preferred) {
  ServiceCover out;
  if (needed.empty()) {
    out.exact = true;
    return out;
  }
  std::vector<MatchBox> atoms = max_atoms(allowed);
  std::map<int, std::set<int>> cuts;
  for (const Piece& x : needed) {
    cuts[x.proto].insert(x.lo);
    cuts[x.proto].insert(x.hi + 1);
  }
  for (const MatchBox& a : atoms)
    if (!(a == MatchBox{}))
      for (int p = a.proto_lo; p <= a.proto_hi; ++p) {
        cuts[p].insert(a.port_lo);
        cuts[p].insert(std::min(a.port_hi, max_key(p)) + 1);
      }
  std::vector<Piece> cells;
  for (const Piece& x : needed) {
    const auto& cut = cuts[x.proto];
    auto it = cut.upper_bound(x.lo);
    for (int lo = x.lo; lo <= x.hi;) {
      int hi = (it == cut.end() || *it > x.hi + 1) ? x.hi : *it - 1;
      cells.push_back({x.proto, lo, hi});
      lo = hi + 1;
      if (it != cut.end()) ++it;
    }
  }
  CoverProblem prob;
  prob.cells = static_cast<int>(cells.size());
  std::vector<MatchBox> used_atoms;
  for (const MatchBox& a : atoms) {
    std::vector<int> mine;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      const Piece& x = cells[c];
      bool in = a == MatchBox{} || (x.proto >= a.proto_lo && x.proto <= a.proto_hi && x.lo >= a.port_lo &&
                                    x.hi <= std::min(a.port_hi, max_key(x.proto)));
      if (in) mine.push_back(static_cast<int>(c));
    }
    if (mine.empty()) continue;
    prob.cells_of.push_back(std::move(mine));
    prob.preferred.push_back(
        std::any_of(preferred.begin(), preferred.end(), [&](const MatchBox& p) { return same_service(p, a); }));
    used_atoms.push_back(a);
  }
  CoverSolution sol = CoverSolver(prob).solve(2'000'000);
  for (int i : sol.chosen) out.atoms.push_back(used_atoms[static_cast<std::size_t>(i)]);
  out.lower_bound = sol.lower_bound;
  out.exact = sol.exact;
  return out;
}

// The SG rule with this service (its protocol and ports as AWS states them).
SgRule rule_with_service(const MatchBox& m) {
  SgRule r;
  if (m.proto_lo != m.proto_hi) {
    r.protocol = kAllProtocols;
    return r;
  }
  int p = m.proto_lo;
  r.protocol = p;
  if (is_port_protocol(p)) {
    r.from_port = m.port_lo;
    r.to_port = m.port_hi;
  } else if (is_icmp_protocol(p)) {
    if (m.port_lo == 0 && m.port_hi == kMaxPortKey) {
      r.from_port = -1;
      r.to_port = -1;
    } else if (m.port_lo % 256 == 0 && m.port_hi == m.port_lo + 255) {
      r.from_port = m.port_lo / 256;
      r.to_port = -1;
    } else {
      r.from_port = m.port_lo / 256;
      r.to_port = m.port_lo % 256;
    }
  }
  return r;
}

}  // namespace

}  // namespace sgopt

namespace sgopt {

SgRule rule_for_box(const Box& box) {
  SgRule r = rule_with_service(MatchBox{box.proto_lo, box.proto_hi, box.port_lo, box.port_hi});
  r.peer = cidr_peer(exact_cover({{box.family(), box.addr_lo, box.addr_hi}}).front());
  return r;
}

std::string merged_description(const std::vector<const SgRule*>& replaced) {
  constexpr std::size_t kMax = 255;
  auto allowed = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::string_view(" ._-:/()#,@[]+=&;{}!$*").find(c) != std::string_view::npos;
  };
  std::string out = "merged:";
  for (std::size_t i = 0; i < replaced.size(); ++i) {
    std::string text = sg_rule_text(*replaced[i]);
    for (char& c : text)
      if (!allowed(c)) c = ' ';
    std::string more = fmt::format("; and {} more", replaced.size() - i);
    std::string piece = (i == 0 ? " " : "; ") + text;
    bool last = i + 1 == replaced.size();
    if (out.size() + piece.size() + (last ? 0 : more.size()) > kMax) {
      out += i == 0 ? fmt::format(" {} rules", replaced.size()) : more;
      break;
    }
    out += piece;
  }
  return out.substr(0, kMax);
}

namespace {

// Native equality is required; Z3's proof too when asked. Returns the proof and a note.
// z3_equal(ctx) proves the rewrite in the options' session (or a fresh one).
template <class Formula>
std::pair<Proof, std::string> prove(bool native_equal, const MinimizeOptions& o, Formula&& z3_equal) {
  if (!native_equal) return {Proof::Failed, "the rewrite was not equivalent (a bug); left unchanged"};
  if (!o.prove_with_z3) return {Proof::NativeOnly, ""};
  std::optional<ProofSession> own;
  ProofSession* session = o.session;
  if (!session) session = &own.emplace();
  ProofResult r = z3_equal(session->context());
  if (r.status == ProofStatus::Proved) return {Proof::Proved, ""};
  if (r.status == ProofStatus::Refuted)
    return {Proof::Failed,
            fmt::format("Z3 found a difference ({}); left unchanged", r.witness ? r.witness->str() : "no packet")};
  return {Proof::Failed,
          fmt::format("the Z3 proof did not finish within its budget of {} work units ({}); left unchanged",
                      o.z3_work_units, r.reason.empty() ? "unknown" : r.reason)};
}

}  // namespace

MinimizedRules minimize_sg_rules(const std::vector<SgRule>& rules, const std::string& group_id,
                                 const Snapshot* snapshot, const MinimizeOptions& options) {
  // Always the open world: a rewrite must allow the same packets whoever the members of its
  // references are, since members come and go; so references are never replaced by addresses.
  MinimizedRules out;
  PeerTable peers;
  // The open world, keeping what is known of each reference the rules name (a prefix list's
  // family); only those, so that the cost is the group's, not the account's.
  std::vector<Peer> named;
  for (const SgRule& r : rules)
    if (!r.peer.is_cidr()) named.push_back(r.peer);
  const References open = snapshot ? snapshot->references.only(named).open() : References{};
  const References* refs = &open;
  // What each rule is about: CIDRs of one family (member 0) or one open reference (its id).
  struct Key {
    bool cidr;
    Family family;
    PeerKind member;
    bool operator==(const Key&) const = default;
  };
  std::vector<std::vector<Box>> rboxes;
  std::vector<Key> key_of;
  for (const SgRule& r : rules) {
    rboxes.push_back(rule_boxes(r, peers, refs));
    key_of.push_back(r.peer.is_cidr() ? Key{true, r.peer.cidr.family, kNoMember}
                                      : Key{false, Family::V4, peers.member(r.peer.type, r.peer.ref)});
  }
  for (const SgRule& r : rules)
    out.buckets[static_cast<std::size_t>(rule_family(r, snapshot))].before += rule_weight(r, snapshot);
  std::vector<Box> all_boxes;
  for (const auto& bs : rboxes) all_boxes.insert(all_boxes.end(), bs.begin(), bs.end());
  PacketSet allowed = PacketSet::from_boxes(all_boxes);

  // Keys in first-use order; a key whose rules allow nothing disappears.
  std::vector<Key> keys;
  for (const Key& k : key_of)
    if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
  std::vector<std::pair<std::size_t, SgRule>> placed;  // (order key, rule)
  for (const Key& k : keys) {
    std::vector<std::size_t> mine;
    for (std::size_t i = 0; i < rules.size(); ++i)
      if (key_of[i] == k) mine.push_back(i);
    const SgRule& sample = rules[mine.front()];
    const int weight = rule_weight(sample, snapshot);
    auto& bucket = out.buckets[static_cast<std::size_t>(rule_family(sample, snapshot))];
    auto keep_mine = [&] {  // nothing gained: keep the user's rules as written
      for (std::size_t i : mine) placed.push_back({i, rules[i]});
      bucket.after += static_cast<int>(mine.size()) * weight;
    };
    // A new rule names the rules inside it (or, failing that, those it overlaps).
    auto describe = [&](SgRule& r, const std::function<bool(std::size_t, bool)>& replaces) {
      std::vector<const SgRule*> replaced;
      std::size_t order = rules.size();
      for (bool overlap : {false, true}) {
        for (std::size_t i : mine)
          if (replaces(i, overlap)) {
            replaced.push_back(&rules[i]);
            order = std::min(order, i);
          }
        if (!replaced.empty()) break;
      }
      r.source.resource_id = group_id;
      r.source.description = merged_description(replaced);
      placed.push_back({order, std::move(r)});
    };
    std::vector<bool> used(rules.size(), false);
    if (k.cidr) {
      std::vector<Box> preferred;
      for (std::size_t i : mine) preferred.push_back(rboxes[i].front());
      RuleCover cover = min_rule_cover(allowed, k.family, preferred);
      bucket.lower_bound += cover.lower_bound * weight;
      if (cover.boxes.size() >= mine.size()) {
        keep_mine();
        continue;
      }
      bucket.after += static_cast<int>(cover.boxes.size()) * weight;
      for (const Box& b : cover.boxes) {
        auto same = std::find_if(mine.begin(), mine.end(),
                                 [&](std::size_t i) { return !used[i] && same_region(rboxes[i].front(), b); });
        if (same != mine.end()) {
          used[*same] = true;
          placed.push_back({*same, rules[*same]});
          continue;
        }
        PacketSet bs = PacketSet::from_box(b);
        SgRule r = rule_for_box(b);
        describe(r, [&](std::size_t i, bool overlap) {
          PacketSet rs = PacketSet::from_boxes(rboxes[i]);
          return overlap ? bs.intersects(rs) : rs.subset_of(bs);
        });
      }
      continue;
    }
    // An open reference: its rules must hold, on every address, the services its members get
    // beyond what the CIDR rules allow there, and may hold any service its members get.
    const Membership& who = peers.member_info(k.member);
    std::vector<Family> families;
    const ReferenceInfo* info = open.find(who.type, who.id);
    for (Family f : {Family::V4, Family::V6})
      if (!(info && info->family && *info->family != f)) families.push_back(f);
    Service needed, allowed_here;
    bool first = true;
    for (Family f : families) {
      Service members = full_service(allowed, kind_of(f, k.member));
      needed = unite(needed, subtract(members, full_service(allowed, kind_of(f))));
      allowed_here = first ? members : intersect(allowed_here, members);
      first = false;
    }
    std::vector<MatchBox> preferred;
    for (std::size_t i : mine) preferred.push_back(sg_rule_match(rules[i]));
    ServiceCover cover = min_service_cover(needed, allowed_here, preferred);
    bucket.lower_bound += cover.lower_bound * weight;
    if (cover.atoms.size() >= mine.size()) {
      keep_mine();
      continue;
    }
    bucket.after += static_cast<int>(cover.atoms.size()) * weight;
    for (const MatchBox& a : cover.atoms) {
      auto same = std::find_if(mine.begin(), mine.end(),
                               [&](std::size_t i) { return !used[i] && same_service(sg_rule_match(rules[i]), a); });
      if (same != mine.end()) {
        used[*same] = true;
        placed.push_back({*same, rules[*same]});
        continue;
      }
      SgRule r = rule_with_service(a);
      r.peer = sample.peer;
      describe(r, [&](std::size_t i, bool overlap) {
        MatchBox m = sg_rule_match(rules[i]);
        if (!overlap) return service_inside(m, a);
        return m.proto_lo <= a.proto_hi && a.proto_lo <= m.proto_hi && m.port_lo <= a.port_hi && a.port_lo <= m.port_hi;
      });
    }
  }
  std::stable_sort(placed.begin(), placed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<SgRule> result;
  for (auto& [key, r] : placed) result.push_back(std::move(r));

  out.changed = result.size() != rules.size() ||
                !std::equal(result.begin(), result.end(), rules.begin(), [](const SgRule& a, const SgRule& b) {
                  return a.protocol == b.protocol && a.from_port == b.from_port && a.to_port == b.to_port &&
                         a.peer == b.peer && a.source.description == b.source.description;
                });
  auto keep_input = [&](std::string note) {
    out.rules = rules;
    out.changed = false;
    out.note = std::move(note);
    for (auto& b : out.buckets) b.after = b.before;
  };
  if (!out.changed) {
    out.rules = rules;
    return out;
  }
  auto [proof, note] = prove(sg_set(result, peers, refs) == allowed, options, [&](z3::context& ctx) {
    Encoder enc(ctx, peers);
    Prover prover(enc, options.z3_timeout_ms, options.z3_work_units);
    return prover.equal(enc.sg(rules, refs), enc.sg(result, refs));
  });
  out.proof = proof;
  if (proof == Proof::Failed) {
    keep_input(note);
    out.proof = Proof::Failed;
    return out;
  }
  out.rules = std::move(result);
  return out;
}

namespace {

// Two neighbouring entries as one, when they differ in one dimension only and join exactly.
std::optional<NaclEntry> join(const NaclEntry& a, const NaclEntry& b) {
  if (a.allow != b.allow || a.protocol != b.protocol || a.cidr.family != b.cidr.family) return std::nullopt;
  MatchBox ma = nacl_entry_match(a), mb = nacl_entry_match(b);
  NaclEntry j = a;
  if (a.cidr == b.cidr && is_port_protocol(a.protocol) && ma.proto_lo == ma.proto_hi) {
    int lo = std::min(ma.port_lo, mb.port_lo), hi = std::max(ma.port_hi, mb.port_hi);
    if (std::max(ma.port_lo, mb.port_lo) > std::min(ma.port_hi, mb.port_hi) + 1) return std::nullopt;
    j.port_range = PortRange{lo, hi};
    return j;
  }
  if (ma == mb && a.cidr.len == b.cidr.len && a.cidr.len > 0 && a.cidr != b.cidr &&
      parent_block(a.cidr) == parent_block(b.cidr)) {
    j.cidr = parent_block(a.cidr);
    return j;
  }
  return std::nullopt;
}

}  // namespace

MinimizedEntries minimize_nacl_entries(const std::vector<NaclEntry>& entries, const MinimizeOptions& options) {
  MinimizedEntries out;
  out.before = out.after = static_cast<int>(entries.size());
  const PacketSet allowed = nacl_allowed_set(entries);
  std::vector<NaclEntry> cur = entries;
  // Drop entries whose removal changes no decision, last first (each step checked on its own).
  for (std::size_t i = cur.size(); i-- > 0;) {
    if (cur[i].is_default_deny()) continue;
    std::vector<NaclEntry> trial = cur;
    trial.erase(trial.begin() + static_cast<std::ptrdiff_t>(i));
    if (nacl_allowed_set(trial) == allowed) cur = std::move(trial);
  }
  // Join two entries (neighbours or not; the joined entry takes the place of either) while that
  // keeps every decision.
  auto try_join = [&](std::size_t i, std::size_t j) {
    auto joined = join(cur[i], cur[j]);
    if (!joined) return false;
    joined->source.description = "";
    for (std::size_t at : {i, j}) {
      std::vector<NaclEntry> trial = cur;
      trial[at] = *joined;
      trial[at].rule_number = cur[at].rule_number;
      trial.erase(trial.begin() + static_cast<std::ptrdiff_t>(at == i ? j : i));
      if (nacl_allowed_set(trial) == allowed) {
        cur = std::move(trial);
        return true;
      }
    }
    return false;
  };
  for (bool again = true; again;) {
    again = false;
    for (std::size_t i = 0; i < cur.size() && !again; ++i)
      for (std::size_t j = i + 1; j < cur.size() && !again; ++j)
        if (!cur[i].is_default_deny() && !cur[j].is_default_deny()) again = try_join(i, j);
  }
  if (cur.size() == entries.size()) {
    out.entries = entries;
    return out;
  }
  // Renumber with gaps: 100, 200, ... or evenly below 32767 when there are many.
  std::size_t user = 0;
  for (const NaclEntry& e : cur) user += e.is_default_deny() ? 0 : 1;
  int step = static_cast<int>(std::min<std::size_t>(100, 32766 / (user + 1)));
  int n = 0;
  for (NaclEntry& e : cur)
    if (!e.is_default_deny()) e.rule_number = step * ++n;
  auto [proof, note] = prove(nacl_allowed_set(cur) == allowed, options, [&](z3::context& ctx) {
    PeerTable peers;
    Encoder enc(ctx, peers);
    Prover prover(enc, options.z3_timeout_ms, options.z3_work_units);
    return prover.equal(enc.nacl_allows(entries), enc.nacl_allows(cur));
  });
  out.proof = proof;
  out.note = note;
  if (proof == Proof::Failed) {
    out.entries = entries;
    return out;
  }
  out.entries = std::move(cur);
  out.after = static_cast<int>(out.entries.size());
  out.changed = true;
  return out;
}

}  // namespace sgopt
