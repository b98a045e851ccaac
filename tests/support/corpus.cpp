// Test input discovery.
#include "tests/support/corpus.h"

#include <algorithm>
#include <filesystem>
#include <map>

namespace sgopt::test_support {

static std::vector<std::string> json_files(const std::filesystem::path& dir) {
  std::vector<std::string> out;
  if (!std::filesystem::exists(dir)) return out;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".json") out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> realdata_describe_files() {
  return json_files(SGOPT_SOURCE_DIR "/../shared/realdata/describe");
}

std::vector<std::vector<std::string>> realdata_exports() {
  std::map<std::string, std::vector<std::string>> by;
  for (const auto& f : realdata_describe_files()) {
    std::string name = std::filesystem::path(f).filename().string();
    by[name.substr(0, name.find('.'))].push_back(f);
  }
  std::vector<std::vector<std::string>> out;
  for (auto& [name, files] : by) out.push_back(files);
  return out;
}

std::vector<std::string> sample_files() { return json_files(SGOPT_SOURCE_DIR "/samples"); }

}  // namespace sgopt::test_support
