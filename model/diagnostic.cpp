// Input errors and warnings.
#include "model/diagnostic.h"

#include <fmt/format.h>

namespace sgopt {

std::string Location::str() const {
  std::string s = file.empty() ? "<input>" : file;
  if (line > 0) s += fmt::format(":{}", line);
  if (!json_pointer.empty()) s += fmt::format(": {}", json_pointer);
  return s;
}

std::string Diagnostic::str() const { return fmt::format("{}: {}", where.str(), message); }

InputError::InputError(Diagnostic d) : std::runtime_error(d.str()), diag_(std::move(d)) {}

}  // namespace sgopt
