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
    PeerRange peer{b.kind_lo, b.kind_hi, b.addr_lo, b.addr_hi};
    if (segs.empty() || segs.back().peer != peer) segs.push_back(Segment{peer, {}});
    add_pieces(b, segs.back().pieces);
  }
  for (auto& s : segs) merge_protocols(s.pieces);
  return segs;
}

// Appends a peer range, joining it to the previous one when they touch (ranges arrive sorted).
void append_peer(std::vector<PeerRange>& peers, const PeerRange& p) {
  if (!peers.empty() && peers.back().kind_lo == p.kind_lo && peers.back().kind_hi == p.kind_hi &&
      peers.back().hi + 1 == p.lo && peers.back().hi != max_address_of(p.kind_lo)) {
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

auto peer_key(const PeerRange& p) { return std::make_tuple(p.kind_lo, p.kind_hi, p.lo, p.hi); }
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
    for (const auto& pr : r.protocols)
      boxes.push_back(Box{p.kind_lo, p.kind_hi, p.lo, p.hi, pr.lo, pr.hi, r.port_lo, r.port_hi});
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
  p.family = family_of_kind(first.kind_lo);
  p.member = peers.membership(first.kind_lo);
  p.addr = first.lo;
  p.protocol = proto;
  p.port_key = has_port_key(proto) ? r.port_lo : 0;
  return p;
}

std::vector<Cidr> range_cidrs(Family family, u128 lo, u128 hi) {
  std::vector<Cidr> out;
  append_range_cidrs(family, lo, hi, out);
  return out;
}

const char* members_name(PeerGroup::Members m) {
  switch (m) {
    case PeerGroup::Members::Any: return "any";
    case PeerGroup::Members::NoneOf: return "none-of";
    case PeerGroup::Members::Of: return "of";
  }
  return "any";
}

namespace {

// What an address interval's memberships say: every membership but some (Any when none are
// missing), or only some. Kinds past the interned references are the same as no membership.
struct Condition {
  PeerGroup::Members members = PeerGroup::Members::Any;
  std::vector<PeerKind> ids;  // interned member ids: missing (NoneOf) or present (Of)
  bool operator==(const Condition&) const = default;
  bool operator<(const Condition& o) const { return std::tie(members, ids) < std::tie(o.members, o.ids); }
};

Condition condition_of(const std::vector<std::pair<PeerKind, PeerKind>>& member_ranges, std::size_t interned) {
  auto covered = [&](PeerKind m) {
    return std::any_of(member_ranges.begin(), member_ranges.end(),
                       [m](const auto& r) { return r.first <= m && m <= r.second; });
  };
  Condition c;
  if (covered(kNoMember)) {
    for (PeerKind m = 1; m <= interned; ++m)
      if (!covered(m)) c.ids.push_back(m);
    c.members = c.ids.empty() ? PeerGroup::Members::Any : PeerGroup::Members::NoneOf;
  } else {
    c.members = PeerGroup::Members::Of;
    for (PeerKind m = 1; m <= interned; ++m)
      if (covered(m)) c.ids.push_back(m);
  }
  return c;
}

}  // namespace

std::vector<PeerGroup> region_peer_groups(const Region& r, const PeerTable& peers) {
  // Per family and condition, the address intervals (elementary pieces between all boundaries).
  std::map<std::pair<Family, Condition>, std::vector<std::pair<u128, u128>>> by;
  for (Family f : {Family::V4, Family::V6}) {
    std::vector<const PeerRange*> mine;
    for (const auto& p : r.peers)
      if (family_of_kind(p.kind_lo) == f) mine.push_back(&p);
    if (mine.empty()) continue;
    std::vector<u128> cuts;  // starts of elementary intervals
    for (const PeerRange* p : mine) {
      cuts.push_back(p->lo);
      if (p->hi != max_address(f)) cuts.push_back(p->hi + 1);
    }
    std::sort(cuts.begin(), cuts.end());
    cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
    struct Piece {
      u128 lo, hi;
      std::vector<std::pair<PeerKind, PeerKind>> members;
    };
    std::vector<Piece> pieces;
    for (std::size_t i = 0; i < cuts.size(); ++i) {
      u128 lo = cuts[i], hi = i + 1 < cuts.size() ? cuts[i + 1] - 1 : max_address(f);
      Piece piece{lo, hi, {}};
      for (const PeerRange* p : mine)
        if (p->lo <= lo && hi <= p->hi) piece.members.push_back({member_of(p->kind_lo), member_of(p->kind_hi)});
      if (!piece.members.empty()) pieces.push_back(std::move(piece));
    }
    auto covers = [](const Piece& p, PeerKind m) {
      return std::any_of(p.members.begin(), p.members.end(),
                         [m](const auto& x) { return x.first <= m && m <= x.second; });
    };
    // Members at every address of the family read as "members of sg-1 reaching over IPv4", even
    // where the region also holds the addresses themselves (regions may overlap).
    bool whole_family = !pieces.empty() && pieces.front().lo == 0 && pieces.back().hi == max_address(f);
    for (std::size_t i = 1; i < pieces.size() && whole_family; ++i) whole_family = pieces[i - 1].hi + 1 == pieces[i].lo;
    std::vector<PeerKind> everywhere;
    for (PeerKind m = 1; m <= peers.members() && whole_family; ++m)
      if (std::all_of(pieces.begin(), pieces.end(), [&](const Piece& p) { return covers(p, m); }))
        everywhere.push_back(m);
    if (!everywhere.empty()) by[{f, Condition{PeerGroup::Members::Of, everywhere}}].push_back({0, max_address(f)});
    for (const Piece& piece : pieces) {
      Condition c = condition_of(piece.members, peers.members());
      if (c.members == PeerGroup::Members::Of)
        std::erase_if(
            c.ids, [&](PeerKind m) { return std::find(everywhere.begin(), everywhere.end(), m) != everywhere.end(); });
      if (c.members == PeerGroup::Members::Of && c.ids.empty()) continue;
      auto& list = by[{f, c}];
      if (!list.empty() && list.back().second + 1 == piece.lo) {
        list.back().second = piece.hi;
      } else {
        list.push_back({piece.lo, piece.hi});
      }
    }
  }
  std::vector<PeerGroup> out;
  for (const auto& [key, intervals] : by) {
    // Named, not bound: clang before 16 cannot capture a structured binding in a lambda.
    Family f = key.first;
    const Condition& c = key.second;
    PeerGroup g;
    g.families = {f};
    for (const auto& [lo, hi] : intervals) append_range_cidrs(f, lo, hi, g.cidrs);
    g.every_address = intervals.size() == 1 && intervals[0].first == 0 && intervals[0].second == max_address(f);
    g.members = c.members;
    for (PeerKind m : c.ids) g.refs.push_back(peers.member_info(m).id);
    // Every address of both families with the same membership condition: one group.
    if (g.members != PeerGroup::Members::Any && g.every_address) {
      auto prev = std::find_if(out.begin(), out.end(), [&](const PeerGroup& x) {
        return x.members == g.members && x.every_address && x.refs == g.refs && x.families.size() == 1 &&
               x.families[0] != f;
      });
      if (prev != out.end()) {
        prev->families.push_back(f);
        prev->cidrs.insert(prev->cidrs.end(), g.cidrs.begin(), g.cidrs.end());
        continue;
      }
    }
    out.push_back(std::move(g));
  }
  // Addresses first, then addresses with exceptions, then members only; IPv4 before IPv6.
  std::stable_sort(out.begin(), out.end(),
                   [](const PeerGroup& a, const PeerGroup& b) { return a.members < b.members; });
  return out;
}

namespace {

std::string join_refs(const std::vector<std::string>& refs) {
  std::string s;
  for (std::size_t i = 0; i < refs.size(); ++i) s += (i == 0 ? "" : i + 1 == refs.size() ? " or " : ", ") + refs[i];
  return s;
}

std::string cidr_list(const std::vector<Cidr>& cidrs) {
  std::vector<std::string> parts;
  for (const Cidr& c : cidrs) parts.push_back(c.str());
  return fmt::format("{}", fmt::join(parts, ", "));
}

// "IPv4 addresses outside 10.0.0.0/8" when that is shorter than listing the blocks.
std::string addresses_text(Family f, const std::vector<Cidr>& cidrs, bool every_address, bool plain) {
  if (every_address) return plain ? Cidr{f, 0, 0}.str() : fmt::format("{} addresses", family_name(f));
  std::vector<std::pair<u128, u128>> ranges;
  for (const Cidr& c : cidrs) {
    if (!ranges.empty() && ranges.back().second + 1 == c.first()) {
      ranges.back().second = c.last();
    } else {
      ranges.push_back({c.first(), c.last()});
    }
  }
  std::vector<Cidr> outside;
  u128 next = 0;
  bool done = false;
  for (const auto& [lo, hi] : ranges) {
    if (lo > next) append_range_cidrs(f, next, lo - 1, outside);
    if (hi == max_address(f)) {
      done = true;
      break;
    }
    next = hi + 1;
  }
  if (!done) append_range_cidrs(f, next, max_address(f), outside);
  if (cidrs.size() > 2 && outside.size() < cidrs.size())
    return fmt::format("{} addresses outside {}", family_name(f), cidr_list(outside));
  return plain ? cidr_list(cidrs) : fmt::format("addresses in {}", cidr_list(cidrs));
}

}  // namespace

std::string peer_group_text(const PeerGroup& g) {
  switch (g.members) {
    case PeerGroup::Members::Any: return addresses_text(g.families.front(), g.cidrs, g.every_address, true);
    case PeerGroup::Members::NoneOf:
      if (g.every_address && g.families.size() == 2)
        return fmt::format("addresses of either family that are not members of {}", join_refs(g.refs));
      return fmt::format("{} that are not members of {}",
                         addresses_text(g.families.front(), g.cidrs, g.every_address, false), join_refs(g.refs));
    case PeerGroup::Members::Of:
      if (g.every_address && g.families.size() == 2) return fmt::format("members of {}", join_refs(g.refs));
      if (g.every_address)
        return fmt::format("members of {} reaching over {}", join_refs(g.refs), family_name(g.families.front()));
      return fmt::format("members of {} at {}", join_refs(g.refs),
                         addresses_text(g.families.front(), g.cidrs, false, true));
  }
  return "";
}

std::vector<std::string> region_peer_texts(const Region& r, const PeerTable& peers) {
  std::vector<std::string> out;
  for (const PeerGroup& g : region_peer_groups(r, peers)) {
    if (g.members == PeerGroup::Members::Any && !g.every_address &&
        addresses_text(g.families.front(), g.cidrs, false, true) == cidr_list(g.cidrs)) {
      // Plain blocks: one string each, as before.
      for (const Cidr& c : g.cidrs) out.push_back(c.str());
      continue;
    }
    out.push_back(peer_group_text(g));
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
