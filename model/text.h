// Text that most holders leave empty (a rule's id, its description, the peer as written, the
// element kept for the writer): a Text is one pointer, null when empty, else to one block holding
// the length and the characters. An empty one costs 8 bytes instead of a std::string's 32, and a
// set one costs its length and a word, so the hundreds of thousands of rules of an account do not
// carry four mostly empty strings each. Copies copy the text; Text behaves like a value.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

namespace sgopt {

class Text {
 public:
  Text() = default;
  Text(std::string_view s) : block_(make(s)) {}              // NOLINT: implicit, like a string
  Text(const std::string& s) : Text(std::string_view(s)) {}  // NOLINT: implicit
  Text(const char* s) : Text(std::string_view(s)) {}         // NOLINT: implicit
  Text(const Text& o) : block_(make(o.view())) {}
  Text(Text&& o) noexcept : block_(o.block_) { o.block_ = nullptr; }
  Text& operator=(const Text& o) {
    if (this != &o) assign(o.view());
    return *this;
  }
  Text& operator=(Text&& o) noexcept {
    std::swap(block_, o.block_);
    return *this;
  }
  Text& operator=(std::string_view s) {
    assign(s);
    return *this;
  }
  Text& operator=(const std::string& s) { return *this = std::string_view(s); }
  Text& operator=(const char* s) { return *this = std::string_view(s); }
  ~Text() { release(block_); }

  std::string_view view() const { return block_ ? std::string_view(chars(block_), block_->size) : std::string_view(); }
  operator std::string_view() const { return view(); }  // NOLINT: implicit, reads like a string
  std::string str() const { return std::string(view()); }
  bool empty() const { return block_ == nullptr; }
  std::size_t size() const { return block_ ? block_->size : 0; }
  void clear() {
    release(block_);
    block_ = nullptr;
  }

  friend bool operator==(const Text& a, const Text& b) { return a.view() == b.view(); }
  friend bool operator==(const Text& a, std::string_view b) { return a.view() == b; }
  friend bool operator==(const Text& a, const std::string& b) { return a.view() == b; }
  friend bool operator==(const Text& a, const char* b) { return a.view() == b; }
  friend std::string operator+(const std::string& a, const Text& b) { return a + std::string(b.view()); }
  friend std::string operator+(const Text& a, const std::string& b) { return std::string(a.view()) + b; }
  friend std::string operator+(const char* a, const Text& b) { return a + std::string(b.view()); }
  friend std::string operator+(const Text& a, const char* b) { return std::string(a.view()) + b; }
  friend std::ostream& operator<<(std::ostream& out, const Text& t) { return out << t.view(); }

 private:
  struct Block {
    std::uint32_t size;
  };
  static const char* chars(const Block* b) { return reinterpret_cast<const char*>(b + 1); }
  static Block* make(std::string_view s);
  static void release(Block* b);
  void assign(std::string_view s) {
    Block* fresh = make(s);  // before releasing: `s` may view this text
    release(block_);
    block_ = fresh;
  }

  Block* block_ = nullptr;
};

}  // namespace sgopt

template <>
struct fmt::formatter<sgopt::Text> : fmt::formatter<std::string_view> {
  template <class Context>
  auto format(const sgopt::Text& t, Context& ctx) const {
    return fmt::formatter<std::string_view>::format(t.view(), ctx);
  }
};
