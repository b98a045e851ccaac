// The files one run writes, all or none: every destination is checked before anything is
// computed or written (never an input, never another destination, never a folder), and the files
// are then staged beside their destinations and renamed into place together.
#pragma once

#include "model/json/stream.h"

#include <sys/types.h>

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sgopt::cli {

class OutputFiles {
 public:
  /// `given`: what the user named (files, folders or "-"); `read`: every file read from them.
  OutputFiles(const std::vector<std::string>& given, const std::vector<std::string>& read);

  /// Claims a destination for the option `option` ("--out", "--plan", ...). Throws InputError when
  /// the path is (or resolves to, through symlinks, hard links or another spelling) an input or a
  /// destination already claimed, is a folder, or its folder does not exist.
  void claim(const std::string& path, const std::string& option);
  /// The content of a claimed destination.
  void set(const std::string& path, std::string content);
  /// The same, written by `produce` piece by piece when the files are written (a large document
  /// is then never held whole); what it refers to must live until write_all.
  void set_writer(const std::string& path, std::function<void(const json::Sink&)> produce);
  /// Writes every destination that has content: all staged first, then renamed; when any staging
  /// fails, nothing is written. Throws std::runtime_error.
  void write_all();

 private:
  struct Identity {
    std::string key;                               // the one spelling of the path
    std::optional<std::pair<dev_t, ino_t>> inode;  // when the file exists
    bool same(const Identity& o) const;
  };
  static Identity identity_of(const std::string& path);
  struct Output {
    std::string path, option;
    Identity identity;
    std::function<void(const json::Sink&)> produce;  // set: writes the content
  };
  std::vector<std::pair<std::string, Identity>> inputs_;
  bool inputs_known_ = false;
  std::vector<Output> outputs_;
};

}  // namespace sgopt::cli
