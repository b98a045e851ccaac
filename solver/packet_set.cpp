// The native packet-set algebra. Each level is a sorted vector of disjoint segments; adjacent
// segments with equal values are always merged, which makes the representation canonical.
#include "solver/packet_set.h"

#include "model/protocol.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace sgopt {

// ---------------------------------------------------------------------------------------------
// PeerTable and boxes

PeerKind PeerTable::member(PeerType type, const std::string& id) {
  auto [it, added] = index_[static_cast<std::size_t>(type)].try_emplace(id, 0);
  if (added) {
    members_.push_back(Membership{type, id});
    it->second = static_cast<PeerKind>(members_.size());
  }
  return it->second;
}

std::optional<PeerKind> PeerTable::find_member(PeerType type, const std::string& id) const {
  const auto& index = index_[static_cast<std::size_t>(type)];
  auto it = index.find(id);
  if (it == index.end()) return std::nullopt;
  return it->second;
}

PeerKind PeerTable::kind_of(const Packet& p) const {
  PeerKind m = kNoMember;
  if (p.member)
    if (auto id = find_member(p.member->type, p.member->id)) m = *id;
  return sgopt::kind_of(p.family, m);
}

std::optional<Membership> PeerTable::membership(PeerKind k) const {
  PeerKind m = member_of(k);
  if (m == kNoMember || m > members_.size()) return std::nullopt;
  return members_[m - 1];
}

Box address_box(Family f, u128 lo, u128 hi, int proto_lo, int proto_hi, int port_lo, int port_hi) {
  return Box{first_kind(f), last_kind(f), lo, hi, proto_lo, proto_hi, port_lo, port_hi};
}

Box kind_box(PeerKind k, u128 lo, u128 hi, int proto_lo, int proto_hi, int port_lo, int port_hi) {
  return Box{k, k, lo, hi, proto_lo, proto_hi, port_lo, port_hi};
}

// ---------------------------------------------------------------------------------------------
// Generic segment algebra

