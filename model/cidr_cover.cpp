// Exact and bounded prefix covers.
#include "model/cidr_cover.h"

#include <algorithm>
#include <cstdint>
#include <limits>

namespace sgopt {

namespace {

int bit_length(u128 x) {
  int n = 0;
  auto hi = static_cast<std::uint64_t>(x >> 64);
  if (hi) return 64 + (64 - __builtin_clzll(hi));
  auto lo = static_cast<std::uint64_t>(x);
  if (lo) n = 64 - __builtin_clzll(lo);
  return n;
}

int trailing_zeros(u128 x, int bits) {
  if (x == 0) return bits;
  auto lo = static_cast<std::uint64_t>(x);
  if (lo) return std::min(bits, __builtin_ctzll(lo));
  return std::min(bits, 64 + __builtin_ctzll(static_cast<std::uint64_t>(x >> 64)));
}

// o[j] = min(o[j], a + b[j]) for j < n: the inner loop of the min-plus merge, where nearly all of
// the K-cover's time goes; IPv4 costs get an AVX2 clone.
template <class T>
void min_plus_row(T* o, const T* b, std::size_t n, T a) {
  for (std::size_t j = 0; j < n; ++j) {
    T v = a + b[j];
    o[j] = v < o[j] ? v : o[j];
  }
}
// clang vectorizes at -O2 and has no optimize attribute; g++ needs to be asked.
#if defined(__clang__)
#define SGOPT_VECTORIZED_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define SGOPT_VECTORIZED_CLONES \
  __attribute__((target_clones("avx2", "default"), optimize("tree-vectorize", "vect-cost-model=dynamic")))
#endif
SGOPT_VECTORIZED_CLONES void min_plus_row_u64(std::uint64_t* o, const std::uint64_t* b, std::size_t n,
                                              std::uint64_t a) {
  for (std::size_t j = 0; j < n; ++j) {
    std::uint64_t v = a + b[j];
    o[j] = v < o[j] ? v : o[j];
  }
}
template <>
void min_plus_row<std::uint64_t>(std::uint64_t* o, const std::uint64_t* b, std::size_t n, std::uint64_t a) {
  min_plus_row_u64(o, b, n, a);
}

// 2^host as u128; 2^128 wraps to 0, which modular arithmetic below expects.
u128 block_size(int host) { return host >= 128 ? 0 : static_cast<u128>(1) << host; }

}  // namespace

u128 cidr_size(const Cidr& c) { return block_size(address_bits(c.family) - c.len); }

void append_range_cidrs(Family family, u128 lo, u128 hi, std::vector<Cidr>& out) {
  const int bits = address_bits(family);
  while (true) {
    // Largest aligned block starting at lo that ends at or before hi.
    int host = trailing_zeros(lo, bits);
    // block_size(128) - 1 wraps to the all-ones mask, which is what ::/0 needs.
    u128 span = hi - lo;  // block size - 1 must not exceed this
    while (host > 0 && block_size(host) - 1 > span) --host;
    out.push_back(Cidr{family, lo, bits - host});
    u128 last = lo + (block_size(host) - 1);
    if (last >= hi) return;
    lo = last + 1;
  }
}

std::vector<Cidr> exact_cover(std::vector<AddressRange> ranges) {
  std::sort(ranges.begin(), ranges.end(), [](const AddressRange& a, const AddressRange& b) {
    if (a.family != b.family) return a.family < b.family;
    return a.lo < b.lo;
  });
  std::vector<Cidr> out;
  std::size_t i = 0;
  while (i < ranges.size()) {
    Family f = ranges[i].family;
    u128 lo = ranges[i].lo, hi = ranges[i].hi;
    ++i;
    // Merge overlapping and adjacent ranges (hi + 1 == next lo), minding the top address.
    while (i < ranges.size() && ranges[i].family == f &&
           (ranges[i].lo <= hi || (hi != max_address(f) && ranges[i].lo == hi + 1))) {
      hi = std::max(hi, ranges[i].hi);
      ++i;
    }
    append_range_cidrs(f, lo, hi, out);
  }
  return out;
}

std::vector<Cidr> uncovered_in(const Cidr& outer, const std::vector<Cidr>& exact) {
  std::vector<Cidr> out;
  u128 next = outer.first();
  bool done = false;
  auto it =
      std::lower_bound(exact.begin(), exact.end(), outer.first(), [](const Cidr& c, u128 a) { return c.last() < a; });
  for (; it != exact.end() && it->family == outer.family && it->first() <= outer.last(); ++it) {
    if (it->first() > next) append_range_cidrs(outer.family, next, it->first() - 1, out);
    if (it->last() >= outer.last()) {
      done = true;
      break;
    }
    next = it->last() + 1;
  }
  if (!done && next <= outer.last()) append_range_cidrs(outer.family, next, outer.last(), out);
  return out;
}

namespace {

// The dynamic program of optimal_k_cover. Cost type T holds any count of extra addresses:
// uint64_t for IPv4 (below 2^32), u128 for IPv6 (below 2^128, modular sizes as above).
template <class T>
class KCoverSolver {
 public:
  KCoverSolver(const std::vector<Cidr>& leaves, std::size_t k) : leaves_(leaves), k_(k) {
    bits_ = address_bits(leaves.front().family);
    nodes_.reserve(2 * leaves.size());
    root_ = build(0, leaves.size());
  }

