#pragma once
// Builders for the text forms Postgres parses: array literals ('{...}') passed as one
// parameter, and the small JSON objects stored as event metadata. Values are always
// parameters, never spliced into SQL.
#include <string>
#include <string_view>

namespace stradia::eventstore {

class array_literal {
 public:
  // An element that needs no quoting (UUIDs, numbers).
  void add_raw(std::string_view value);
  // Any text, quoted and escaped.
  void add_text(std::string_view value);
  // Bytes as a bytea hex element.
  void add_bytea(std::string_view bytes);
  std::string finish();

 private:
  void separator();
  std::string out_ = "{";
};

class json_object_writer {
 public:
  // Adds "name": "value"; empty values are left out.
  void field(std::string_view name, std::string_view value);
  // Adds "name": true.
  void flag(std::string_view name);
  std::string finish();

 private:
  std::string out_ = "{";
};

// JSON string escaping (quotes, backslash, control characters).
void append_json_string(std::string& out, std::string_view value);

}  // namespace stradia::eventstore
