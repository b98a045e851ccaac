// How far the current long piece of work is, for a progress display: the loops that can run long
// (reading groups, analysing, proving, minimizing) count their items here, and the CLI's display
// thread reads the counts (tool/cli.h ProgressDisplay). Counting costs one relaxed atomic add.
#pragma once

#include <atomic>
#include <cstddef>

namespace sgopt {

class Progress {
 public:
  /// A new stage of `total` items (0: not known in advance).
  void start(const char* stage, std::size_t total) {
    done_.store(0, std::memory_order_relaxed);
    total_.store(total, std::memory_order_relaxed);
    stage_.store(stage, std::memory_order_release);
  }
  void step(std::size_t n = 1) { done_.fetch_add(n, std::memory_order_relaxed); }
  /// No stage runs (nothing to display).
  void finish() { stage_.store(nullptr, std::memory_order_release); }

  const char* stage() const { return stage_.load(std::memory_order_acquire); }
  std::size_t done() const { return done_.load(std::memory_order_relaxed); }
  std::size_t total() const { return total_.load(std::memory_order_relaxed); }

 private:
  std::atomic<const char*> stage_{nullptr};
  std::atomic<std::size_t> done_{0}, total_{0};
};

/// The process's one progress counter.
Progress& work_progress();

}  // namespace sgopt
