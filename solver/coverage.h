// Set-cover helpers shared by the analyses: box overlap, small covering sets, typical witnesses.
#pragma once

#include "solver/packet_set.h"

#include <optional>
#include <vector>

namespace sgopt {

/// True when the boxes share a point (as boxes; a cheap filter before exact set operations).
bool boxes_overlap(const Box& a, const Box& b);
/// A small subset of `pieces` (indices) whose union covers `target`, or an empty vector when the
/// union of all pieces does not. Greedy on the largest piece first, then pruned so that no chosen
/// piece can be dropped. Pieces should already be clipped to the target.
std::vector<std::size_t> small_cover(const PacketSet& target, const std::vector<PacketSet>& pieces);

/// A witness a person recognises: the smallest packet of the set, preferring tcp, then udp, icmp
/// and icmpv6 over other protocol numbers.
std::optional<Packet> typical_witness(const PacketSet& s, const PeerTable& peers);

}  // namespace sgopt
