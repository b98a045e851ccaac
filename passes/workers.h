// The one way passes spread work over threads: items 0..n-1 handed out in turn to workers, each
// with its own state (a Z3 context, a peer table), results written to the item's own slot by the
// caller so that output never depends on scheduling.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace sgopt {

/// Most worker threads any command starts, whatever is asked.
inline constexpr unsigned kMaxWorkerThreads = 256;

/// How many workers a run meant to have and how many the system gave it (the caller's thread
/// included); fewer when thread creation failed (a process limit), never an abort.
struct WorkersUsed {
  unsigned wanted = 0, got = 0;
};

/// Hands items 0..n-1 out to workers, each item once.
class ItemQueue {
 public:
  explicit ItemQueue(std::size_t n) : n_(n) {}
  /// The next item to do; false when none is left (or the run stopped on an error).
  bool next(std::size_t& item) {
    item = next_++;
    return item < n_;
  }
  void stop() { next_ = n_; }

 private:
  std::size_t n_;
  std::atomic<std::size_t> next_{0};
};

/// Runs `worker(queue)` on `threads` threads (0: one per core; at most kMaxWorkerThreads and one
/// per item), the calling thread among them; each worker keeps its own state on its stack and
/// takes items with `queue.next(i)` until there are none. The first exception any worker throws
/// stops the hand-out and is rethrown here once every worker has finished.
template <class Worker>
WorkersUsed run_workers(std::size_t n_items, unsigned threads, Worker worker) {
  ItemQueue queue(n_items);
  std::exception_ptr error;
  std::mutex error_mutex;
  auto work = [&] {
    try {
      worker(queue);
    } catch (...) {
      std::lock_guard<std::mutex> lock(error_mutex);
      if (!error) error = std::current_exception();
      queue.stop();
    }
  };
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  auto wanted =
      static_cast<unsigned>(std::min<std::size_t>({threads, kMaxWorkerThreads, std::max<std::size_t>(n_items, 1)}));
  std::vector<std::thread> workers;
  try {
    for (unsigned t = 1; t < wanted; ++t) workers.emplace_back(work);
  } catch (const std::system_error&) {
    // No more threads to be had: the ones started and this one do the work.
  }
  WorkersUsed used{wanted, static_cast<unsigned>(workers.size() + 1)};
  work();
  for (auto& w : workers) w.join();
  if (error) std::rethrow_exception(error);
  return used;
}

}  // namespace sgopt
