// The pass registry and the parallel driver that runs analyses over a snapshot.
#include "passes/pass.h"

#include <atomic>
#include <exception>
#include <mutex>
#include <thread>

namespace sgopt {

#define SGOPT_PASS(id) const Pass& pass_##id();
#include "passes/passes.def"
#undef SGOPT_PASS

const std::vector<const Pass*>& all_passes() {
  static const std::vector<const Pass*> passes = {
#define SGOPT_PASS(id) &pass_##id(),
#include "passes/passes.def"
#undef SGOPT_PASS
  };
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
        for (const Pass* p : passes) p->run(ctx, slots[i]);
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
