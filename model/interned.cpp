// The pool of interned text (model/interned.h).
#include "model/interned.h"

#include <mutex>
#include <unordered_set>

namespace sgopt {

const std::string& Interned::no_text() {
  static const std::string none;
  return none;
}

const std::string& Interned::intern(std::string_view text) {
  // Nodes of an unordered_set never move, so the pointers handed out stay valid.
  static std::mutex mutex;
  static std::unordered_set<std::string> pool;
  std::lock_guard<std::mutex> lock(mutex);
  return *pool.emplace(text).first;
}

}  // namespace sgopt
