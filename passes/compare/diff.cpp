// `diff`: pairs resources, computes each direction's exact difference with the native engine,
// and proves the verdict with Z3 (universal claims) and the reference evaluator (witnesses).
#include "passes/compare/diff.h"

#include "model/progress.h"
#include "model/topology.h"
#include "passes/workers.h"
#include "solver/encoding.h"

#include <fmt/format.h>
#include <z3++.h>

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>
#include <string_view>
#include <tuple>

namespace sgopt {

const char* verdict_name(Verdict v) {
  switch (v) {
    case Verdict::Equivalent: return "equivalent";
    case Verdict::Tighter: return "tighter";
    case Verdict::Looser: return "looser";
    case Verdict::Incomparable: return "incomparable";
    case Verdict::Unknown: return "unknown";
  }
  return "unknown";
}

Verdict verdict_of(bool gained_empty, bool lost_empty) {
  if (gained_empty && lost_empty) return Verdict::Equivalent;
  if (gained_empty) return Verdict::Tighter;
  if (lost_empty) return Verdict::Looser;
  return Verdict::Incomparable;
}

std::optional<Expectation> parse_expectation(std::string_view text) {
  if (text == "equivalent") return Expectation::Equivalent;
  if (text == "tighter") return Expectation::Tighter;
  if (text == "looser") return Expectation::Looser;
  if (text == "tighter-or-equal") return Expectation::TighterOrEqual;
  return std::nullopt;
}

const char* expectation_name(Expectation e) {
  switch (e) {
    case Expectation::Equivalent: return "equivalent";
    case Expectation::Tighter: return "tighter";
    case Expectation::Looser: return "looser";
    case Expectation::TighterOrEqual: return "tighter-or-equal";
  }
  return "equivalent";
}

bool meets(Verdict v, Expectation e) {
  switch (e) {
    case Expectation::Equivalent: return v == Verdict::Equivalent;
    case Expectation::Tighter: return v == Verdict::Tighter;
    case Expectation::Looser: return v == Verdict::Looser;
    case Expectation::TighterOrEqual: return v == Verdict::Tighter || v == Verdict::Equivalent;
  }
  return false;
}

bool meets(const DirectionDiff& d, Expectation e) {
  Verdict v = d.verdict();
  if (!d.partial) return meets(v, e);
  // The same unknown rules complete both sides: nothing the declared rules gain or lose is
  // certain to be gained or lost, but equal or within stays so.
  if (v == Verdict::Equivalent) return meets(v, e);
  return v == Verdict::Tighter && e == Expectation::TighterOrEqual;
}

const char* resource_kind_name(ResourceKind k) {
  switch (k) {
    case ResourceKind::Group: return "security group";
    case ResourceKind::Acl: return "network ACL";
    case ResourceKind::Interface: return "network interface";
  }
  return "resource";
}

const char* proof_state_name(ProofState s) {
  switch (s) {
    case ProofState::NotRun: return "not run";
    case ProofState::Proved: return "proved";
    case ProofState::Identical: return "identical";
    case ProofState::Unknown: return "unknown";
  }
  return "unknown";
}

bool list_allows(const RuleList& l, const Packet& p) {
  bool allowed = l.is_nacl ? nacl_decide(l.entries, p).allow : sg_allows(l.rules, p, l.refs.get());
  if (!allowed || !l.acl) return allowed;
  bool inside = std::any_of(l.acl->subnet.begin(), l.acl->subnet.end(),
                            [&](const Cidr& c) { return c.contains(p.family, p.addr); });
  return inside || nacl_decide(l.acl->entries, p).allow;
}

namespace {
std::vector<Box> subnet_boxes(const RuleList::AclLayer& layer) {
  std::vector<Box> out;
  for (const Cidr& c : layer.subnet) out.push_back(address_box(c.family, c.first(), c.last()));
  return out;
}
}  // namespace

PacketSet list_set(const RuleList& l, PeerTable& peers) {
  PacketSet allowed = l.is_nacl ? nacl_allowed_set(l.entries) : sg_set(l.rules, peers, l.refs.get());
  if (!l.acl) return allowed;
  return allowed.intersect(nacl_allowed_set(l.acl->entries).unite(PacketSet::from_boxes(subnet_boxes(*l.acl))));
}

std::string ResourceDiff::label() const {
  if (old_id.empty()) return new_id;
  if (new_id.empty() || new_id == old_id) return old_id;
  return fmt::format("{} -> {}", old_id, new_id);
}

// ---------------------------------------------------------------------------------------------
// One direction

DirectionDiff compare_rules(RuleList old_rules, RuleList new_rules, Direction d, PeerTable& peers) {
  DirectionDiff r;
  r.direction = d;
  // The same rules on both sides allow the same packets by construction: no sets to build.
  r.identical = identical_lists(old_rules, new_rules);
  if (!r.identical) {
    PacketSet before = list_set(old_rules, peers);
    PacketSet after = list_set(new_rules, peers);
    r.gained = after.subtract(before);
    r.lost = before.subtract(after);
  }
  r.native = verdict_of(r.gained.empty(), r.lost.empty());
  auto closes = [](const RuleList& l) {
    return l.refs && std::any_of(l.rules.begin(), l.rules.end(),
                                 [&](const SgRule& rule) { return l.refs->resolved(rule.peer) != nullptr; });
  };
  r.world = closes(old_rules) || closes(new_rules) ? World::Closed : World::Open;
  r.gained_regions = regions_of(r.gained);
  r.lost_regions = regions_of(r.lost);
  // Security-group rules are a union: the same value left open on both sides (the same rule of
  // two template versions, read from the same unknown) adds the same packets to both, so it makes
  // the comparison partial rather than unknown. Under first match (ACLs) only identical lists cancel.
  std::vector<bool> cancelled_old(old_rules.unresolved.size()), cancelled_new(new_rules.unresolved.size());
  // ACL entries decide in order: the same open values cancel only when the known entries are the
  // same too (the whole lists are then the same).
  bool nacl = old_rules.is_nacl || new_rules.is_nacl;
  if (!nacl || (r.identical && old_rules.unresolved.size() == new_rules.unresolved.size()))
    for (std::size_t i = 0; i < old_rules.unresolved.size(); ++i)
      for (std::size_t j = 0; j < new_rules.unresolved.size(); ++j)
        if (!cancelled_new[j] && old_rules.unresolved[i].what == new_rules.unresolved[j].what) {
          cancelled_old[i] = cancelled_new[j] = true;
          r.partial = r.partial || !nacl;
          break;
        }
  for (const auto& [side, l, cancelled] :
       {std::tuple{"old side", &old_rules, &cancelled_old}, std::tuple{"new side", &new_rules, &cancelled_new}})
    for (std::size_t i = 0; i < l->unresolved.size(); ++i) {
      if ((*cancelled)[i]) continue;
      const Unresolved& u = l->unresolved[i];
      r.unknown_because.push_back(u.where.line > 0 ? fmt::format("{}: {} (line {})", side, u.what, u.where.line)
                                                   : fmt::format("{}: {}", side, u.what));
      r.unknown_at.push_back(u.where);
    }
  r.partial = r.partial || old_rules.partial || new_rules.partial;
  r.old_rules = std::move(old_rules);
  r.new_rules = std::move(new_rules);
  return r;
}

namespace {

// ---------------------------------------------------------------------------------------------
// Proofs

/// The Z3 encoding of "allowed".
z3::expr list_formula(const RuleList& l, Encoder& enc) {
  z3::expr allowed = l.is_nacl ? enc.nacl_allows(l.entries) : enc.sg(l.rules, l.refs.get());
  if (!l.acl) return allowed;
  z3::expr_vector crossing(enc.ctx());
  crossing.push_back(enc.nacl_allows(l.acl->entries));
  for (const Box& b : subnet_boxes(*l.acl)) crossing.push_back(enc.box(b));
  return allowed && any_of(enc.ctx(), crossing);
}

z3::expr regions_formula(const std::vector<Region>& regions, Encoder& enc) {
  z3::expr_vector any(enc.ctx());
  for (const auto& r : regions)
    for (const auto& b : region_boxes(r)) any.push_back(enc.box(b));
  return any_of(enc.ctx(), any);
}

/// A formula that must be empty (unsat on the packet domain) for a claim to hold.
struct Obligation {
  std::string name;
  z3::expr formula;
};

/// The universal claims behind a direction's verdict and regions.
std::vector<Obligation> obligations(const DirectionDiff& d, Encoder& enc) {
  z3::expr before = list_formula(d.old_rules, enc);
  z3::expr after = list_formula(d.new_rules, enc);
  std::vector<Obligation> out;
  switch (d.native) {
    case Verdict::Equivalent: out.push_back({"equal", before != after}); break;
    case Verdict::Tighter: out.push_back({"new-within-old", after && !before}); break;
    case Verdict::Looser: out.push_back({"old-within-new", before && !after}); break;
    default: break;  // incomparable: both differences are shown by witnesses, no universal claim
  }
  if (!d.gained_regions.empty())
    out.push_back({"gained-regions-exact", (after && !before) != regions_formula(d.gained_regions, enc)});
  if (!d.lost_regions.empty())
    out.push_back({"lost-regions-exact", (before && !after) != regions_formula(d.lost_regions, enc)});
  return out;
}

void prove_direction(DirectionDiff& d, Encoder& enc, Prover& prover) {
  d.proof = ProofState::Proved;
  for (const auto& ob : obligations(d, enc)) {
    ProofResult r = prover.is_empty(ob.formula);
    if (r.status == ProofStatus::Refuted)
      throw std::logic_error(fmt::format("Z3 refutes the native engine's claim '{}' ({}): counterexample {}", ob.name,
                                         direction_name(d.direction), r.witness ? r.witness->str() : "none"));
    if (r.status == ProofStatus::Unknown) {
      d.proof = ProofState::Unknown;
      d.proof_note = fmt::format("Z3 could not decide '{}': {}", ob.name, r.reason.empty() ? "unknown" : r.reason);
      return;
    }
  }
}

/// What a reference stands for on one side, as the encodings read it: its member addresses when
/// resolved, else its membership (of one family when known).
bool same_reference(const Peer& p, const References* a, const References* b) {
  const ReferenceInfo* x = a ? a->find(p.type, p.ref) : nullptr;
  const ReferenceInfo* y = b ? b->find(p.type, p.ref) : nullptr;
  bool rx = x && x->resolved, ry = y && y->resolved;
  if (rx != ry) return false;
  if (!rx) return (x ? x->family : std::nullopt) == (y ? y->family : std::nullopt);
  auto members = [](const ReferenceInfo& i) {
    std::vector<std::tuple<Family, u128, int>> v;
    for (const Cidr& c : i.addresses) v.emplace_back(c.family, c.addr, c.len);
    std::sort(v.begin(), v.end());
    return v;
  };
  return members(*x) == members(*y);
}

}  // namespace

namespace {
// The same entries in evaluation order: the same first-match decisions by construction.
bool same_entries(const std::vector<NaclEntry>& a, const std::vector<NaclEntry>& b) {
  auto order = [](const std::vector<NaclEntry>& v) {
    std::vector<const NaclEntry*> out;
    for (const NaclEntry& e : v) out.push_back(&e);
    std::stable_sort(out.begin(), out.end(),
                     [](const NaclEntry* x, const NaclEntry* y) { return x->rule_number < y->rule_number; });
    return out;
  };
  auto x = order(a), y = order(b);
  if (x.size() != y.size()) return false;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const NaclEntry &p = *x[i], &q = *y[i];
    if (p.allow != q.allow || p.protocol != q.protocol || !(p.cidr == q.cidr) ||
        p.port_range.has_value() != q.port_range.has_value() || p.icmp.has_value() != q.icmp.has_value())
      return false;
    if (p.port_range && (p.port_range->from != q.port_range->from || p.port_range->to != q.port_range->to))
      return false;
    if (p.icmp && (p.icmp->type != q.icmp->type || p.icmp->code != q.icmp->code)) return false;
  }
  return true;
}
}  // namespace

