// Output files checked together and written all or none.
#include "tool/outputs.h"

#include "model/aws/writer.h"
#include "model/diagnostic.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <system_error>

namespace sgopt::cli {

namespace fs = std::filesystem;

// Who a path is: one spelling (absolute, symlinks of the existing part resolved) and, when the file
// exists, its device and inode (hard links).
OutputFiles::Identity OutputFiles::identity_of(const std::string& path) {
  Identity id;
  std::error_code ec;
  fs::path p = fs::weakly_canonical(fs::absolute(path, ec), ec);
  id.key = ec ? fs::absolute(path).lexically_normal().string() : p.string();
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) id.inode = {st.st_dev, st.st_ino};
  return id;
}

bool OutputFiles::Identity::same(const Identity& o) const { return key == o.key || (inode && inode == o.inode); }

namespace {

[[noreturn]] void refuse(const std::string& path, const std::string& message) {
  throw InputError(Diagnostic{Location{path, "", 0}, message});
}

}  // namespace

OutputFiles::OutputFiles(const std::vector<std::string>& given, const std::vector<std::string>& read) {
  for (const auto* list : {&given, &read})
    for (const auto& in : *list)
      if (in != "-") inputs_.push_back({in, {}});
}

void OutputFiles::claim(const std::string& path, const std::string& option) {
  if (path.empty()) refuse(path, fmt::format("{} needs a file name", option));
  if (!inputs_known_) {  // only a run that writes looks its inputs up, each once
    for (auto& [in, id] : inputs_) id = identity_of(in);
    inputs_known_ = true;
  }
  const Identity id = identity_of(path);
  for (const auto& [in, in_id] : inputs_)
    if (id.same(in_id)) refuse(path, fmt::format("{} would write over the input {}; choose another file", option, in));
  for (const auto& o : outputs_)
    if (id.same(o.identity))
      refuse(path, fmt::format("{} and {} name the same file; choose two files", o.option, option));
  std::error_code ec;
  if (fs::is_directory(path, ec)) refuse(path, fmt::format("{} names a folder; give a file name", option));
  fs::path dir = fs::path(path).parent_path();
  if (!dir.empty() && !fs::is_directory(dir, ec))
    refuse(path, fmt::format("{}: the folder {} does not exist", option, dir.string()));
  outputs_.push_back(Output{path, option, id, {}});
}

void OutputFiles::set(const std::string& path, std::string content) {
  auto text = std::make_shared<const std::string>(std::move(content));
  set_writer(path, [text](const json::Sink& out) { out(*text); });
}

void OutputFiles::set_writer(const std::string& path, std::function<void(const json::Sink&)> produce) {
  for (auto& o : outputs_)
    if (o.path == path) {
      o.produce = std::move(produce);
      return;
    }
  throw std::logic_error("internal error: output " + path + " was not claimed");
}

void OutputFiles::write_all() {
  std::vector<StagedFile> staged;
  try {
    for (const auto& o : outputs_)
      if (o.produce) staged.push_back(stage_file(o.path, o.produce));
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
