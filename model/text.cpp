// Text's blocks (model/text.h).
#include "model/text.h"

#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>
#include <stdexcept>

namespace sgopt {

Text::Block* Text::make(std::string_view s) {
  if (s.empty()) return nullptr;
  if (s.size() > std::numeric_limits<std::uint32_t>::max()) throw std::length_error("text of more than 4 GB");
  void* memory = std::malloc(sizeof(Block) + s.size() + 1);
  if (memory == nullptr) throw std::bad_alloc();
  auto* b = static_cast<Block*>(memory);
  b->size = static_cast<std::uint32_t>(s.size());
  char* out = reinterpret_cast<char*>(b + 1);
  std::memcpy(out, s.data(), s.size());
  out[s.size()] = '\0';
  return b;
}

void Text::release(Block* b) { std::free(b); }

}  // namespace sgopt
