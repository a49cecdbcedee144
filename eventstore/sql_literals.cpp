#include "eventstore/sql_literals.hpp"

#include "base/encoding.hpp"

namespace stradia::eventstore {

void array_literal::separator() {
  if (out_.size() > 1) out_ += ',';
}

void array_literal::add_raw(std::string_view value) {
  separator();
  out_ += value;
}

void array_literal::add_text(std::string_view value) {
  separator();
  out_ += '"';
  for (char c : value) {
    if (c == '"' || c == '\\') out_ += '\\';
    out_ += c;
  }
  out_ += '"';
}

void array_literal::add_bytea(std::string_view bytes) {
  separator();
  out_ += "\"\\\\x";
  out_ += base::hex(bytes);
  out_ += '"';
}

std::string array_literal::finish() {
  out_ += '}';
  return std::move(out_);
}

}  // namespace stradia::eventstore
