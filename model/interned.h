// Text that many objects repeat (the file every location of a document names, the group every rule
// of it belongs to, an account id), held once: an Interned is a pointer to the one copy of its
// text in a process-wide pool, so copying one costs a pointer and comparing two equal ones is one
// pointer compare. The pool only grows; it holds what the inputs name, not what the rules say.
#pragma once

#include <fmt/format.h>

#include <ostream>
#include <string>
#include <string_view>

namespace sgopt {

class Interned {
 public:
  Interned() : text_(&no_text()) {}
  Interned(std::string_view text) : text_(text.empty() ? &no_text() : &intern(text)) {}  // NOLINT: implicit
  Interned(const std::string& text) : Interned(std::string_view(text)) {}                // NOLINT: implicit
  Interned(const char* text) : Interned(std::string_view(text)) {}                       // NOLINT: implicit

  const std::string& str() const { return *text_; }
  operator const std::string&() const { return *text_; }  // NOLINT: implicit, reads like a string
  const char* c_str() const { return text_->c_str(); }
  bool empty() const { return text_->empty(); }
  std::size_t size() const { return text_->size(); }

  friend bool operator==(const Interned& a, const Interned& b) { return a.text_ == b.text_; }
  friend bool operator==(const Interned& a, std::string_view b) { return *a.text_ == b; }
  friend bool operator==(const Interned& a, const std::string& b) { return *a.text_ == b; }
  friend bool operator==(const Interned& a, const char* b) { return *a.text_ == b; }
  /// In the order of the text, so that sorted output never depends on where the pool put it.
  friend bool operator<(const Interned& a, const Interned& b) { return *a.text_ < *b.text_; }
  friend std::ostream& operator<<(std::ostream& out, const Interned& s) { return out << *s.text_; }

 private:
  static const std::string& no_text();
  static const std::string& intern(std::string_view text);
  const std::string* text_;
};

}  // namespace sgopt

template <>
struct fmt::formatter<sgopt::Interned> : fmt::formatter<std::string_view> {
  template <class Context>
  auto format(const sgopt::Interned& s, Context& ctx) const {
    return fmt::formatter<std::string_view>::format(std::string_view(s.str()), ctx);
  }
};
