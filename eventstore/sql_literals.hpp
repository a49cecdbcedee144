#pragma once
// The array literals Postgres parses ('{...}'), passed as one parameter. Values are
// always parameters, never spliced into SQL.
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

}  // namespace stradia::eventstore
