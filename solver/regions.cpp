// Regions of a packet set. The canonical boxes of a PacketSet are address-major (each address
// segment carries its protocol/port shape); people read traffic shape-major ("tcp 22 from these
// CIDRs"). Both groupings are built and the shorter list wins; either is exactly the set.
#include "solver/regions.h"

#include "model/cidr_cover.h"
#include "model/protocol.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <tuple>

namespace sgopt {

namespace {

constexpr int kAllKeys = 65535;

/// A (protocol range, port key range) block; a range of protocols always has every key.
struct Piece {
  int proto_lo = 0, proto_hi = 255;
  int port_lo = 0, port_hi = kAllKeys;
  bool all_keys() const { return port_lo == 0 && port_hi == kAllKeys; }
  auto key() const { return std::tie(proto_lo, proto_hi, port_lo, port_hi); }
  bool operator<(const Piece& o) const { return key() < o.key(); }
  bool operator==(const Piece& o) const { return key() == o.key(); }
};

/// One address segment of the canonical form with its normalised pieces.
struct Segment {
  PeerRange peer;
  std::vector<Piece> pieces;
};

// Splits a box's protocol range at the protocols that have port keys. A run of protocols without
// ports holds only key 0 in the domain, which is the same packets as "every key".
void add_pieces(const Box& b, std::vector<Piece>& out) {
  for (int p = b.proto_lo; p <= b.proto_hi;) {
    if (has_port_key(p)) {
      out.push_back(Piece{p, p, b.port_lo, b.port_hi});
      ++p;
      continue;
    }
    int q = p;
    while (q + 1 <= b.proto_hi && !has_port_key(q + 1)) ++q;
    out.push_back(Piece{p, q, 0, kAllKeys});
    p = q + 1;
  }
}

// Sorted pieces with adjacent all-key protocol ranges joined ("all protocols" becomes one piece).
void merge_protocols(std::vector<Piece>& pieces) {
  std::sort(pieces.begin(), pieces.end());
  std::vector<Piece> out;
  for (const auto& p : pieces) {
    if (!out.empty() && out.back().all_keys() && p.all_keys() && out.back().proto_hi + 1 == p.proto_lo) {
      out.back().proto_hi = p.proto_hi;
      continue;
    }
    out.push_back(p);
  }
  pieces = std::move(out);
}

std::vector<Segment> segments_of(const PacketSet& set) {
  std::vector<Segment> segs;
  for (const Box& b : set.boxes()) {
    if (segs.empty() || segs.back().peer != PeerRange{b.kind, b.addr_lo, b.addr_hi})
      segs.push_back(Segment{PeerRange{b.kind, b.addr_lo, b.addr_hi}, {}});
    add_pieces(b, segs.back().pieces);
  }
  for (auto& s : segs) merge_protocols(s.pieces);
  return segs;
}

// Appends a peer range, joining it to the previous one when they touch (ranges arrive sorted).
void append_peer(std::vector<PeerRange>& peers, const PeerRange& p) {
  if (!peers.empty() && peers.back().kind == p.kind && p.kind < 2 && peers.back().hi + 1 == p.lo) {
    peers.back().hi = p.hi;
    return;
  }
  peers.push_back(p);
}

Region make_region(const Piece& p, std::vector<PeerRange> peers) {
  return Region{{ProtoRange{p.proto_lo, p.proto_hi}}, p.port_lo, p.port_hi, std::move(peers)};
}

bool all_keys(const Region& r) { return r.port_lo == 0 && r.port_hi == kAllKeys; }
bool only_port_protocols(const Region& r) {
  return std::all_of(r.protocols.begin(), r.protocols.end(),
                     [](const ProtoRange& p) { return p.lo == p.hi && is_port_protocol(p.lo); });
}
// Regions with the same peers and keys join when every key range means the same to both: all keys,
// or port ranges of tcp and udp. (An icmp type range means nothing to tcp.)
bool joinable(const Region& a, const Region& b) {
  if (a.peers != b.peers || a.port_lo != b.port_lo || a.port_hi != b.port_hi) return false;
  return all_keys(a) || (only_port_protocols(a) && only_port_protocols(b));
}

void add_protocols(std::vector<ProtoRange>& into, const std::vector<ProtoRange>& more) {
  into.insert(into.end(), more.begin(), more.end());
  std::sort(into.begin(), into.end(), [](const ProtoRange& x, const ProtoRange& y) { return x.lo < y.lo; });
  std::vector<ProtoRange> out;
  for (const auto& p : into) {
    if (!out.empty() && out.back().hi + 1 >= p.lo) {
      out.back().hi = std::max(out.back().hi, p.hi);
      continue;
    }
    out.push_back(p);
  }
  into = std::move(out);
}

auto peer_key(const PeerRange& p) { return std::make_tuple(p.kind, p.lo, p.hi); }
bool peers_less(const std::vector<PeerRange>& a, const std::vector<PeerRange>& b) {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                      [](const PeerRange& x, const PeerRange& y) { return peer_key(x) < peer_key(y); });
}
bool region_less(const Region& a, const Region& b) {
  auto ka = std::make_tuple(a.protocols.front().lo, a.port_lo, a.protocols.front().hi, a.port_hi);
  auto kb = std::make_tuple(b.protocols.front().lo, b.port_lo, b.protocols.front().hi, b.port_hi);
  if (ka != kb) return ka < kb;
  if (a.protocols.size() != b.protocols.size()) return a.protocols.size() < b.protocols.size();
  return peers_less(a.peers, b.peers);
}

// Joins regions that differ only in their protocols, then sorts.
void join_and_sort(std::vector<Region>& regions) {
  std::stable_sort(regions.begin(), regions.end(), [](const Region& a, const Region& b) {
    if (a.peers != b.peers) return peers_less(a.peers, b.peers);
    return std::tie(a.port_lo, a.port_hi) < std::tie(b.port_lo, b.port_hi);
  });
  std::vector<Region> out;
  std::size_t run = 0;  // first region of the current (peers, keys) run in out
  for (auto& r : regions) {
    bool merged = false;
    for (std::size_t i = run; i < out.size() && !merged; ++i)
      if (joinable(out[i], r)) {
        add_protocols(out[i].protocols, r.protocols);
        merged = true;
      }
    if (merged) continue;
    if (!out.empty() &&
        (out.back().peers != r.peers || out.back().port_lo != r.port_lo || out.back().port_hi != r.port_hi))
      run = out.size();
    out.push_back(std::move(r));
  }
  std::sort(out.begin(), out.end(), region_less);
  regions = std::move(out);
}

// Address-major: segments with the same shape share one region per piece.
std::vector<Region> by_peers(const std::vector<Segment>& segs) {
  std::map<std::vector<Piece>, std::vector<PeerRange>> groups;
  for (const auto& s : segs) append_peer(groups[s.pieces], s.peer);
  std::vector<Region> out;
  for (const auto& [pieces, peers] : groups)
    for (const auto& p : pieces) out.push_back(make_region(p, peers));
  join_and_sort(out);
  return out;
}

// Shape-major: one region per piece, listing every segment that has it.
std::vector<Region> by_shape(const std::vector<Segment>& segs) {
  std::map<Piece, std::vector<PeerRange>> groups;
  for (const auto& s : segs)
    for (const auto& p : s.pieces) append_peer(groups[p], s.peer);
  std::vector<Region> out;
  for (auto& [piece, peers] : groups) out.push_back(make_region(piece, std::move(peers)));
  join_and_sort(out);
  return out;
}

std::string icmp_keys_text(int lo, int hi) {
  int type_lo = lo / 256, type_hi = hi / 256;
  bool whole_types = lo % 256 == 0 && hi % 256 == 255;
  if (whole_types)
    return type_lo == type_hi ? fmt::format("type {}", type_lo) : fmt::format("types {}-{}", type_lo, type_hi);
  if (type_lo == type_hi) {
    if (lo == hi) return fmt::format("type {} code {}", type_lo, lo % 256);
    return fmt::format("type {} codes {}-{}", type_lo, lo % 256, hi % 256);
  }
  return fmt::format("type/code {}/{} to {}/{}", type_lo, lo % 256, type_hi, hi % 256);
}

}  // namespace

