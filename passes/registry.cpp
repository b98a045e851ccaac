// The pass registry and the parallel driver that runs analyses over a snapshot.
#include "model/progress.h"
#include "model/topology.h"
#include "passes/analyses/account_hygiene.h"
#include "passes/pass.h"
#include "passes/workers.h"

#include <fmt/format.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <set>
#include <stdexcept>

namespace sgopt {

#define SGOPT_PASS(id, name, description) Pass& pass_##id();
#include "passes/passes.def"
#undef SGOPT_PASS

Finding finding_of(const FindingKind& kind) {
  Finding f;
  f.kind = kind.id;
  f.severity = kind.severity;
  return f;
}

const FindingKind* Pass::kind(std::string_view id) const {
  for (const FindingKind* k : kinds())
    if (id == k->id) return k;
  return nullptr;
}

const std::vector<const Pass*>& all_passes() {
  static const std::vector<const Pass*> passes = [] {
    std::vector<const Pass*> v;
#define SGOPT_PASS(id, name, description) \
  {                                       \
    Pass& p = pass_##id();                \
    p.name_ = name;                       \
    p.description_ = description;         \
    v.push_back(&p);                      \
  }
#include "passes/passes.def"
#undef SGOPT_PASS
    return v;
  }();
  return passes;
}

const Pass* find_pass(std::string_view name) {
  for (const Pass* p : all_passes())
    if (p->name() == name) return p;
  return nullptr;
}

RunShared::RunShared(const Snapshot& snapshot, const AnalysisOptions& options, unsigned threads)
    : snapshot_(snapshot), options_(options), threads_(threads) {}
RunShared::~RunShared() = default;

const AccountHygiene& RunShared::hygiene() const {
  std::call_once(hygiene_once_, [&] { hygiene_ = std::make_unique<AccountHygiene>(snapshot_, options_, threads_); });
  return *hygiene_;
}

namespace {

// Runs the passes on one resource in one world, stamping each finding with its pass and world.
void run_passes(const AnalysisContext& ctx, const std::vector<const Pass*>& passes, std::vector<Finding>& out) {
  for (const Pass* p : passes) {
    std::size_t first = out.size();
    p->run(ctx, out);
    for (std::size_t k = first; k < out.size(); ++k) {
      Finding& f = out[k];
      if (!p->kind(f.kind))
        throw std::logic_error(
            fmt::format("internal error: pass {} reported a kind it does not declare: {}", p->name(), f.kind));
      f.pass = std::string(p->name());
      if (ctx.world == World::Closed) f.world = World::Closed;  // a pass may say so itself
    }
  }
}

// Two findings of one resource make the same claim when pass and kind agree and they say the same
// (exposure findings list every contributing rule, which a resolved reference can lengthen without
// changing what is claimed; a message names its direction wherever the direction matters, and a
// claim about the whole group, such as the default group allowing traffic, may take its witness
// from either direction), or when the direction agrees and they are about the same rule (its first).
// Cross-layer claims are about interfaces too: the same entry dropping the replies of two sets of
// interfaces makes two claims.
bool same_claim(const Finding& a, const Finding& b) {
  if (a.pass != b.pass || a.kind != b.kind || a.interfaces != b.interfaces) return false;
  if (a.message == b.message) return true;
  return a.direction == b.direction && !a.rules.empty() && !b.rules.empty() &&
         a.rules.front().where.json_pointer == b.rules.front().where.json_pointer &&
         a.rules.front().text == b.rules.front().text;
}

// True when one of the group's rules names a resolved reference.
bool names_resolved(const Snapshot& s, const SecurityGroup& g) {
  for (Direction d : {Direction::Ingress, Direction::Egress})
    for (const SgRule& r : g.rules(d))
      if (s.references.resolved(r.peer)) return true;
  return false;
}

// True when a resolved reference can change what the passes see of the group: its own rules, or
// those of a group that shares an interface with it, name one.
bool involves_resolved(const Snapshot& s, const SecurityGroup& g) {
  if (names_resolved(s, g)) return true;
  for (const NetworkInterface* eni : s.interfaces_with_group(g.id))
    for (const auto& gid : eni->group_ids)
      if (const SecurityGroup* other = gid == g.id ? nullptr : s.find_group(gid))
        if (names_resolved(s, *other)) return true;
  return false;
}

// True when a resolved reference can change what the cross-layer passes see behind the ACL: a
// group of an interface in one of its subnets names one.
bool involves_resolved(const Snapshot& s, const NetworkAcl& acl) {
  for (const NetworkInterface* eni : interfaces_behind(s, acl))
    for (const auto& gid : eni->group_ids)
      if (const SecurityGroup* g = s.find_group(gid))
        if (names_resolved(s, *g)) return true;
  return false;
}

}  // namespace

namespace {

// True when the finding may not hold because a resource it names has values the input leaves open
// (model/rule.h Unresolved). A group's rules are a union, so what its known rules allow, cover or
// count stays true whatever the unknown ones are (redundancy, exposure, quota, stale names); every
// other claim about such a group, and any claim about an ACL with an unknown entry (first match
// makes every entry matter), is dropped: the loader has said which values are unknown.
bool rests_on_unresolved(const Finding& f, const Snapshot& s) {
  static const std::set<std::string> kMonotone{"redundant-rules", "overly-permissive", "quota", "stale-reference"};
  auto open = [&](const std::string& id, bool own) {
    if (const NetworkAcl* a = s.find_acl(id)) return !a->unresolved.empty();
    if (const SecurityGroup* g = s.find_group(id)) return !g->unresolved.empty() && !(own && kMonotone.count(f.pass));
    return false;
  };
  if (open(f.resource_id, true)) return true;
  for (const auto* refs : {&f.rules, &f.causes})
    for (const RuleRef& r : *refs)
      if (open(r.resource_id, r.resource_id == f.resource_id)) return true;
  return false;
}

}  // namespace

void run_analyses(const Snapshot& snapshot, const std::vector<const Pass*>& passes, const AnalysisOptions& options,
                  unsigned threads, const FindingSink& sink, std::pair<unsigned, unsigned>* threads_used) {
  // One work item per resource; each worker takes the next item and its results land in the item's
  // slot. Whoever finishes the oldest unfinished item hands it, and every finished one after it, to
  // the sink in order, so the output never depends on scheduling; a worker more than kAhead items
  // ahead of the sink waits, so only a window of resources' findings is ever held. Every resource is
  // judged in the open world; one that a resolved reference touches is judged again in the closed
  // world, and what only that finds is kept, marked closed (it rests on the snapshot being complete).
  constexpr std::size_t kAhead = 256;
  const std::size_t n_groups = snapshot.groups.size();
  const std::size_t n_items = n_groups + snapshot.acls.size();
  const References open = snapshot.references.open();
  const bool any_closed = snapshot.references.any_resolved();
  const bool unresolved = open_directions(snapshot) > 0;
  const RunShared shared(snapshot, options, threads);
  std::vector<std::vector<Finding>> slots(n_items);
  std::vector<char> done(n_items, 0);
  std::size_t handed = 0;  // items before this one went to the sink
  bool stopped = false;    // a worker failed: the others stop waiting
  std::mutex mutex;
  std::condition_variable advanced;
  auto judge = [&](std::size_t i) {
    AnalysisContext ctx{snapshot, options};
    ctx.shared = &shared;
    if (i < n_groups) {
      ctx.group = &snapshot.groups[i];
    } else {
      ctx.acl = &snapshot.acls[i - n_groups];
    }
    ctx.references = &open;
    run_passes(ctx, passes, slots[i]);
    work_progress().step();
    if (unresolved) {
      auto& found = slots[i];
      found.erase(std::remove_if(found.begin(), found.end(),
                                 [&](const Finding& f) { return rests_on_unresolved(f, snapshot); }),
                  found.end());
    }
    if (!any_closed || !(ctx.group ? involves_resolved(snapshot, *ctx.group) : involves_resolved(snapshot, *ctx.acl)))
      return;
    ctx.references = &snapshot.references;
    ctx.world = World::Closed;
    std::vector<Finding> closed;
    run_passes(ctx, passes, closed);
    const std::size_t n_open = slots[i].size();
    for (Finding& f : closed) {
      auto open_end = slots[i].begin() + static_cast<std::ptrdiff_t>(n_open);
      if (std::none_of(slots[i].begin(), open_end, [&](const Finding& o) { return same_claim(o, f); }) &&
          !(unresolved && rests_on_unresolved(f, snapshot)))
        slots[i].push_back(std::move(f));
    }
  };
  auto item = [&](std::size_t i) {
    {
      std::unique_lock<std::mutex> lock(mutex);
      advanced.wait(lock, [&] { return stopped || i < handed + kAhead; });
      if (stopped) return;
    }
    judge(i);
    std::lock_guard<std::mutex> lock(mutex);
    done[i] = 1;
    try {
      for (; !stopped && handed < n_items && done[handed]; ++handed) {
        sink(slots[handed]);
        std::vector<Finding>().swap(slots[handed]);
      }
    } catch (...) {
      stopped = true;  // the sink is not called again
      advanced.notify_all();
      throw;
    }
    advanced.notify_all();
  };
  work_progress().start("analyzing", n_items);
  WorkersUsed used = run_workers(n_items, threads, [&](ItemQueue& items) {
    try {
      for (std::size_t i; items.next(i);) item(i);
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex);
      stopped = true;
      advanced.notify_all();
      throw;
    }
  });
  work_progress().finish();
  if (threads_used) *threads_used = {used.wanted, used.got};
}

std::vector<Finding> run_analyses(const Snapshot& snapshot, const std::vector<const Pass*>& passes,
                                  const AnalysisOptions& options, unsigned threads,
                                  std::pair<unsigned, unsigned>* threads_used) {
  std::vector<Finding> out;
  run_analyses(
      snapshot, passes, options, threads,
      [&out](std::vector<Finding>& findings) {
        for (Finding& f : findings) out.push_back(std::move(f));
      },
      threads_used);
  return out;
}

}  // namespace sgopt
