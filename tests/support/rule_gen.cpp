// Random SG rules, NACL entries and equivalent rewrites.
#include "tests/support/rule_gen.h"

#include "model/protocol.h"

#include <algorithm>

namespace sgopt::test_support {
namespace {

using Rng = std::mt19937_64;

int uniform(Rng& rng, int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }
bool chance(Rng& rng, int percent) { return uniform(rng, 0, 99) < percent; }

template <class T>
T pick(Rng& rng, std::initializer_list<T> xs) {
  return *(xs.begin() + uniform(rng, 0, static_cast<int>(xs.size()) - 1));
}

u128 host_mask(Family f, int len) {
  int host = address_bits(f) - len;
  return host >= 128 ? ~u128{0} : (u128{1} << host) - 1;
}

Cidr canonical(Family f, u128 addr, int len) { return Cidr{f, addr & max_address(f) & ~host_mask(f, len), len}; }

u128 random_u128(Rng& rng) {
  u128 high = rng();
  return (high << 64) | rng();
}

// Blocks near a few shared bases, so that rules overlap, nest and touch; narrow ones are /16 or
// /48 and longer.
Cidr random_cidr(Rng& rng, Family f, bool narrow = false) {
  int bits = address_bits(f);
  int min_len = narrow ? (f == Family::V4 ? 16 : 48) : 0;
  auto length = [&](std::initializer_list<int> common) {
    int len = chance(rng, 70) ? pick(rng, common) : uniform(rng, 0, bits);
    return len < min_len ? uniform(rng, min_len, bits) : len;
  };
  u128 random = random_u128(rng);
  if (f == Family::V4) {
    u128 base = pick<u128>(rng, {0x0a000000u, 0x0a010000u, 0xc0a80000u, 0xac100000u, 0xcb007100u, 0xffffffffu, 0});
    u128 addr = chance(rng, 75) ? base | (random & 0x0000ffffu) : random;
    return canonical(f, addr, length({0, 8, 12, 16, 23, 24, 25, 28, 31, 32}));
  }
  u128 db8 = static_cast<u128>(0x20010db8u) << 96;
  u128 fd00 = static_cast<u128>(0xfd00u) << 112;
  u128 base = pick<u128>(rng, {db8, db8 | (u128{1} << 64), fd00, 0, ~u128{0}});
  u128 addr = chance(rng, 75) ? base | (random & ((u128{1} << 72) - 1)) : random;
  return canonical(f, addr, length({0, 32, 48, 56, 63, 64, 65, 96, 127, 128}));
}

int random_port(Rng& rng) {
  return chance(rng, 60) ? pick(rng, {0, 1, 22, 53, 80, 443, 1023, 1024, 3389, 8080, 32768, 65534, 65535})
                         : uniform(rng, 0, 65535);
}

int random_icmp_type(Rng& rng, int protocol) {
  if (chance(rng, 15)) return uniform(rng, 0, 255);
  return protocol == kIcmp ? pick(rng, {0, 3, 5, 8, 11, 255}) : pick(rng, {1, 2, 128, 129, 135, 255});
}

int random_other_protocol(Rng& rng) {
  int p = chance(rng, 70) ? pick(rng, {0, 2, 4, 41, 47, 50, 51, 132, 255}) : uniform(rng, 0, 255);
  return has_port_key(p) ? 50 : p;
}

// Protocol with FromPort/ToPort as describe-security-groups could hold them.
void random_sg_match(Rng& rng, SgRule& r, Breadth breadth) {
  int kind = uniform(rng, 0, breadth == Breadth::Narrow ? 59 : 99);  // Narrow: tcp, udp, icmp only
  if (kind < 35) {
    r.protocol = chance(rng, 70) ? kTcp : kUdp;
    int how = uniform(rng, 0, 9);
    if (how < 4) {
      r.from_port = r.to_port = random_port(rng);
    } else if (how < 7) {
      int a = random_port(rng), b = random_port(rng);
      r.from_port = std::min(a, b);
      r.to_port = std::max(a, b);
    } else if (how < 8) {
      r.from_port = 0;
      r.to_port = 65535;
    } else if (how < 9) {
      r.from_port = r.to_port = -1;  // the CLI's --port all
    }                                // else: no ports at all
  } else if (kind < 60) {
    r.protocol = chance(rng, 55) ? kIcmp : kIcmpv6;
    int how = uniform(rng, 0, 9);
    if (how < 2) {
      r.from_port = r.to_port = -1;
    } else if (how < 5) {
      r.from_port = random_icmp_type(rng, r.protocol);
      r.to_port = -1;
    } else if (how < 9) {
      r.from_port = random_icmp_type(rng, r.protocol);
      r.to_port = chance(rng, 70) ? pick(rng, {0, 1, 4, 255}) : uniform(rng, 0, 255);
    }  // else: no ports (all types and codes)
  } else if (kind < 80) {
    r.protocol = kAllProtocols;
    if (chance(rng, 40)) r.from_port = r.to_port = chance(rng, 50) ? -1 : 0;
  } else {
    r.protocol = random_other_protocol(rng);
    if (chance(rng, 40)) {
      r.from_port = random_port(rng);
      r.to_port = std::max(*r.from_port, random_port(rng));
    }
  }
}

Peer random_peer(Rng& rng, Breadth breadth) {
  bool narrow = breadth == Breadth::Narrow;
  Peer p;
  int kind = uniform(rng, 0, 99);
  if (kind < 55) {
    p.type = PeerType::Ipv4;
    p.cidr = random_cidr(rng, Family::V4, narrow);
  } else if (kind < 80) {
    p.type = PeerType::Ipv6;
    p.cidr = random_cidr(rng, Family::V6, narrow);
  } else if (kind < 92) {
    p.type = PeerType::Group;
    p.ref = pick<const char*>(rng, {"sg-a", "sg-b", "sg-c"});
  } else {
    p.type = PeerType::PrefixList;
    p.ref = pick<const char*>(rng, {"pl-a", "pl-b"});
  }
  return p;
}

void random_nacl_match(Rng& rng, NaclEntry& e) {
  int kind = uniform(rng, 0, 99);
  if (kind < 40) {
    e.protocol = chance(rng, 70) ? kTcp : kUdp;
    if (chance(rng, 90)) {
      int a = random_port(rng), b = chance(rng, 40) ? a : random_port(rng);
      e.port_range = PortRange{std::min(a, b), std::max(a, b)};
    }
  } else if (kind < 65) {
    e.protocol = chance(rng, 50) ? kIcmp : kIcmpv6;
    if (chance(rng, 85)) {
      IcmpTypeCode tc;
      if (chance(rng, 80)) {
        tc.type = random_icmp_type(rng, e.protocol);
        if (chance(rng, 60)) tc.code = chance(rng, 70) ? pick(rng, {0, 1, 4}) : uniform(rng, 0, 255);
      }
      e.icmp = tc;
    }
  } else if (kind < 85) {
    e.protocol = kAllProtocols;
  } else {
    e.protocol = random_other_protocol(rng);
    if (chance(rng, 30)) e.port_range = PortRange{0, random_port(rng)};  // ignored by AWS
  }
}

NaclEntry default_deny(int number, Family f) {
  NaclEntry e;
  e.rule_number = number;
  e.cidr = Cidr{f, 0, 0};
  e.source.resource_id = "acl-random";
  return e;
}

}  // namespace

std::vector<SgRule> random_sg_rules(Rng& rng, std::size_t n, Breadth breadth) {
  std::vector<SgRule> rules(n);
  for (std::size_t i = 0; i < n; ++i) {
    SgRule& r = rules[i];
    random_sg_match(rng, r, breadth);
    r.peer = random_peer(rng, breadth);
    r.source.resource_id = "sg-random";
    r.source.permission_index = static_cast<int>(i);
    r.source.peer_text = r.peer.str();
  }
  return rules;
}

std::vector<NaclEntry> random_nacl_entries(Rng& rng, std::size_t n, bool default_denies) {
  std::vector<int> numbers;
  while (numbers.size() < n) {
    numbers.push_back(chance(rng, 70) ? uniform(rng, 1, 40) * 10 : uniform(rng, 1, 32766));
    std::sort(numbers.begin(), numbers.end());
    numbers.erase(std::unique(numbers.begin(), numbers.end()), numbers.end());
  }
  std::vector<NaclEntry> entries(n);
  for (std::size_t i = 0; i < n; ++i) {
    NaclEntry& e = entries[i];
    e.rule_number = numbers[i];
    e.allow = chance(rng, 60);
    random_nacl_match(rng, e);
    e.cidr = random_cidr(rng, chance(rng, 65) ? Family::V4 : Family::V6);
    e.source.resource_id = "acl-random";
    e.source.peer_text = e.cidr.str();
  }
  if (default_denies) {
    entries.push_back(default_deny(kNaclDefaultDenyV4, Family::V4));
    entries.push_back(default_deny(kNaclDefaultDenyV6, Family::V6));
  }
  return entries;
}

std::vector<SgRule> equivalent_sg_rules(const std::vector<SgRule>& rules, Rng& rng) {
  std::vector<SgRule> out;
  for (const auto& r : rules) {
    int how = uniform(rng, 0, 9);
    const Cidr& c = r.peer.cidr;
    bool tcp_udp =
        is_port_protocol(r.protocol) && r.from_port && r.to_port && *r.from_port >= 0 && *r.to_port > *r.from_port;
    if (how < 3 && r.peer.is_cidr() && c.len < address_bits(c.family)) {
      // Two halves of the block.
      SgRule lo = r, hi = r;
      lo.peer.cidr.len = hi.peer.cidr.len = c.len + 1;
      hi.peer.cidr.addr = c.addr | (u128{1} << (address_bits(c.family) - c.len - 1));
      out.push_back(lo);
      out.push_back(hi);
    } else if (how < 5 && tcp_udp) {
      // Two halves of the port range.
      SgRule lo = r, hi = r;
      int mid = uniform(rng, *r.from_port, *r.to_port - 1);
      lo.to_port = mid;
      hi.from_port = mid + 1;
      out.push_back(lo);
      out.push_back(hi);
    } else if (how < 7) {
      // The rule and a copy of it (AWS forbids exact duplicates, IaC does not).
      out.push_back(r);
      out.push_back(r);
    } else if (how < 8 && r.peer.is_cidr()) {
      // The rule and a narrower copy it covers.
      SgRule narrow = r;
      u128 inside = c.addr | (random_u128(rng) & host_mask(c.family, c.len));
      narrow.peer.cidr = canonical(c.family, inside, uniform(rng, c.len, address_bits(c.family)));
      out.push_back(r);
      out.push_back(narrow);
    } else {
      out.push_back(r);
    }
  }
  std::shuffle(out.begin(), out.end(), rng);
  return out;
}

}  // namespace sgopt::test_support
