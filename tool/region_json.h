// JSON renderings of regions and packets, shared by the commands that describe traffic (diff, minimize).
#pragma once

#include <nlohmann/json.hpp>

#include <vector>

#include "model/packet.h"
#include "solver/regions.h"

namespace sgopt::cli {

/// {"text": "tcp 10.0.0.1 port 22", "peer": "10.0.0.1", "protocol": 6, "port_key": 22}
nlohmann::json packet_json(const Packet& p);
/// {"traffic", "protocols": [[lo, hi], ...], "port_keys": [lo, hi], "peers": [...], "count", "witness"}
/// The count is a decimal string (it can exceed 2^64).
nlohmann::json region_json(const Region& r, const PeerTable& peers);
/// {"count": "N", "regions": [...]} for a whole set and its regions.
nlohmann::json regions_json(const PacketSet& set, const std::vector<Region>& regions, const PeerTable& peers);

}  // namespace sgopt::cli
