// The pass registry and the parallel driver that runs analyses over a snapshot.
#include "passes/pass.h"

#include <fmt/format.h>

#include <atomic>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>

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

std::vector<Finding> run_analyses(const Snapshot& snapshot, const std::vector<const Pass*>& passes,
                                  const AnalysisOptions& options, unsigned threads) {
  // One work item per resource; each worker takes the next item, results land in the item's slot,
  // so the output order never depends on scheduling.
  const std::size_t n_groups = snapshot.groups.size();
  const std::size_t n_items = n_groups + snapshot.acls.size();
  std::vector<std::vector<Finding>> slots(n_items);
  std::atomic<std::size_t> next{0};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto work = [&] {
    try {
      for (std::size_t i = next++; i < n_items; i = next++) {
        AnalysisContext ctx{snapshot, options};
        if (i < n_groups) {
          ctx.group = &snapshot.groups[i];
        } else {
          ctx.acl = &snapshot.acls[i - n_groups];
        }
        for (const Pass* p : passes) {
          std::size_t first = slots[i].size();
          p->run(ctx, slots[i]);
          for (std::size_t k = first; k < slots[i].size(); ++k) {
            Finding& f = slots[i][k];
            if (!p->kind(f.kind))
              throw std::logic_error(
                  fmt::format("internal error: pass {} reported a kind it does not declare: {}", p->name(), f.kind));
            f.pass = std::string(p->name());
          }
        }
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(error_mutex);
      if (!error) error = std::current_exception();
      next = n_items;
    }
  };
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  std::size_t n_threads = std::min<std::size_t>(threads, std::max<std::size_t>(n_items, 1));
  std::vector<std::thread> workers;
  for (std::size_t t = 1; t < n_threads; ++t) workers.emplace_back(work);
  work();
  for (auto& w : workers) w.join();
  if (error) std::rethrow_exception(error);
  std::vector<Finding> out;
  for (auto& s : slots)
    for (auto& f : s) out.push_back(std::move(f));
  return out;
}

}  // namespace sgopt
