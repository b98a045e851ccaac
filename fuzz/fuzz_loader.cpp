// libFuzzer target: bytes -> the describe-* loader (every document kind; NUL bytes split the input
// into several files, so that rule rows and groups meet in either order), then every analysis pass,
// minimize (proven equal by the native engine, and compared again with diff), the describe writer
// round trip of the input and of the minimized result, and diff of the snapshot with itself.
// Bad input (InputError) is expected; any other exception, a mismatch or a sanitizer report crashes.
#include "model/aws/loader.h"
#include "model/aws/writer.h"
#include "model/diagnostic.h"
#include "model/match.h"
#include "passes/compare/diff.h"
#include "passes/pass.h"
#include "passes/transforms/minimize_snapshot.h"
#include "solver/proof_session.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace sgopt {
namespace {

constexpr std::size_t kMaxDocuments = 4;

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "fuzz_loader: %s\n", what.c_str());
  std::abort();
}

std::vector<std::string_view> documents(std::string_view input) {
  std::vector<std::string_view> out;
  while (out.size() + 1 < kMaxDocuments) {
    std::size_t nul = input.find('\0');
    if (nul == std::string_view::npos) break;
    out.push_back(input.substr(0, nul));
    input.remove_prefix(nul + 1);
  }
  out.push_back(input);
  return out;
}

/// Loads the documents as load_inputs loads files, or returns false on bad input.
bool load(const std::vector<std::string_view>& docs, const LoadOptions& options, Snapshot& out) {
  Snapshot s;
  try {
    for (std::size_t i = 0; i < docs.size(); ++i) load_document(s, docs[i], fmt::format("in-{}.json", i), options);
    s.resolve_references(options.references);
  } catch (const InputError&) {
    return false;
  }
  out = std::move(s);
  return true;
}

// A rule as AWS decides it plus what the writer must keep: the writer may regroup a group's rules
// (rules with equal protocol and ports share one permission) and drop ports that mean nothing.
using RuleKey = std::tuple<int, int, int, int, int, Family, u128, int, std::string, std::string, std::string>;
RuleKey rule_key(const SgRule& r) {
  MatchBox m = sg_rule_match(r);
  return {
      m.proto_lo,       m.proto_hi,      m.port_lo,  m.port_hi,      static_cast<int>(r.peer.type), r.peer.cidr.family,
      r.peer.cidr.addr, r.peer.cidr.len, r.peer.ref, r.peer.user_id, r.source.description.str()};
}

std::multiset<RuleKey> rule_keys(const std::vector<SgRule>& rules) {
  std::multiset<RuleKey> out;
  for (const SgRule& r : rules) out.insert(rule_key(r));
  return out;
}

bool same_entry(const NaclEntry& x, const NaclEntry& y) {
  return x.rule_number == y.rule_number && x.allow == y.allow && x.direction == y.direction &&
         nacl_entry_match(x) == nacl_entry_match(y) && x.cidr == y.cidr;
}

/// write_snapshot and load again: the same groups and ACLs must come back.
void check_round_trip(const std::vector<SecurityGroup>& groups, const std::vector<NetworkAcl>& acls,
                      const LoadOptions& options, const char* what) {
  if (groups.empty() && acls.empty()) return;
  std::string text = write_snapshot(groups, acls);
  Snapshot back;
  try {
    load_document(back, text, "written.json", options);
  } catch (const InputError& e) {
    fail(fmt::format("the writer's output of {} does not load: {}\n{}", what, e.what(), text));
  }
  if (back.groups.size() != groups.size() || back.acls.size() != acls.size())
    fail(fmt::format("{}: {} groups and {} ACLs written, {} and {} read back", what, groups.size(), acls.size(),
                     back.groups.size(), back.acls.size()));
  for (std::size_t i = 0; i < groups.size(); ++i) {
    const SecurityGroup &x = groups[i], &y = back.groups[i];
    if (x.id != y.id || x.name != y.name || x.description != y.description || x.vpc_id != y.vpc_id ||
        x.owner_id != y.owner_id || x.tags != y.tags)
      fail(fmt::format("{}: group {} comes back as {} with other fields", what, x.id, y.id));
    for (Direction d : {Direction::Ingress, Direction::Egress})
      if (rule_keys(x.rules(d)) != rule_keys(y.rules(d)))
        fail(fmt::format("{}: the {} rules of group {} do not come back the same\n{}", what, direction_name(d), x.id,
                         text));
  }
  for (std::size_t i = 0; i < acls.size(); ++i) {
    const NetworkAcl &x = acls[i], &y = back.acls[i];
    if (x.id != y.id || x.vpc_id != y.vpc_id || x.owner_id != y.owner_id || x.is_default != y.is_default ||
        x.tags != y.tags || x.subnet_ids != y.subnet_ids)
      fail(fmt::format("{}: ACL {} comes back as {} with other fields", what, x.id, y.id));
    for (Direction d : {Direction::Ingress, Direction::Egress}) {
      const auto &a = x.entries(d), &b = y.entries(d);
      if (a.size() != b.size() || !std::equal(a.begin(), a.end(), b.begin(), same_entry))
        fail(fmt::format("{}: the {} entries of ACL {} do not come back the same\n{}", what, direction_name(d), x.id,
                         text));
    }
  }
}