std::vector<Region> regions_of(const PacketSet& set) {
  std::vector<Segment> segs = segments_of(set);
  std::vector<Region> a = by_peers(segs);
  std::vector<Region> b = by_shape(segs);
  return a.size() < b.size() ? a : b;
}

std::vector<Box> region_boxes(const Region& r) {
  std::vector<Box> boxes;
  boxes.reserve(r.peers.size());
  for (const auto& p : r.peers)
    for (const auto& pr : r.protocols) boxes.push_back(Box{p.kind, p.lo, p.hi, pr.lo, pr.hi, r.port_lo, r.port_hi});
  return boxes;
}

PacketSet region_set(const Region& r) { return PacketSet::from_boxes(region_boxes(r)); }

PacketSet regions_set(const std::vector<Region>& regions) {
  std::vector<Box> boxes;
  for (const auto& r : regions) {
    auto rb = region_boxes(r);
    boxes.insert(boxes.end(), rb.begin(), rb.end());
  }
  return PacketSet::from_boxes(boxes);
}

Packet region_witness(const Region& r, const PeerTable& peers) {
  auto in = [&](int p) {
    return std::any_of(r.protocols.begin(), r.protocols.end(),
                       [p](const ProtoRange& x) { return x.lo <= p && p <= x.hi; });
  };
  int proto = in(kTcp) ? kTcp : in(kUdp) ? kUdp : r.protocols.at(0).lo;
  Packet p;
  const PeerRange& first = r.peers.at(0);
  p.peer_type = peers.type(first.kind);
  p.ref = peers.ref(first.kind);
  p.addr = first.kind < 2 ? first.lo : 0;
  p.protocol = proto;
  p.port_key = has_port_key(proto) ? r.port_lo : 0;
  return p;
}

