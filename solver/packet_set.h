// The exact native packet-set algebra: canonical nested interval maps over
// peer kind x address x protocol x port key. This is the fast engine the passes use; the Z3
// encoding (solver/encoding.h) proves the same facts independently.
//
// Why hand-written and not Boost.ICL: each level is a sorted vector of disjoint segments whose
// neighbours with equal values are merged, so two sets are equal exactly when their vectors are,
// and union, difference, subset and equality are linear merges. bench/interval_bench measures
// Boost.ICL against it on this machine (2 cores, -O2, one run):
//   - 1-D union of CIDR-shaped IPv4 intervals (exact_cover's merge): sort + merge 8.9 ms vs
//     icl::interval_set 67.5 ms for 100,000; 89 ms vs 815 ms for 1,000,000 (exact_cover in all
//     161 ms, 796 ms with ICL doing the merge);
//   - nested address x protocol x port, union of N rule boxes: PacketSet 1.24 ms vs ICL nested
//     interval_map 0.85 ms for 1,000, 19.5 vs 15.1 ms for 10,000;
//   - difference then equality of two such unions: 0.12 vs 0.28 ms for 1,000, 1.4 vs 12.6 ms for
//     10,000.
// ICL wins only the nested union, by 1.3x, and loses difference and equality (the proofs' work)
// by 2-9x; it also cannot hold IPv6: its numeric traits need std::numeric_limits, which unsigned
// __int128 lacks in ISO C++ mode. So the nested engine stays hand-written, and so do the 1-D
// merges of CIDR lists (model/cidr_cover.h).
#pragma once

#include "model/ip.h"
#include "model/packet.h"
#include "model/rule.h"

#include <boost/multiprecision/cpp_int.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace sgopt {

/// The peer dimension (model/references.h): the family of the peer's address and the referenced
/// group or unresolved prefix list it is a member of, if any. A kind is family << 31 | member;
/// member 0 is "no membership", 1, 2, ... are the references a PeerTable interns. A CIDR rule
/// matches every membership of its family (one range of kinds), a reference rule the kinds of its
/// members; so a set built before a reference was interned stays right (members of a reference its
/// rules do not name behave as non-members), and kinds past the interned ones always equal member 0.
using PeerKind = std::uint32_t;
constexpr PeerKind kFamilyBit = 1u << 31;
constexpr PeerKind kNoMember = 0;
constexpr PeerKind kind_of(Family f, PeerKind member = kNoMember) {
  return (f == Family::V6 ? kFamilyBit : 0u) | member;
}
constexpr Family family_of_kind(PeerKind k) { return (k & kFamilyBit) ? Family::V6 : Family::V4; }
constexpr PeerKind member_of(PeerKind k) { return k & ~kFamilyBit; }
/// Every kind of a family: all memberships.
constexpr PeerKind first_kind(Family f) { return kind_of(f, 0); }
constexpr PeerKind last_kind(Family f) { return kind_of(f, kFamilyBit - 1); }
/// Address packets with no membership, of one family.
constexpr PeerKind kPeerIpv4 = kind_of(Family::V4);
constexpr PeerKind kPeerIpv6 = kind_of(Family::V6);
constexpr PeerKind peer_kind_of(Family f) { return kind_of(f); }

/// The references that stay open (symbolic members) in the sets built with it, by member id.
class PeerTable {
 public:
  /// The member id of a reference, interned on first use (1, 2, ...).
  PeerKind member(PeerType type, const std::string& id);
  std::optional<PeerKind> find_member(PeerType type, const std::string& id) const;
  /// The kind of a packet: its family, and its membership's id (none when it has no membership or
  /// is a member of a reference the table does not hold, which no rule then names).
  PeerKind kind_of(const Packet& p) const;
  /// The membership a kind stands for (none for member 0 and for ids past the table).
  std::optional<Membership> membership(PeerKind k) const;
  /// Member ids 1..members() are interned.
  std::size_t members() const { return members_.size(); }
  const Membership& member_info(PeerKind member) const { return members_.at(member - 1); }

 private:
  std::vector<Membership> members_;
  std::array<std::unordered_map<std::string, PeerKind>, 4> index_;  // member id by type, id
};

/// Largest address of a kind's family: 2^32-1 for IPv4, 2^128-1 for IPv6.
inline u128 max_address_of(PeerKind k) { return max_address(family_of_kind(k)); }