  KCover solve() {
    KCover out;
    const Node& r = nodes_[root_];
    take(root_, std::min(k_, r.width), out);
    for (const auto& p : out.prefixes) out.extra += p.extra;
    return out;
  }

 private:
  struct Node {
    Cidr cidr;
    std::size_t left = 0, right = 0;  // children (internal nodes only)
    bool leaf = false;
    T covered = 0;       // addresses inside that are in the set
    T cost = 0;          // addresses inside not in the set
    std::size_t width;   // DP entries: min(leaves below, k)
    std::size_t dp = 0;  // offset in dp_: dp_[dp + j - 1] = best cost with at most j prefixes
  };

  std::size_t build(std::size_t lo, std::size_t hi) {
    if (hi - lo == 1) {
      Node n;
      n.cidr = leaves_[lo];
      n.leaf = true;
      n.covered = static_cast<T>(block_size(bits_ - n.cidr.len));
      n.width = 1;
      n.dp = dp_.size();
      dp_.push_back(0);
      nodes_.push_back(n);
      return nodes_.size() - 1;
    }
    // The deepest prefix holding every leaf in [lo, hi): the common prefix of the first and last.
    const u128 a = leaves_[lo].addr, b = leaves_[hi - 1].addr;
    const int depth = bits_ - bit_length(a ^ b);
    const int host = bits_ - depth;
    const u128 mask = block_size(host) - 1;
    const u128 base = a & ~mask;
    const u128 half = base + block_size(host - 1);
    std::size_t mid = static_cast<std::size_t>(std::lower_bound(leaves_.begin() + static_cast<std::ptrdiff_t>(lo),
                                                                leaves_.begin() + static_cast<std::ptrdiff_t>(hi), half,
                                                                [](const Cidr& c, u128 x) { return c.addr < x; }) -
                                               leaves_.begin());
    std::size_t l = build(lo, mid);
    std::size_t r = build(mid, hi);
    Node n;
    n.cidr = Cidr{leaves_[lo].family, base, depth};
    n.left = l;
    n.right = r;
    // size - covered, modulo the width of T; the true value is below 2^bits.
    n.covered = nodes_[l].covered + nodes_[r].covered;
    n.cost = static_cast<T>(block_size(host)) - n.covered;
    n.width = std::min(k_, nodes_[l].width + nodes_[r].width);
    n.dp = dp_.size();
    dp_.resize(dp_.size() + n.width);
    merge(n, nodes_[l], nodes_[r]);
    nodes_.push_back(n);
    return nodes_.size() - 1;
  }

  void merge(const Node& n, const Node& l, const Node& r) {
    T* out = dp_.data() + n.dp;
    const T* a = dp_.data() + l.dp;
    const T* b = dp_.data() + r.dp;
    const T kMax = std::numeric_limits<T>::max();
    out[0] = n.cost;
    for (std::size_t j = 1; j < n.width; ++j) out[j] = kMax;
    // out[j1 + j2 - 1] = min a[j1 - 1] + b[j2 - 1] for j1 + j2 <= width.
    for (std::size_t i = 0; i < l.width && i + 1 < n.width; ++i) {
      min_plus_row(out + i + 1, b, std::min(r.width, n.width - i - 1), a[i]);
    }
    for (std::size_t j = 1; j < n.width; ++j) out[j] = std::min(out[j], n.cost);
  }

  void take(std::size_t v, std::size_t j, KCover& out) const {
    const Node& n = nodes_[v];
    if (n.leaf) {
      out.prefixes.push_back({n.cidr, 0});
      return;
    }
    const T* f = dp_.data() + n.dp;
    if (j == 1 || f[j - 1] == n.cost) {
      out.prefixes.push_back({n.cidr, static_cast<u128>(n.cost)});
      return;
    }
    const Node& l = nodes_[n.left];
    const Node& r = nodes_[n.right];
    const T* a = dp_.data() + l.dp;
    const T* b = dp_.data() + r.dp;
    for (std::size_t j1 = 1; j1 < j && j1 <= l.width; ++j1) {
      std::size_t j2 = j - j1;
      if (j2 > r.width) continue;
      if (a[j1 - 1] + b[j2 - 1] == f[j - 1]) {
        take(n.left, j1, out);
        take(n.right, j2, out);
        return;
      }
    }
  }

  const std::vector<Cidr>& leaves_;
  std::size_t k_;
  int bits_ = 32;
  std::vector<Node> nodes_;
  std::vector<T> dp_;
  std::size_t root_ = 0;
};

}  // namespace

KCover optimal_k_cover(const std::vector<Cidr>& exact, std::size_t k) {
  if (exact.empty()) return {};
  if (k == 0) k = 1;
  if (exact.front().family == Family::V4) return KCoverSolver<std::uint64_t>(exact, k).solve();
  return KCoverSolver<u128>(exact, k).solve();
}

}  // namespace sgopt
