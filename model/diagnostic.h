// Input errors and warnings that name the file, the JSON path and the line where known.
#pragma once

#include "model/interned.h"
#include "model/text.h"

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sgopt {

/// Where in the user's input something is: file, JSON pointer ("/SecurityGroups/0/IpPermissions/1"), line.
struct Location {
  Interned file;
  Text json_pointer;  // most locations of an account are rules: one word, not a string, each
  int line = 0;       // 1-based; 0 when unknown

  /// "file:line: /json/pointer" with the parts that are known.
  std::string str() const;
};

struct Diagnostic {
  Location where;
  std::string message;

  std::string str() const;  // "file: /path: message"
};

/// Text from the input made safe for a terminal: control bytes (C0, DEL, C1) and bytes that are not
/// UTF-8 become \xNN (\u00NN for C1), so no input can move the cursor, ring or recolour a
/// terminal. Newlines and tabs are escaped too: input is always shown on one line.
std::string printable(std::string_view s);
/// Input echoed in a message: printable, and cut after `max` characters ("...", then how long the
/// whole was), so that a bad 20 MB line gives a one-line message.
std::string echo(std::string_view s, std::size_t max = 40);

/// The one error type for bad input. main() maps it to exit status 2.
class InputError : public std::runtime_error {
 public:
  explicit InputError(Diagnostic d);
  const Diagnostic& diagnostic() const { return diag_; }

 private:
  Diagnostic diag_;
};

}  // namespace sgopt
