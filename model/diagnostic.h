// Input errors and warnings that name the file, the JSON path and the line where known.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace sgopt {

/// Where in the user's input something is: file, JSON pointer ("/SecurityGroups/0/IpPermissions/1"), line.
struct Location {
  std::string file;
  std::string json_pointer;
  int line = 0;  // 1-based; 0 when unknown

  /// "file:line: /json/pointer" with the parts that are known.
  std::string str() const;
};

struct Diagnostic {
  Location where;
  std::string message;

  std::string str() const;  // "file: /path: message"
};

/// The one error type for bad input. main() maps it to exit status 2.
class InputError : public std::runtime_error {
 public:
  explicit InputError(Diagnostic d);
  const Diagnostic& diagnostic() const { return diag_; }

 private:
  Diagnostic diag_;
};

}  // namespace sgopt