/// An axis-aligned box of packets; all bounds inclusive, and all its kinds of one family.
struct Box {
  Box() = default;
  // All eight bounds, so that a box is never built with one missing.
  Box(PeerKind klo, PeerKind khi, u128 alo, u128 ahi, int plo, int phi, int ptlo, int pthi)
      : kind_lo(klo),
        kind_hi(khi),
        addr_lo(alo),
        addr_hi(ahi),
        proto_lo(plo),
        proto_hi(phi),
        port_lo(ptlo),
        port_hi(pthi) {}
  PeerKind kind_lo = kPeerIpv4, kind_hi = kPeerIpv4;
  u128 addr_lo = 0, addr_hi = 0;
  int proto_lo = 0, proto_hi = 255;
  int port_lo = 0, port_hi = 65535;
  Family family() const { return family_of_kind(kind_lo); }
  bool operator==(const Box&) const = default;
};
/// Every membership of the family at addresses lo..hi (what a CIDR rule or a NACL entry matches).
Box address_box(Family f, u128 lo, u128 hi, int proto_lo = 0, int proto_hi = 255, int port_lo = 0, int port_hi = 65535);
/// One kind at addresses lo..hi.
Box kind_box(PeerKind k, u128 lo, u128 hi, int proto_lo = 0, int proto_hi = 255, int port_lo = 0, int port_hi = 65535);

using BigCount = boost::multiprecision::cpp_int;

/// A set of packets in canonical form: two sets are equal exactly when their representations are.
///
/// The domain: for every kind, addresses 0..max_address_of(kind); protocols 0..255; port keys
/// 0..65535 for tcp, udp, icmp and icmpv6, and only port key 0 for every other protocol (their
/// packets have no port). Every constructor intersects with that domain, so counts are counts of
/// real (peer, protocol, port) triples.
class PacketSet {
 public:
  PacketSet() = default;
  static PacketSet from_box(const Box& b);
  /// Every packet of the families, of every membership.
  static PacketSet universe(const std::vector<Family>& families);
  /// Union of many boxes, built by balanced merging.
  static PacketSet from_boxes(const std::vector<Box>& boxes);
  /// Union of many sets by balanced merging (cheaper than folding left).
  static PacketSet unite_all(std::vector<PacketSet> sets);

  PacketSet unite(const PacketSet& o) const;
  PacketSet intersect(const PacketSet& o) const;
  PacketSet subtract(const PacketSet& o) const;
  bool empty() const { return kinds_.empty(); }
  bool subset_of(const PacketSet& o) const;
  bool intersects(const PacketSet& o) const;
  bool operator==(const PacketSet& o) const;

  bool contains(const Packet& p, const PeerTable& peers) const;
  /// The smallest packet in the set (lowest kind, address, protocol, port), if any: a packet with
  /// no membership when the set has one.
  std::optional<Packet> witness(const PeerTable& peers) const;
  /// The packets of one kind only (e.g. address packets of a family with no membership).
  PacketSet kind_slice(PeerKind k) const;
  /// Exact number of (address, protocol, port key) points with no membership: the traffic the
  /// set allows whoever the members of references are.
  BigCount count() const;
  /// Interned member ids whose members' packets the set holds beyond what it holds for the same
  /// address with no membership ("plus the members of sg-2"), ascending.
  std::vector<PeerKind> extra_members(const PeerTable& peers) const;
  /// Disjoint boxes whose union is the set, in canonical order (kind ranges split at the family
  /// boundary); adjacent address intervals with the same (protocol, port) shape are merged.
  std::vector<Box> boxes() const;
  /// The families the set holds packets of.
  std::vector<Family> families() const;

  // Implementation levels; public so that generic helpers in the .cpp can reach them.
  template <class K, class V>
  struct Seg {
    K lo, hi;
    V v;
    bool operator==(const Seg&) const = default;
  };
  struct Unit {
    bool operator==(const Unit&) const = default;
  };
  using PortSet = std::vector<Seg<int, Unit>>;
  using ProtoMap = std::vector<Seg<int, PortSet>>;
  using AddrMap = std::vector<Seg<u128, ProtoMap>>;
  using KindMap = std::vector<Seg<PeerKind, AddrMap>>;

 private:
  KindMap kinds_;
};

/// Packet (a point) to a one-point box.
Box packet_box(const Packet& p, const PeerTable& peers);
/// "tcp 22-23 10.0.0.0/8" style text of a box (addresses as a range when not one CIDR, and the
/// memberships it is limited to).
std::string box_str(const Box& b, const PeerTable& peers);

}  // namespace sgopt