std::vector<Cidr> range_cidrs(Family family, u128 lo, u128 hi) {
  std::vector<Cidr> out;
  append_range_cidrs(family, lo, hi, out);
  return out;
}

std::vector<std::string> region_peer_texts(const Region& r, const PeerTable& peers) {
  std::vector<std::string> out;
  for (const auto& p : r.peers) {
    if (p.kind >= 2) {
      out.push_back(peers.ref(p.kind));
      continue;
    }
    for (const auto& c : range_cidrs(family_of_kind(p.kind), p.lo, p.hi)) out.push_back(c.str());
  }
  return out;
}

static std::string protocols_text(const std::vector<ProtoRange>& list) {
  std::vector<std::string> parts;
  for (const auto& p : list) parts.push_back(p.lo == p.hi ? protocol_name(p.lo) : fmt::format("{}-{}", p.lo, p.hi));
  return fmt::format("{}", fmt::join(parts, ", "));
}

// Protocols 0..255 not in the list.
static std::vector<ProtoRange> complement(const std::vector<ProtoRange>& list) {
  std::vector<ProtoRange> out;
  int next = 0;
  for (const auto& p : list) {
    if (p.lo > next) out.push_back(ProtoRange{next, p.lo - 1});
    next = p.hi + 1;
  }
  if (next <= 255) out.push_back(ProtoRange{next, 255});
  return out;
}

std::string region_traffic_text(const Region& r) {
  const auto& list = r.protocols;
  bool one = list.size() == 1 && list[0].lo == list[0].hi;
  if (r.port_lo == 0 && r.port_hi == kAllKeys) {
    if (one) {
      int p = list[0].lo;
      if (is_port_protocol(p)) return protocol_name(p) + " all ports";
      if (is_icmp_protocol(p)) return protocol_name(p) + " all types";
      return "protocol " + protocol_name(p);
    }
    auto rest = complement(list);
    if (rest.empty()) return "all protocols";
    if (rest.size() < list.size()) return "all protocols except " + protocols_text(rest);
    return "protocols " + protocols_text(list);
  }
  std::string names = protocols_text(list);
  if (one && is_icmp_protocol(list[0].lo)) return names + " " + icmp_keys_text(r.port_lo, r.port_hi);
  if (r.port_lo == r.port_hi) return fmt::format("{} port {}", names, r.port_lo);
  return fmt::format("{} ports {}-{}", names, r.port_lo, r.port_hi);
}

std::string region_text(const Region& r, const PeerTable& peers) {
  return fmt::format("{} from {}", region_traffic_text(r), fmt::join(region_peer_texts(r, peers), ", "));
}

}  // namespace sgopt