bool identical_lists(const RuleList& a, const RuleList& b) {
  if (a.is_nacl != b.is_nacl || a.acl.has_value() != b.acl.has_value()) return false;
  if (a.acl && (!same_entries(a.acl->entries, b.acl->entries) || !(a.acl->subnet == b.acl->subnet))) return false;
  if (a.is_nacl) return same_entries(a.entries, b.entries);
  using Key = std::tuple<int, int, int, PeerType, u128, int, std::string_view>;
  auto keys = [](const std::vector<SgRule>& v) {
    std::vector<Key> out;
    out.reserve(v.size());
    for (const SgRule& r : v)
      out.emplace_back(r.protocol, r.from_port.value_or(-2), r.to_port.value_or(-2), r.peer.type,
                       r.peer.is_cidr() ? r.peer.cidr.addr : u128{0}, r.peer.is_cidr() ? r.peer.cidr.len : 0,
                       r.peer.is_cidr() ? std::string_view{} : std::string_view(r.peer.ref.str()));
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  };
  if (keys(a.rules) != keys(b.rules)) return false;
  for (const SgRule& r : a.rules)
    if (!r.peer.is_cidr() && !same_reference(r.peer, a.refs.get(), b.refs.get())) return false;
  return true;
}

void prove_directions(const std::vector<DirectionDiff*>& ds, const PeerTable& peers, unsigned timeout_ms,
                      unsigned threads) {
  std::vector<DirectionDiff*> todo;
  for (DirectionDiff* d : ds) {
    if (d->identical)
      d->proof = ProofState::Identical;
    else
      todo.push_back(d);
  }
  // Each worker proves the next direction with its own context and its own copy of the peer table
  // (which encoding only reads: the native engine interned every reference first).
  work_progress().start("proving directions", todo.size());
  run_workers(todo.size(), threads, [&](ItemQueue& items) {
    z3::context ctx;
    PeerTable mine = peers;
    Encoder enc(ctx, mine);
    Prover prover(enc, timeout_ms);
    for (std::size_t i; items.next(i);) {
      prove_direction(*todo[i], enc, prover);
      work_progress().step();
    }
  });
  work_progress().finish();
}

