// Output files checked together and written all or none.
#include "tool/outputs.h"

#include "model/aws/writer.h"
#include "model/diagnostic.h"

#include <fmt/format.h>

#include <filesystem>
#include <stdexcept>
#include <system_error>

namespace sgopt::cli {

namespace fs = std::filesystem;

namespace {

// One spelling per file: absolute, with symlinks of the existing part resolved.
std::string path_key(const std::string& path) {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(fs::absolute(path, ec), ec);
  return ec ? fs::absolute(path).lexically_normal().string() : p.string();
}

bool same_file(const std::string& a, const std::string& b) {
  std::error_code ec;
  if (path_key(a) == path_key(b)) return true;
  return fs::exists(a, ec) && fs::exists(b, ec) && fs::equivalent(a, b, ec) && !ec;
}

[[noreturn]] void refuse(const std::string& path, const std::string& message) {
  throw InputError(Diagnostic{Location{path, "", 0}, message});
}

}  // namespace

OutputFiles::OutputFiles(const std::vector<std::string>& given, const std::vector<std::string>& read) : inputs_(given) {
  inputs_.insert(inputs_.end(), read.begin(), read.end());
}

void OutputFiles::claim(const std::string& path, const std::string& option) {
  if (path.empty()) refuse(path, fmt::format("{} needs a file name", option));
  for (const auto& in : inputs_) {
    if (in == "-") continue;
    if (same_file(path, in))
      refuse(path, fmt::format("{} would write over the input {}; choose another file", option, in));
  }
  for (const auto& o : outputs_)
    if (same_file(path, o.path))
      refuse(path, fmt::format("{} and {} name the same file; choose two files", o.option, option));
  std::error_code ec;
  if (fs::is_directory(path, ec)) refuse(path, fmt::format("{} names a folder; give a file name", option));
  fs::path dir = fs::path(path).parent_path();
  if (!dir.empty() && !fs::is_directory(dir, ec))
    refuse(path, fmt::format("{}: the folder {} does not exist", option, dir.string()));
  outputs_.push_back(Output{path, option, {}, false});
}

void OutputFiles::set(const std::string& path, std::string content) {
  for (auto& o : outputs_)
    if (o.path == path) {
      o.content = std::move(content);
      o.has_content = true;
      return;
    }
  throw std::logic_error("internal error: output " + path + " was not claimed");
}

void OutputFiles::write_all() {
  std::vector<StagedFile> staged;
  try {
    for (const auto& o : outputs_)
      if (o.has_content) staged.push_back(stage_file(o.path, o.content));
  } catch (...) {
    for (const auto& f : staged) discard_staged(f);
    throw;
  }
  for (std::size_t i = 0; i < staged.size(); ++i) {
    try {
      commit_staged(staged[i]);
    } catch (...) {
      for (std::size_t k = i + 1; k < staged.size(); ++k) discard_staged(staged[k]);
      throw;
    }
  }
}

}  // namespace sgopt::cli
