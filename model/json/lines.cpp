// A small JSON walker that tracks the current JSON pointer and line. It reads any bytes without
// failing (it moves on by one byte where the text is not JSON) and uses no recursion, so neither
// broken nor deeply nested input can crash or stall it.
#include "model/json/lines.h"

#include <string_view>
#include <unordered_map>

namespace sgopt {

std::string pointer_segment(std::string_view key) {
  std::string out;
  out.reserve(key.size());
  for (char c : key) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

namespace {

class Walker {
 public:
  explicit Walker(std::string_view text) : t_(text) {}

  /// Walks until byte `stop` (or the end), calling visit(pointer, line) at the start of each value.
  template <class Visit>
  void run(std::size_t stop, Visit&& visit, const json::ReadPast& read_past = {}) {
    if (stop > t_.size()) stop = t_.size();
    std::size_t report = json::kReadPastStep;
    while (skip_space(stop)) {
      if (read_past && i_ >= report) {
        read_past(i_);
        report = i_ + json::kReadPastStep;
      }
      char c = t_[i_];
      switch (state_) {
        case State::Value:
          visit(path_, line_);
          if (c == '{') {
            stack_.push_back(Frame{false, 0, path_.size()});
            ++i_;
            state_ = State::KeyOrEnd;
          } else if (c == '[') {
            stack_.push_back(Frame{true, 0, path_.size()});
            path_ += "/0";
            ++i_;
            state_ = State::ValueOrEnd;
          } else if (c == '"') {
            skip_string(stop);
            state_ = State::After;
          } else {
            skip_literal(stop);
            state_ = State::After;
          }
          break;
        case State::ValueOrEnd:
          if (c == ']')
            close();
          else
            state_ = State::Value;
          break;
        case State::KeyOrEnd:
          if (c == '}') {
            close();
          } else if (c == '"') {
            std::string key = read_key(stop);
            path_.resize(stack_.back().path_len);
            path_ += '/';
            path_ += pointer_segment(key);
            if (skip_space(stop) && t_[i_] == ':') ++i_;
            state_ = State::Value;
          } else {
            ++i_;
          }
          break;
        case State::After:
          if (stack_.empty()) return;
          if (c == ',') {
            ++i_;
            Frame& f = stack_.back();
            path_.resize(f.path_len);
            if (f.array) {
              path_ += '/';
              path_ += std::to_string(++f.index);
              state_ = State::Value;
            } else {
              state_ = State::KeyOrEnd;
            }
          } else if (c == ']' || c == '}') {
            close();
          } else {
            ++i_;
          }
          break;
      }
    }
  }

  const std::string& path() const { return path_; }
  int line() const { return line_; }

 private:
  enum class State { Value, ValueOrEnd, KeyOrEnd, After };
  struct Frame {
    bool array;
    int index;
    std::size_t path_len;
  };

  // Skips white space; false at `stop`.
  bool skip_space(std::size_t stop) {
    while (i_ < stop) {
      char c = t_[i_];
      if (c == '\n')
        ++line_;
      else if (c != ' ' && c != '\t' && c != '\r')
        return true;
      ++i_;
    }
    return false;
  }
  void close() {
    path_.resize(stack_.back().path_len);
    stack_.pop_back();
    ++i_;
    state_ = State::After;
  }
  void skip_string(std::size_t stop) {
    for (++i_; i_ < stop; ++i_) {
      char c = t_[i_];
      if (c == '\\')
        ++i_;
      else if (c == '\n')
        ++line_;
      else if (c == '"') {
        ++i_;
        return;
      }
    }
  }
  void skip_literal(std::size_t stop) {
    std::size_t start = i_;
    while (i_ < stop) {
      char c = t_[i_];
      if (c == ',' || c == ']' || c == '}' || c == ':' || c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '"' ||
          c == '{' || c == '[')
        break;
      ++i_;
    }
    if (i_ == start && i_ < stop) ++i_;  // not JSON here: move on
  }
  // Reads a string that names a key, decoding the escapes keys can carry.
  std::string read_key(std::size_t stop) {
    std::string key;
    for (++i_; i_ < stop; ++i_) {
      char c = t_[i_];
      if (c == '"') {
        ++i_;
        break;
      }
      if (c == '\n') ++line_;
      if (c != '\\' || i_ + 1 >= stop) {
        key += c;
        continue;
      }
      char e = t_[++i_];
      switch (e) {
        case 'n': key += '\n'; break;
        case 't': key += '\t'; break;
        case 'r': key += '\r'; break;
        case 'b': key += '\b'; break;
        case 'f': key += '\f'; break;
        default: key += e; break;  // \" \\ \/ (and \u, kept as written)
      }
    }
    return key;
  }

  std::string_view t_;
  std::size_t i_ = 0;
  int line_ = 1;
  State state_ = State::Value;
  std::vector<Frame> stack_;
  std::string path_;
};

}  // namespace

void resolve_lines(std::string_view text, const std::vector<Location*>& locations, const json::ReadPast& read_past,
                   const std::function<void(std::string_view pointer, int line)>& each) {
  if (locations.empty() && !each) return;
  // Keyed by views of the locations' own pointers: no copy of a pointer per rule.
  std::unordered_multimap<std::string_view, Location*> wanted;
  wanted.reserve(locations.size());
  for (Location* l : locations) wanted.emplace(l->json_pointer, l);
  Walker w(text);
  w.run(
      text.size(),
      [&](const std::string& path, int line) {
        if (each) each(path, line);
        auto [first, last] = wanted.equal_range(path);
        for (auto it = first; it != last; ++it)
          if (it->second->line == 0) it->second->line = line;
      },
      read_past);
}

Location location_at(std::string_view text, std::size_t offset, const std::string& file) {
  Walker w(text);
  w.run(offset, [](const std::string&, int) {});
  int line = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i)
    if (text[i] == '\n') ++line;
  return Location{file, w.path(), line};
}

}  // namespace sgopt