std::vector<Smt2Obligation> smt2_obligations(const DirectionDiff& d, PeerTable& peers) {
  z3::context ctx;
  Encoder enc(ctx, peers);
  Prover prover(enc);
  std::vector<Smt2Obligation> out;
  for (const auto& ob : obligations(d, enc)) out.push_back({ob.name, prover.smt2_empty(ob.formula)});
  return out;
}

void check_witnesses(const DirectionDiff& d, const PeerTable& peers) {
  auto check = [&](const std::vector<Region>& regions, const RuleList& yes, const RuleList& no, const char* what) {
    for (const auto& r : regions) {
      Packet w = region_witness(r, peers);
      if (!list_allows(yes, w) || list_allows(no, w))
        throw std::logic_error(fmt::format("the reference evaluator disagrees that {} is {} ({})", w.str(), what,
                                           direction_name(d.direction)));
    }
  };
  check(d.gained_regions, d.new_rules, d.old_rules, "newly allowed");
  check(d.lost_regions, d.old_rules, d.new_rules, "no longer allowed");
}

// ---------------------------------------------------------------------------------------------
// Pairing resources

namespace {

std::string name_tag(const Tags& tags) {
  for (const auto& [k, v] : tags)
    if (k == "Name") return v;
  return "";
}

std::string group_name(const SecurityGroup& g) { return g.name.empty() ? name_tag(g.tags) : g.name; }
std::string acl_name(const NetworkAcl& a) { return name_tag(a.tags); }
/// What a report calls the resource besides its id: the address that declares it, and its name.
template <class T>
std::string shown_name(const T& x, const std::string& name) {
  if (x.address.empty() || x.address == x.id) return name;
  return name.empty() || name == x.address ? x.address : fmt::format("{}, {}", x.address, name);
}

void add_unresolved(RuleList& l, const std::vector<Unresolved>& open, Direction d) {
  for (const Unresolved& u : open)
    if (u.direction == d) l.unresolved.push_back(u);
}

RuleList group_rules(const SecurityGroup* g, Direction d) {
  RuleList l;
  if (!g) return l;
  l.rules = g->rules(d);
  add_unresolved(l, g->unresolved, d);
  l.partial = g->partial;
  return l;
}

RuleList acl_rules(const NetworkAcl* a, Direction d) {
  RuleList l;
  l.is_nacl = true;
  if (!a) return l;
  l.entries = a->entries(d);
  add_unresolved(l, a->unresolved, d);
  return l;
}

template <class T>
std::string key_of(const T& x, MatchBy by);
template <>
std::string key_of(const SecurityGroup& g, MatchBy by) {
  return by == MatchBy::Id ? g.id : group_name(g);
}
template <>
std::string key_of(const NetworkAcl& a, MatchBy by) {
  if (by == MatchBy::Id) return a.id;
  std::string n = acl_name(a);
  return n.empty() ? a.id : n;  // an ACL without a Name tag is matched by id
}
template <>
std::string key_of(const NetworkInterface& eni, MatchBy) {
  return eni.id;  // interfaces are always matched by id
}

template <class T>
std::map<std::string, const T*> index_by(const std::vector<T>& items, MatchBy by, const char* side) {
  std::map<std::string, const T*> out;
  for (const auto& x : items) {
    auto [it, fresh] = out.emplace(key_of(x, by), &x);
    if (!fresh)
      throw std::invalid_argument(
          by == MatchBy::Name ? fmt::format("the {} side has two resources named '{}' ({} and {}); compare them "
                                            "with --left/--right or match by id",
                                            side, it->first, it->second->id, x.id)
                              : fmt::format("the {} side has two resources with id {}", side, x.id));
  }
  return out;
}

/// What each side's references stand for, and the same with nothing resolved.
struct Worlds {
  std::shared_ptr<const References> old_refs, new_refs, old_open, new_open;
};

// One direction in the world the snapshots give; when that is closed, also in the open world.
DirectionDiff compare_in_worlds(RuleList a, RuleList b, Direction d, PeerTable& peers, const Worlds& w) {
  RuleList open_a = a, open_b = b;
  a.refs = w.old_refs;
  b.refs = w.new_refs;
  DirectionDiff out = compare_rules(std::move(a), std::move(b), d, peers);
  if (out.world == World::Closed) {
    open_a.refs = w.old_open;
    open_b.refs = w.new_open;
    out.open_world = std::make_shared<DirectionDiff>(compare_rules(std::move(open_a), std::move(open_b), d, peers));
  }
  return out;
}

template <class T, class Rules>
ResourceDiff compare_pair(ResourceKind kind, const T* before, const T* after, const std::string& name, Rules rules,
                          PeerTable& peers, const Worlds& w) {
  ResourceDiff r;
  r.kind = kind;
  r.old_id = before ? before->id : "";
  r.new_id = after ? after->id : "";
  r.name = name;
  r.where = after ? after->where : before->where;
  for (Direction d : {Direction::Ingress, Direction::Egress})
    r.directions.push_back(compare_in_worlds(rules(before, d), rules(after, d), d, peers, w));
  return r;
}

// Matched pairs in the old side's order, then what only the new side has.
template <class T, class Rules, class Name>
void pair_up(const std::vector<T>& old_items, const std::vector<T>& new_items, ResourceKind kind, MatchBy by,
             Rules rules, Name name, PeerTable& peers, const Worlds& w, std::vector<ResourceDiff>& out) {
  auto old_index = index_by(old_items, by, "old");
  auto new_index = index_by(new_items, by, "new");
  for (const auto& x : old_items) {
    auto it = new_index.find(key_of(x, by));
    const T* after = it == new_index.end() ? nullptr : it->second;
    out.push_back(compare_pair(kind, &x, after, name(x), rules, peers, w));
  }
  for (const auto& y : new_items)
    if (!old_index.count(key_of(y, by)))
      out.push_back(compare_pair(kind, static_cast<const T*>(nullptr), &y, name(y), rules, peers, w));
}

// The union of an interface's groups; nullopt (with a note) when one of them is not loaded.
std::optional<RuleList> interface_rules(const NetworkInterface& eni, const Snapshot& s, Direction d, const char* side,
                                        std::vector<std::string>& notes) {
  RuleList l;
  for (const auto& gid : eni.group_ids) {
    const SecurityGroup* g = s.find_group(gid);
    if (!g) {
      if (d == Direction::Ingress)
        notes.push_back(fmt::format("network interface {} not compared: its group {} is not loaded on the {} side",
                                    eni.id, gid, side));
      return std::nullopt;
    }
    const auto& rules = g->rules(d);
    l.rules.insert(l.rules.end(), rules.begin(), rules.end());
    add_unresolved(l, g->unresolved, d);
    l.partial = l.partial || g->partial;
  }
  return l;
}

// The ACL layer of an interface on one side: its subnet's ACL, when a loaded one is known.
std::optional<RuleList::AclLayer> acl_layer(const NetworkInterface& eni, const Snapshot& s, Direction d) {
  Placement place = place_interface(s, eni);
  if (!place.acl) return std::nullopt;
  RuleList::AclLayer layer{place.acl->id, place.acl->entries(d), {}};
  if (place.subnet) layer.subnet = place.subnet->cidrs;
  return layer;
}

// An interface on both sides (or one): the union of its groups, and with both_layers the subnet's
// ACL too when both sides place it behind a loaded one (an interface on one side only is compared
// with nothing, so its own side's layers are judged).
std::optional<ResourceDiff> compare_interface(const NetworkInterface* before, const NetworkInterface* after,
                                              const Snapshot& old_s, const Snapshot& new_s, bool both_layers,
                                              PeerTable& peers, const Worlds& w, std::vector<std::string>& notes) {
  ResourceDiff r;
  r.kind = ResourceKind::Interface;
  r.old_id = before ? before->id : "";
  r.new_id = after ? after->id : "";
  r.name = before ? before->description : after->description;
  r.where = after ? after->where : before->where;
  for (Direction d : {Direction::Ingress, Direction::Egress}) {
    std::optional<RuleList> a = before ? interface_rules(*before, old_s, d, "old", notes) : RuleList{};
    std::optional<RuleList> b = after ? interface_rules(*after, new_s, d, "new", notes) : RuleList{};
    if (!a || !b) return std::nullopt;
    if (both_layers) {
      auto la = before ? acl_layer(*before, old_s, d) : std::nullopt;
      auto lb = after ? acl_layer(*after, new_s, d) : std::nullopt;
      if ((la || !before) && (lb || !after) && (la || lb)) {
        a->acl = la;
        b->acl = lb;
        r.old_acl = la ? la->acl_id : "";
        r.new_acl = lb ? lb->acl_id : "";
      } else if ((la || lb) && d == Direction::Ingress) {
        notes.push_back(
            fmt::format("network interface {}: only its groups are compared, as the {} side places it "
                        "behind no loaded network ACL",
                        r.label(), la ? "new" : "old"));
      }
    }
    r.directions.push_back(compare_in_worlds(std::move(*a), std::move(*b), d, peers, w));
  }
  return r;
}

void add_interfaces(const Snapshot& old_s, const Snapshot& new_s, bool both_layers, PeerTable& peers, const Worlds& w,
                    DiffReport& report) {
  std::set<std::string> carried;     // groups judged through interfaces
  std::vector<std::string> skipped;  // interfaces not compared (a group not loaded)
  // An id given twice (--lenient) is refused as it is for groups and ACLs.
  auto old_index = index_by(old_s.interfaces, MatchBy::Id, "old");
  auto new_index = index_by(new_s.interfaces, MatchBy::Id, "new");
  for (const auto& eni : old_s.interfaces) {
    auto it = new_index.find(eni.id);
    const NetworkInterface* after = it == new_index.end() ? nullptr : it->second;
    if (auto r = compare_interface(&eni, after, old_s, new_s, both_layers, peers, w, report.notes))
      report.resources.push_back(std::move(*r));
    else
      skipped.push_back(eni.id);
    carried.insert(eni.group_ids.begin(), eni.group_ids.end());
  }
  for (const auto& eni : new_s.interfaces) {
    if (!old_index.count(eni.id)) {
      if (auto r = compare_interface(nullptr, &eni, old_s, new_s, both_layers, peers, w, report.notes))
        report.resources.push_back(std::move(*r));
      else
        skipped.push_back(eni.id);
    }
    carried.insert(eni.group_ids.begin(), eni.group_ids.end());
  }
  // An ACL is judged through the interfaces behind it when every interface there was compared
  // with both layers (traffic sees them together); one compared on its groups only, or not at
  // all, leaves the ACL judged on its own.
  std::set<std::string> through, alone;
  auto judged_alone = [&](const std::string& eid) {
    for (auto [s, index] : {std::pair{&old_s, &old_index}, std::pair{&new_s, &new_index}})
      if (auto it = index->find(eid); it != index->end())
        if (const NetworkAcl* a = place_interface(*s, *it->second).acl) alone.insert(a->id);
  };
  for (const std::string& eid : skipped) judged_alone(eid);
  for (const auto& r : report.resources) {
    if (r.kind != ResourceKind::Interface) continue;
    for (const std::string& id : {r.old_acl, r.new_acl})
      if (!id.empty()) through.insert(id);
    if (r.old_acl.empty() && r.new_acl.empty())
      for (const std::string& eid : {r.old_id, r.new_id}) judged_alone(eid);
  }
  for (auto& r : report.resources) {
    if (r.kind == ResourceKind::Group && (carried.count(r.old_id) || carried.count(r.new_id))) r.judged = false;
    if (r.kind == ResourceKind::Acl && (through.count(r.old_id) || through.count(r.new_id)) && !alone.count(r.old_id) &&
        !alone.count(r.new_id))
      r.judged = false;
  }
}

// --left/--right: the left id is looked up on the old side first, the right id on the new side first.
ResourceDiff compare_named(const Snapshot& old_s, const Snapshot& new_s, const std::string& left,
                           const std::string& right, PeerTable& peers, const Worlds& w) {
  auto group = [](const Snapshot& a, const Snapshot& b, const std::string& id) {
    const SecurityGroup* g = a.find_group(id);
    return g ? g : b.find_group(id);
  };
  auto acl = [](const Snapshot& a, const Snapshot& b, const std::string& id) {
    const NetworkAcl* x = a.find_acl(id);
    return x ? x : b.find_acl(id);
  };
  const SecurityGroup* gl = group(old_s, new_s, left);
  const SecurityGroup* gr = group(new_s, old_s, right);
  const NetworkAcl* al = acl(old_s, new_s, left);
  const NetworkAcl* ar = acl(new_s, old_s, right);
  if (!gl && !al)
    throw std::invalid_argument(fmt::format("--left {}: no security group or network ACL has this id", left));
  if (!gr && !ar)
    throw std::invalid_argument(fmt::format("--right {}: no security group or network ACL has this id", right));
  if (gl && gr) return compare_pair(ResourceKind::Group, gl, gr, group_name(*gl), group_rules, peers, w);
  if (al && ar) return compare_pair(ResourceKind::Acl, al, ar, acl_name(*al), acl_rules, peers, w);
  throw std::invalid_argument(
      fmt::format("--left {} and --right {} are of different kinds (a security group and a network ACL)", left, right));
}

}  // namespace

