// YAML text (CloudFormation templates) read into the Json tree every reader uses, with the line of
// every value by JSON pointer, so that messages name lines of the YAML the user wrote.
#pragma once

#include "model/json/json.h"

#include <string>
#include <string_view>
#include <unordered_map>

namespace sgopt::json {

/// The line (1-based) of each value of a document by JSON pointer, for documents whose text is not
/// JSON and whose lines therefore cannot be found by reading the text again.
using PointerLines = std::unordered_map<std::string, int>;

/// The line of the value at `pointer`, else of the nearest value that encloses it; 0 when none.
int line_of(const PointerLines& lines, std::string_view pointer);

struct YamlDocument {
  Json root;
  PointerLines lines;
};

/// Parses one YAML document as CloudFormation reads it (YAML 1.1): short-form tags become the long
/// form of their function (`!Ref X` is {"Ref": "X"}, `!GetAtt A.B` is {"Fn::GetAtt": ["A", "B"]},
/// `!Sub s` is {"Fn::Sub": "s"}); plain scalars become numbers, true/false and null where they read
/// as such (a leading zero keeps a scalar a string, as an account id needs). What CloudFormation
/// does not support is refused: aliases, merge keys (<<), the binary/timestamp/omap/pairs/set tags,
/// and more than one document; so are keys that are not scalars, a key given twice in one mapping
/// and nesting deeper than 256 levels. Throws InputError naming the file, the line and the JSON
/// pointer of the place.
YamlDocument parse_yaml(std::string_view text, const std::string& file);

}  // namespace sgopt::json
