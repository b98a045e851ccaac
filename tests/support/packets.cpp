// Boundary and random packets for a rule set.
#include "tests/support/packets.h"

#include "model/protocol.h"

#include <algorithm>
#include <set>
#include <tuple>

namespace sgopt::test_support {

struct PacketSampler::Probe {
  bool is_cidr = true;
  Cidr cidr;       // a CIDR peer
  Membership ref;  // a reference peer
  int protocol = -1;
  std::vector<int> port_keys;  // keys around this rule's ports or ICMP type/code
};

namespace {

using Probe = PacketSampler::Probe;

constexpr int kMaxKey = 65535;
const Membership kUnknownRef{PeerType::Group, "sg-not-in-any-rule"};

void add_key(std::vector<int>& keys, int k) {
  if (k >= 0 && k <= kMaxKey) keys.push_back(k);
}

// Port ends and one past, read as plainly as possible (the evaluators decide what they mean).
std::vector<int> port_keys(int from, int to) {
  std::vector<int> keys;
  for (int k : {from - 1, from, to, to + 1}) add_key(keys, k);
  return keys;
}

// The ICMP type/code and its neighbours: codes next to it, the type's first and last code, and
// the keys just outside the type.
std::vector<int> icmp_keys(int type, int code) {
  std::vector<int> keys;
  if (type < 0 || type > 255) {
    for (int k : {0, 3 * 256 + 4, 8 * 256, kMaxKey}) add_key(keys, k);
    return keys;
  }
  int base = type * 256;
  for (int k : {base - 1, base, base + 255, base + 256}) add_key(keys, k);
  if (code >= 0 && code <= 255)
    for (int k : {base + code - 1, base + code, base + code + 1}) add_key(keys, k);
  return keys;
}

Probe probe_of(const SgRule& r) {
  Probe p{r.peer.is_cidr(), r.peer.cidr, Membership{r.peer.type, r.peer.ref}, r.protocol, {}};
  int from = r.from_port.value_or(-1), to = r.to_port.value_or(-1);
  if (is_port_protocol(r.protocol)) p.port_keys = port_keys(from < 0 ? 0 : from, to < 0 ? kMaxKey : to);
  if (is_icmp_protocol(r.protocol)) p.port_keys = icmp_keys(from, to);
  return p;
}

Probe probe_of(const NaclEntry& e) {
  Probe p{true, e.cidr, {}, e.protocol, {}};
  if (is_port_protocol(e.protocol) && e.port_range) p.port_keys = port_keys(e.port_range->from, e.port_range->to);
  if (is_icmp_protocol(e.protocol) && e.icmp) p.port_keys = icmp_keys(e.icmp->type, e.icmp->code);
  return p;
}

// A CIDR's first and last address and one past on both sides.
std::vector<u128> cidr_edges(const Cidr& c) {
  std::vector<u128> out{c.first(), c.last()};
  if (c.first() > 0) out.push_back(c.first() - 1);
  if (c.last() < max_address(c.family)) out.push_back(c.last() + 1);
  return out;
}

// The protocol whose packets look most like p's: tcp/udp, icmp/icmpv6.
int sibling(int p) {
  switch (p) {
    case kTcp: return kUdp;
    case kUdp: return kTcp;
    case kIcmp: return kIcmpv6;
    case kIcmpv6: return kIcmp;
    default: return p;
  }
}

// The first protocol number that no probe mentions and that carries no port.
int unmentioned_protocol(const std::vector<Probe>& probes) {
  std::set<int> used;
  for (const auto& p : probes) used.insert(p.protocol);
  for (int n = 0; n <= 255; ++n)
    if (!has_port_key(n) && !used.count(n)) return n;
  return 255;
}

void sort_unique(std::vector<Packet>& ps) {
  auto key = [](const Packet& p) {
    return std::make_tuple(p.family, p.addr, p.member ? static_cast<int>(p.member->type) : -1,
                           p.member ? p.member->id : std::string(), p.protocol, p.port_key);
  };
  std::sort(ps.begin(), ps.end(), [&](const Packet& a, const Packet& b) { return key(a) < key(b); });
  ps.erase(std::unique(ps.begin(), ps.end()), ps.end());
}

std::vector<Packet> boundary_of(const std::vector<Probe>& probes) {
  const int other = unmentioned_protocol(probes);
  std::vector<int> all_protocols{kIcmp, kTcp, kUdp, kIcmpv6, other};
  for (const auto& p : probes)
    if (p.protocol >= 0) all_protocols.push_back(p.protocol);
  std::sort(all_protocols.begin(), all_protocols.end());
  all_protocols.erase(std::unique(all_protocols.begin(), all_protocols.end()), all_protocols.end());

  // Every reference the rules name, and one they do not: members of each at the probes' CIDR
  // edges show how CIDR rules and reference rules combine.
  std::vector<Membership> refs{kUnknownRef};
  for (const auto& pr : probes)
    if (!pr.is_cidr && std::find(refs.begin(), refs.end(), pr.ref) == refs.end()) refs.push_back(pr.ref);
  std::vector<Packet> out;
  for (const auto& pr : probes) {
    // Peers (protocol and port come below): the block's edges, the same address in the other
    // family, and members of every reference there; or members of the reference at both ends of
    // each family, and members of the other kind of reference with the same name.
    std::vector<Packet> peers;
    auto add = [&](Family f, u128 a, std::optional<Membership> m) {
      Packet p;
      p.family = f;
      p.addr = a & max_address(f);
      p.member = std::move(m);
      peers.push_back(std::move(p));
    };
    if (pr.is_cidr) {
      for (u128 a : cidr_edges(pr.cidr)) add(pr.cidr.family, a, std::nullopt);
      Family flip = pr.cidr.family == Family::V4 ? Family::V6 : Family::V4;
      add(flip, pr.cidr.first(), std::nullopt);
      for (const Membership& m : refs) add(pr.cidr.family, pr.cidr.first(), m);
    } else {
      Membership flip{pr.ref.type == PeerType::Group ? PeerType::PrefixList : PeerType::Group, pr.ref.id};
      for (Family f : {Family::V4, Family::V6})
        for (u128 a : {u128{0}, max_address(f)}) {
          add(f, a, pr.ref);
          add(f, a, flip);
          add(f, a, std::nullopt);
        }
    }
    std::vector<int> protocols = all_protocols;
    if (pr.protocol >= 0) protocols = {pr.protocol, sibling(pr.protocol), other};
    for (int proto : protocols) {
      std::vector<int> keys{0, kMaxKey};
      if (proto == pr.protocol) keys.insert(keys.end(), pr.port_keys.begin(), pr.port_keys.end());
      if (!has_port_key(proto)) keys = {0};
      for (Packet p : peers)
        for (int k : keys) {
          p.protocol = proto;
          p.port_key = k;
          out.push_back(p);
        }
    }
  }
  sort_unique(out);
  return out;
}

template <class T>
std::vector<Probe> probes_of(const std::vector<T>& xs) {
  std::vector<Probe> out;
  out.reserve(xs.size());
  for (const auto& x : xs) out.push_back(probe_of(x));
  return out;
}

u128 uniform_u128(std::mt19937_64& rng) {
  u128 high = rng();
  return (high << 64) | rng();
}

template <class T>
const T& pick(const std::vector<T>& xs, std::mt19937_64& rng) {
  return xs[std::uniform_int_distribution<std::size_t>(0, xs.size() - 1)(rng)];
}

}  // namespace

std::vector<Packet> boundary_packets(const std::vector<SgRule>& rules) { return boundary_of(probes_of(rules)); }
std::vector<Packet> boundary_packets(const std::vector<NaclEntry>& entries) { return boundary_of(probes_of(entries)); }

PacketSampler::PacketSampler(const std::vector<SgRule>& rules) { build(probes_of(rules)); }
PacketSampler::PacketSampler(const std::vector<NaclEntry>& entries) { build(probes_of(entries)); }

void PacketSampler::build(const std::vector<Probe>& probes) {
  protocols_ = {kIcmp, kTcp, kUdp, kIcmpv6, unmentioned_protocol(probes)};
  refs_.push_back({kUnknownRef.type, kUnknownRef.id});
  for (const auto& p : probes) {
    if (p.protocol >= 0) protocols_.push_back(p.protocol);
    auto& keys = is_icmp_protocol(p.protocol) ? icmp_keys_ : port_keys_;
    keys.insert(keys.end(), p.port_keys.begin(), p.port_keys.end());
    if (!p.is_cidr) {
      refs_.push_back({p.ref.type, p.ref.id});
    } else if (p.cidr.family == Family::V4) {
      cidrs_v4_.push_back(p.cidr);
    } else {
      cidrs_v6_.push_back(p.cidr);
    }
  }
  for (const auto& c : cidrs_v4_)
    for (u128 a : cidr_edges(c)) v4_.push_back(a);
  for (const auto& c : cidrs_v6_)
    for (u128 a : cidr_edges(c)) v6_.push_back(a);
}

Packet PacketSampler::next(std::mt19937_64& rng) const {
  std::uniform_int_distribution<int> percent(0, 99);
  Packet p;
  int who = percent(rng);
  if (who < 20) {
    const auto& [type, ref] = pick(refs_, rng);
    p.member = Membership{type, ref};
  }
  {
    bool v4 = percent(rng) < 60;
    p.family = v4 ? Family::V4 : Family::V6;
    const auto& edges = v4 ? v4_ : v6_;
    const auto& cidrs = v4 ? cidrs_v4_ : cidrs_v6_;
    int how = percent(rng);
    if (how < 40 && !edges.empty()) {
      p.addr = pick(edges, rng);
    } else if (how < 70 && !cidrs.empty()) {
      const Cidr& c = pick(cidrs, rng);
      u128 span = c.last() - c.first();
      u128 r = uniform_u128(rng);
      p.addr = c.first() + (span == ~u128{0} ? r : r % (span + 1));
    } else {
      p.addr = uniform_u128(rng) & max_address(p.family);
    }
  }
  p.protocol = percent(rng) < 70 ? pick(protocols_, rng) : std::uniform_int_distribution<int>(0, 255)(rng);
  if (has_port_key(p.protocol)) {
    const auto& keys = is_icmp_protocol(p.protocol) ? icmp_keys_ : port_keys_;
    p.port_key =
        percent(rng) < 60 && !keys.empty() ? pick(keys, rng) : std::uniform_int_distribution<int>(0, kMaxKey)(rng);
  }
  return p;
}

std::vector<Packet> PacketSampler::sample(std::size_t n, std::mt19937_64& rng) const {
  std::vector<Packet> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) out.push_back(next(rng));
  return out;
}

}  // namespace sgopt::test_support