DiffReport diff_snapshots(const Snapshot& old_s, const Snapshot& new_s, const DiffOptions& opts) {
  DiffReport report;
  PeerTable& peers = report.peers;
  Worlds w;
  w.old_refs = std::make_shared<const References>(old_s.references);
  w.new_refs = std::make_shared<const References>(new_s.references);
  w.old_open = std::make_shared<const References>(old_s.references.open());
  w.new_open = std::make_shared<const References>(new_s.references.open());
  if (!opts.left.empty() || !opts.right.empty()) {
    if (opts.left.empty() || opts.right.empty()) throw std::invalid_argument("--left and --right go together");
    report.resources.push_back(compare_named(old_s, new_s, opts.left, opts.right, peers, w));
    return report;
  }
  if (!opts.only_interfaces) {
    pair_up(
        old_s.groups, new_s.groups, ResourceKind::Group, opts.match, group_rules,
        [](const SecurityGroup& g) { return shown_name(g, group_name(g)); }, peers, w, report.resources);
    pair_up(
        old_s.acls, new_s.acls, ResourceKind::Acl, opts.match, acl_rules,
        [](const NetworkAcl& a) { return shown_name(a, acl_name(a)); }, peers, w, report.resources);
  }
  if (opts.interfaces && !old_s.interfaces.empty() && !new_s.interfaces.empty())
    add_interfaces(old_s, new_s, opts.both_layers, peers, w, report);
  return report;
}

DiffReport diff_and_prove(const Snapshot& old_s, const Snapshot& new_s, const DiffOptions& opts,
                          const ProveOptions& prove) {
  DiffReport report = diff_snapshots(old_s, new_s, opts);
  std::vector<DirectionDiff*> all;
  for (auto& r : report.resources)
    for (auto& d : r.directions) {
      all.push_back(&d);
      if (d.open_world) all.push_back(d.open_world.get());
    }
  if (prove.prove) prove_directions(all, report.peers, prove.timeout_ms, prove.threads);
  for (DirectionDiff* d : all) {
    check_witnesses(*d, report.peers);
    if (prove.smt2) d->smt2 = smt2_obligations(*d, report.peers);
  }
  return report;
}

}  // namespace sgopt