/// Every compared direction, in both worlds, must be equivalent.
void check_equivalent(const Snapshot& a, const Snapshot& b, const LoadOptions& options, const char* what) {
  DiffReport report;
  ProveOptions prove;
  prove.prove = false;  // the native engine decides; every witness is still checked
  try {
    report = diff_and_prove(a, b, DiffOptions{}, prove);
  } catch (const std::invalid_argument&) {
    if (!options.lenient) throw;
    return;  // two resources with one id (--lenient input): diff refuses to pair them
  }
  for (const ResourceDiff& r : report.resources)
    for (const DirectionDiff& d : r.directions)
      for (const DirectionDiff* dd : {&d, static_cast<const DirectionDiff*>(d.open_world.get())})
        if (dd && dd->verdict() != Verdict::Equivalent)
          fail(fmt::format("{}: {} {} is {}, not equivalent", what, r.label(), direction_name(d.direction),
                           verdict_name(dd->verdict())));
}

void check_minimize(const Snapshot& s, const LoadOptions& options) {
  if (s.groups.empty() && s.acls.empty()) return;
  static ProofSession session;
  SnapshotMinimizeOptions mo;
  mo.proof.prove_with_z3 = false;  // the native proof is exact; Z3's is timed and slow per input
  mo.proof.session = &session;
  SnapshotMinimizeResult r = minimize_snapshot(s, mo);
  for (const GroupResult& g : r.group_results)
    for (const GroupDirectionResult& d : g.directions)
      if (d.minimized.proof == Proof::Failed)
        fail(fmt::format("minimize: group {} {}: {}", g.id, direction_name(d.direction), d.minimized.note));
  for (const AclResult& a : r.acl_results)
    for (const AclDirectionResult& d : a.directions)
      if (d.minimized.proof == Proof::Failed)
        fail(fmt::format("minimize: ACL {} {}: {}", a.id, direction_name(d.direction), d.minimized.note));
  Snapshot m = s;
  m.groups = r.groups;
  m.acls = r.acls;
  check_equivalent(s, m, options, "diff of the input and its minimized form");
  check_round_trip(r.groups, r.acls, options, "the minimized snapshot");
}

void run(std::string_view input) {
  std::vector<std::string_view> docs = documents(input);
  if (docs.size() > 1) {
    // Read whole, the NUL byte that split it is a syntax error, never the end of the document.
    Snapshot whole;
    try {
      load_document(whole, input, "whole.json");
      fail("a document with a NUL byte loads");
    } catch (const InputError&) {
    }
  }
  LoadOptions options;
  Snapshot s;
  if (!load(docs, options, s)) {
    options.lenient = true;
    if (!load(docs, options, s)) return;
  }
  run_analyses(s, all_passes(), AnalysisOptions{}, 1);
  // minimize refuses what leaves values open (the rules they feed would be lost).
  if (open_directions(s) == 0) check_minimize(s, options);
  check_round_trip(s.groups, s.acls, options, "the input");
  check_equivalent(s, s, options, "diff of the snapshot with itself");
}

}  // namespace
}  // namespace sgopt

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    sgopt::run(std::string_view(reinterpret_cast<const char*>(data), size));
  } catch (const sgopt::InputError&) {
    // Bad input, said as the CLI would say it.
  }
  return 0;
}