namespace detail {

template <class K, class V>
using Seg = PacketSet::Seg<K, V>;
template <class K, class V>
using Segs = std::vector<Seg<K, V>>;
using Unit = PacketSet::Unit;

// Leaf operations. The bool says whether the result is non-empty.
inline bool unite_into(const Unit&, const Unit&, Unit&) { return true; }
inline bool intersect_into(const Unit&, const Unit&, Unit&) { return true; }
inline bool subtract_into(const Unit&, const Unit&, Unit&) { return false; }
inline bool is_subset(const Unit&, const Unit&) { return true; }

template <class K, class V>
bool unite_into(const Segs<K, V>& a, const Segs<K, V>& b, Segs<K, V>& out);
template <class K, class V>
bool intersect_into(const Segs<K, V>& a, const Segs<K, V>& b, Segs<K, V>& out);
template <class K, class V>
bool subtract_into(const Segs<K, V>& a, const Segs<K, V>& b, Segs<K, V>& out);
template <class K, class V>
bool is_subset(const Segs<K, V>& a, const Segs<K, V>& b);

template <class K, class V>
void push_merge(Segs<K, V>& out, K lo, K hi, V&& v) {
  if (!out.empty() && out.back().hi + 1 == lo && out.back().v == v) {
    out.back().hi = hi;
    return;
  }
  out.push_back(Seg<K, V>{lo, hi, std::move(v)});
}

// Sweeps both segment lists; f(const V* x, const V* y, V& out) computes the value over each piece
// (null where a side has no segment) and returns false when the piece is empty.
template <class K, class V, class F>
Segs<K, V> combine(const Segs<K, V>& a, const Segs<K, V>& b, F f) {
  Segs<K, V> out;
  out.reserve(a.size() + b.size());
  std::size_t i = 0, j = 0;
  K alo = a.empty() ? K{} : a[0].lo;
  K blo = b.empty() ? K{} : b[0].lo;
  auto emit = [&](K lo, K hi, const V* x, const V* y) {
    V v{};
    if (f(x, y, v)) push_merge(out, lo, hi, std::move(v));
  };
  while (i < a.size() && j < b.size()) {
    const auto& sa = a[i];
    const auto& sb = b[j];
    if (alo < blo) {
      K hi = std::min(sa.hi, static_cast<K>(blo - 1));
      emit(alo, hi, &sa.v, nullptr);
      if (hi == sa.hi) {
        if (++i < a.size()) alo = a[i].lo;
      } else {
        alo = hi + 1;
      }
    } else if (blo < alo) {
      K hi = std::min(sb.hi, static_cast<K>(alo - 1));
      emit(blo, hi, nullptr, &sb.v);
      if (hi == sb.hi) {
        if (++j < b.size()) blo = b[j].lo;
      } else {
        blo = hi + 1;
      }
    } else {
      K hi = std::min(sa.hi, sb.hi);
      emit(alo, hi, &sa.v, &sb.v);
      if (hi == sa.hi) {
        if (++i < a.size()) alo = a[i].lo;
      } else {
        alo = hi + 1;
      }
      if (hi == sb.hi) {
        if (++j < b.size()) blo = b[j].lo;
      } else {
        blo = hi + 1;
      }
    }
  }
  for (; i < a.size(); ++i, alo = i < a.size() ? a[i].lo : alo) emit(alo, a[i].hi, &a[i].v, nullptr);
  for (; j < b.size(); ++j, blo = j < b.size() ? b[j].lo : blo) emit(blo, b[j].hi, nullptr, &b[j].v);
  return out;
}

template <class K, class V>
bool unite_into(const Segs<K, V>& a, const Segs<K, V>& b, Segs<K, V>& out) {
  if (a.empty()) {
    out = b;
  } else if (b.empty()) {
    out = a;
  } else {
    out = combine(a, b, [](const V* x, const V* y, V& v) {
      if (x && y) return unite_into(*x, *y, v);
      v = x ? *x : *y;
      return true;
    });
  }
  return !out.empty();
}

template <class K, class V>
bool intersect_into(const Segs<K, V>& a, const Segs<K, V>& b, Segs<K, V>& out) {
  if (a.empty() || b.empty()) {
    out.clear();
    return false;
  }
  out = combine(a, b, [](const V* x, const V* y, V& v) { return x && y && intersect_into(*x, *y, v); });
  return !out.empty();
}

template <class K, class V>
bool subtract_into(const Segs<K, V>& a, const Segs<K, V>& b, Segs<K, V>& out) {
  if (a.empty() || b.empty()) {
    out = a;
  } else {
    out = combine(a, b, [](const V* x, const V* y, V& v) {
      if (!x) return false;
      if (!y) {
        v = *x;
        return true;
      }
      return subtract_into(*x, *y, v);
    });
  }
  return !out.empty();
}

// a ⊆ b without building the difference.
template <class K, class V>
bool is_subset(const Segs<K, V>& a, const Segs<K, V>& b) {
  std::size_t j = 0;
  for (const auto& sa : a) {
    K pos = sa.lo;
    while (true) {
      while (j < b.size() && b[j].hi < pos) ++j;
      if (j == b.size() || b[j].lo > pos) return false;
      if (!is_subset(sa.v, b[j].v)) return false;
      if (b[j].hi >= sa.hi) break;
      pos = b[j].hi + 1;
      ++j;
    }
  }
  return true;
}

template <class K, class V>
const Seg<K, V>* find_seg(const Segs<K, V>& s, K key) {
  auto it = std::upper_bound(s.begin(), s.end(), key, [](K k, const Seg<K, V>& x) { return k < x.lo; });
  if (it == s.begin()) return nullptr;
  --it;
  return it->hi >= key ? &*it : nullptr;
}

inline BigCount count_of(const Unit&) { return 1; }
template <class K, class V>
BigCount count_of(const Segs<K, V>& s) {
  BigCount total = 0;
  for (const auto& seg : s) {
    BigCount width = BigCount(seg.hi - seg.lo) + 1;
    total += width * count_of(seg.v);
  }
  return total;
}

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// PacketSet

using detail::push_merge;

static PacketSet::ProtoMap proto_map(int proto_lo, int proto_hi, int port_lo, int port_hi) {
  PacketSet::ProtoMap pm;
  PacketSet::PortSet ports;
  if (port_lo <= port_hi) ports.push_back({port_lo, port_hi, {}});
  PacketSet::PortSet zero;
  if (port_lo == 0) zero.push_back({0, 0, {}});
  for (int p = proto_lo; p <= proto_hi;) {
    bool keyed = has_port_key(p);
    int q = p;
    while (q + 1 <= proto_hi && has_port_key(q + 1) == keyed && !keyed) ++q;
    PacketSet::PortSet v = keyed ? ports : zero;
    if (!v.empty()) push_merge(pm, p, q, std::move(v));
    p = q + 1;
  }
  return pm;
}

PacketSet PacketSet::from_box(const Box& b) {
  PacketSet s;
  Family f = b.family();
  PeerKind kind_hi = std::min(b.kind_hi, last_kind(f));
  u128 hi = std::min(b.addr_hi, max_address(f));
  int proto_lo = std::max(b.proto_lo, 0), proto_hi = std::min(b.proto_hi, 255);
  int port_lo = std::max(b.port_lo, 0), port_hi = std::min(b.port_hi, 65535);
  if (b.kind_lo > kind_hi || b.addr_lo > hi || proto_lo > proto_hi || port_lo > port_hi) return s;
  ProtoMap pm = proto_map(proto_lo, proto_hi, port_lo, port_hi);
  if (pm.empty()) return s;
  AddrMap am{{b.addr_lo, hi, std::move(pm)}};
  s.kinds_.push_back({b.kind_lo, kind_hi, std::move(am)});
  return s;
}

PacketSet PacketSet::universe(const std::vector<Family>& families) {
  std::vector<Box> boxes;
  for (Family f : families) boxes.push_back(address_box(f, 0, max_address(f)));
  return from_boxes(boxes);
}

PacketSet PacketSet::from_boxes(const std::vector<Box>& boxes) {
  std::vector<PacketSet> layer;
  layer.reserve(boxes.size());
  for (const auto& b : boxes) layer.push_back(from_box(b));
  return unite_all(std::move(layer));
}

PacketSet PacketSet::unite_all(std::vector<PacketSet> sets) {
  if (sets.empty()) return PacketSet{};
  while (sets.size() > 1) {
    std::vector<PacketSet> next;
    next.reserve(sets.size() / 2 + 1);
    for (std::size_t i = 0; i + 1 < sets.size(); i += 2) next.push_back(sets[i].unite(sets[i + 1]));
    if (sets.size() % 2) next.push_back(std::move(sets.back()));
    sets = std::move(next);
  }
  return std::move(sets[0]);
}

PacketSet PacketSet::unite(const PacketSet& o) const {
  PacketSet r;
  detail::unite_into(kinds_, o.kinds_, r.kinds_);
  return r;
}

PacketSet PacketSet::intersect(const PacketSet& o) const {
  PacketSet r;
  detail::intersect_into(kinds_, o.kinds_, r.kinds_);
  return r;
}

PacketSet PacketSet::subtract(const PacketSet& o) const {
  PacketSet r;
  detail::subtract_into(kinds_, o.kinds_, r.kinds_);
  return r;
}

bool PacketSet::subset_of(const PacketSet& o) const { return detail::is_subset(kinds_, o.kinds_); }
bool PacketSet::intersects(const PacketSet& o) const { return !intersect(o).empty(); }
bool PacketSet::operator==(const PacketSet& o) const { return kinds_ == o.kinds_; }

Box packet_box(const Packet& p, const PeerTable& peers) {
  return kind_box(peers.kind_of(p), p.addr, p.addr, p.protocol, p.protocol, p.port_key, p.port_key);
}

bool PacketSet::contains(const Packet& p, const PeerTable& peers) const {
  PeerKind k = peers.kind_of(p);
  const auto* ks = detail::find_seg(kinds_, k);
  if (!ks) return false;
  const auto* as = detail::find_seg(ks->v, p.addr);
  if (!as) return false;
  const auto* ps = detail::find_seg(as->v, p.protocol);
  if (!ps) return false;
  return detail::find_seg(ps->v, p.port_key) != nullptr;
}

std::optional<Packet> PacketSet::witness(const PeerTable& peers) const {
  if (kinds_.empty()) return std::nullopt;
  const auto& k = kinds_.front();
  const auto& a = k.v.front();
  const auto& pr = a.v.front();
  Packet p;
  p.family = family_of_kind(k.lo);
  p.addr = a.lo;
  p.member = peers.membership(k.lo);
  p.protocol = pr.lo;
  p.port_key = pr.v.front().lo;
  return p;
}

PacketSet PacketSet::kind_slice(PeerKind k) const {
  PacketSet out;
  if (const auto* ks = detail::find_seg(kinds_, k)) out.kinds_.push_back({k, k, ks->v});
  return out;
}

BigCount PacketSet::count() const {
  BigCount total = 0;
  for (Family f : {Family::V4, Family::V6})
    if (const auto* ks = detail::find_seg(kinds_, kind_of(f))) total += detail::count_of(ks->v);
  return total;
}

std::vector<PeerKind> PacketSet::extra_members(const PeerTable& peers) const {
  std::vector<PeerKind> out;
  for (PeerKind m = 1; m <= peers.members(); ++m) {
    bool extra = false;
    for (Family f : {Family::V4, Family::V6}) {
      const auto* base = detail::find_seg(kinds_, kind_of(f));
      const auto* mine = detail::find_seg(kinds_, kind_of(f, m));
      if (!mine) continue;
      // Sets made of rules only grow with membership; anything here beyond the base is extra.
      AddrMap beyond;
      if (base) {
        detail::subtract_into(mine->v, base->v, beyond);
      } else {
        beyond = mine->v;
      }
      extra = extra || !beyond.empty();
    }
    if (extra) out.push_back(m);
  }
  return out;
}

std::vector<Box> PacketSet::boxes() const {
  std::vector<Box> out;
  for (const auto& ks : kinds_) {
    // A kind range never spans both families in a box.
    std::vector<std::pair<PeerKind, PeerKind>> ranges;
    if (family_of_kind(ks.lo) != family_of_kind(ks.hi)) {
      ranges = {{ks.lo, last_kind(Family::V4)}, {first_kind(Family::V6), ks.hi}};
    } else {
      ranges = {{ks.lo, ks.hi}};
    }
    for (const auto& [klo, khi] : ranges)
      for (const auto& as : ks.v) {
        if (as.lo > max_address_of(klo)) continue;
        u128 hi = std::min(as.hi, max_address_of(klo));
        for (const auto& ps : as.v)
          for (const auto& pt : ps.v) out.push_back(Box{klo, khi, as.lo, hi, ps.lo, ps.hi, pt.lo, pt.hi});
      }
  }
  return out;
}

std::vector<Family> PacketSet::families() const {
  std::vector<Family> out;
  for (const auto& ks : kinds_)
    for (Family f : {family_of_kind(ks.lo), family_of_kind(ks.hi)})
      if (std::find(out.begin(), out.end(), f) == out.end()) out.push_back(f);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Printing

static std::string address_range_str(Family f, u128 lo, u128 hi) {
  u128 size_minus_1 = hi - lo;
  // One CIDR when the range is aligned and its size a power of two.
  if ((size_minus_1 & (size_minus_1 + 1)) == 0 && (lo & size_minus_1) == 0) {
    int host_bits = 0;
    while (host_bits < 128 && ((size_minus_1 >> host_bits) & 1)) ++host_bits;
    return Cidr{f, lo, address_bits(f) - host_bits}.str();
  }
  return fmt::format("{}-{}", format_address(f, lo), format_address(f, hi));
}

static std::string icmp_key_str(int lo, int hi) {
  if (lo == 0 && hi == 65535) return "all types";
  if (lo / 256 == hi / 256) {
    int t = lo / 256;
    if (lo % 256 == 0 && hi % 256 == 255) return fmt::format("type {}", t);
    if (lo == hi) return fmt::format("type {} code {}", t, lo % 256);
    return fmt::format("type {} codes {}-{}", t, lo % 256, hi % 256);
  }
  return fmt::format("type/code {}/{}-{}/{}", lo / 256, lo % 256, hi / 256, hi % 256);
}

std::string box_str(const Box& b, const PeerTable& peers) {
  std::string proto;
  std::string ports;
  if (b.proto_lo == 0 && b.proto_hi == 255) {
    proto = "all protocols";
  } else if (b.proto_lo == b.proto_hi) {
    proto = protocol_name(b.proto_lo);
  } else {
    proto = fmt::format("protocols {}-{}", b.proto_lo, b.proto_hi);
  }
  bool single = b.proto_lo == b.proto_hi;
  if (single && is_port_protocol(b.proto_lo)) {
    ports =
        b.port_lo == b.port_hi ? fmt::format(" port {}", b.port_lo) : fmt::format(" ports {}-{}", b.port_lo, b.port_hi);
  } else if (single && is_icmp_protocol(b.proto_lo)) {
    ports = " " + icmp_key_str(b.port_lo, b.port_hi);
  } else if (!(b.port_lo == 0 && (b.port_hi == 65535 || b.port_hi == 0))) {
    ports = fmt::format(" port keys {}-{}", b.port_lo, b.port_hi);
  }
  std::string who = address_range_str(b.family(), b.addr_lo, b.addr_hi);
  if (b.kind_lo == b.kind_hi) {
    if (auto m = peers.membership(b.kind_lo)) who += fmt::format(" (members of {})", m->id);
  } else if (!(b.kind_lo == first_kind(b.family()) && b.kind_hi == last_kind(b.family()))) {
    who += fmt::format(" (memberships {}-{})", member_of(b.kind_lo), member_of(b.kind_hi));
  }
  return fmt::format("{}{} {}", proto, ports, who);
}

}  // namespace sgopt
