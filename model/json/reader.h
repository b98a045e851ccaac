// Typed reading of JSON input for every loader: each accessor names the file, the JSON pointer and
// the line of what it rejects, and values in AWS's vocabulary (protocols, CIDRs, addresses) are
// checked the same way whichever format carries them.
#pragma once

#include "model/diagnostic.h"
#include "model/ip.h"
#include "model/json/json.h"
#include "model/json/mapped_file.h"
#include "model/json/yaml.h"
#include "model/text.h"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sgopt::json {

/// How a value reads in a message: "the number 6", "an array", "the string \"x\"".
std::string describe_value(const Json& v);

/// Parses a document, or throws InputError with the line and the JSON pointer where reading
/// stopped. `expected` completes "the file is empty: expected ..." (e.g. "a describe-* JSON
/// document"). Refuses nesting deeper than any real document before it can exhaust the stack.
/// `read_past`, when given, hears how far each pass over the text has read.
Json parse_document(std::string_view text, const std::string& file, std::string_view expected,
                    const Json::parser_callback_t& callback = nullptr, const ReadPast& read_past = {});

/// Reads values out of one parsed document. Absent and null fields read as "not given".
class Reader {
 public:
  /// `warnings` receives what is odd but usable; `text` is the document, for line numbers.
  Reader(std::string_view text, const std::string& file, std::vector<Diagnostic>& warnings)
      : text_(text), file_(file), warnings_(warnings) {}

  /// The file's name, shared by every location this reader makes.
  const Interned& file() const { return file_; }
  std::string_view text() const { return text_; }
  /// For a document whose text is not JSON (a YAML template): the lines of its values, which every
  /// location of this reader then takes its line from instead of from the text. Must outlive it.
  void use_lines(const PointerLines* lines) { lines_ = lines; }
  const PointerLines* pointer_lines() const { return lines_; }

  // Errors and warnings.
  [[noreturn]] void fail(const std::string& ptr, std::string message) const;
  [[noreturn]] void fail_at(Location where, std::string message) const;
  /// A location for a message: "line 12, /SecurityGroups/3" in this file, else file, line and pointer.
  std::string place(Location where) const;
  void warn(const std::string& ptr, std::string message);
  /// A warning "BEFORE PLACE AFTER" naming another place of this document, whose line is found
  /// later together with every other location (complete_warnings), not by a walk per warning.
  void warn_naming(const std::string& ptr, std::string before, Location other, std::string after);
  /// The locations the deferred warnings name, to be given lines; then complete_warnings().
  std::vector<Location*> named_places();
  void complete_warnings();

  // Structure.
  static const Json* find(const Json& obj, const char* key);
  static std::string child(const std::string& ptr, const char* key) { return ptr + "/" + key; }
  static std::string child(const std::string& ptr, std::size_t index) { return ptr + "/" + std::to_string(index); }
  const Json& object_at(const Json& v, const std::string& ptr, const char* what) const;
  const Json* opt_array(const Json& obj, const std::string& ptr, const char* key) const;
  const Json* opt_object(const Json& obj, const std::string& ptr, const char* key) const;

  // Scalars. `like` says what was expected ("a string like \"sg-0123\"").
  std::optional<std::string> opt_string(const Json& obj, const std::string& ptr, const char* key,
                                        const char* like) const;
  std::string opt_text(const Json& obj, const std::string& ptr, const char* key) const;
  std::string req_string(const Json& obj, const std::string& ptr, const char* key, const char* like) const;
  std::optional<int> opt_int(const Json& obj, const std::string& ptr, const char* key) const;
  int req_int(const Json& obj, const std::string& ptr, const char* key) const;
  std::optional<bool> opt_bool(const Json& obj, const std::string& ptr, const char* key) const;
  bool req_bool(const Json& obj, const std::string& ptr, const char* key) const;

  // Values in AWS's vocabulary.
  /// "tcp", "6", "-1", ...: -1 for all protocols, else the IANA number.
  int protocol(const Json& obj, const std::string& ptr, const char* key) const;
  /// A CIDR of the family; host bits are cleared with a warning, as AWS does. `text`, when given,
  /// receives the string as written when that is not the canonical form (else it is cleared).
  Cidr cidr(const Json& obj, const std::string& ptr, const char* key, Family family, Text* text);
  /// The same for a value already read as text, found at `ptr`.
  int protocol_text(const std::string& text, const std::string& ptr) const;
  Cidr cidr_text(const std::string& text, const std::string& ptr, Family family, Text* out);
  u128 address(const Json& obj, const std::string& ptr, const char* key, Family family) const;

 private:
  struct NamedPlace {
    std::size_t warning;  // index in warnings_
    std::string before, after;
    Location other;
  };
  /// Gives a location of this document its line.
  void give_line(Location& where) const;

  std::vector<NamedPlace> named_;
  const PointerLines* lines_ = nullptr;
  std::string_view text_;
  Interned file_;
  std::vector<Diagnostic>& warnings_;
};

/// Lower-case ASCII copy.
std::string lower(std::string s);

}  // namespace sgopt::json
