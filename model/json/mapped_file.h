// An input file's bytes mapped read-only into memory, whose pages are handed back to the kernel as
// soon as the parser has read past them: a large input costs its model, not its text as well.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace sgopt::json {

/// Told, while a pass over a text runs, that the bytes before `offset` will not be read again by
/// that pass (they may be read again by a later one).
using ReadPast = std::function<void(std::size_t offset)>;

/// How often a pass over a text reports how far it has read.
inline constexpr std::size_t kReadPastStep = std::size_t{8} << 20;

class MappedFile {
 public:
  /// Maps the regular, non-empty file at `path`; null when it cannot be mapped (read it instead).
  static std::unique_ptr<MappedFile> open(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  std::string_view text() const { return {data_, size_}; }
  /// Drops the resident pages wholly before `offset`; reading them again reads the file again.
  void release_before(std::size_t offset) const;
  /// release_before as a ReadPast.
  ReadPast releaser() const {
    return [this](std::size_t offset) { release_before(offset); };
  }

 private:
  MappedFile(const char* data, std::size_t size) : data_(data), size_(size) {}
  const char* data_;
  std::size_t size_;
};

}  // namespace sgopt::json
