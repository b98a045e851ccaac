// Where the test inputs live: the real-world corpus beside the checkout and the bundled samples.
#pragma once

#include <string>
#include <vector>

namespace sgopt::test_support {

/// The *.json files of ../shared/realdata/describe, sorted; empty when the corpus is not there.
std::vector<std::string> realdata_describe_files();
/// The corpus files grouped by export (the name before the first dot), so that interfaces are
/// analysed with their own groups; ids repeat across exports (load leniently: test fixtures reuse
/// ids). Sorted; empty when the corpus is not there.
std::vector<std::vector<std::string>> realdata_exports();
/// The *.json files of samples/, sorted.
std::vector<std::string> sample_files();

}  // namespace sgopt::test_support
