#include "eventstore/sql_literals.hpp"

namespace stradia::eventstore {

namespace {
constexpr char hex_digits[] = "0123456789abcdef";
}

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
  out_.reserve(out_.size() + bytes.size() * 2 + 6);
  out_ += "\"\\\\x";
  for (unsigned char b : bytes) {
    out_ += hex_digits[b >> 4];
    out_ += hex_digits[b & 0xF];
  }
  out_ += '"';
}

std::string array_literal::finish() {
  out_ += '}';
  return std::move(out_);
}

void append_json_string(std::string& out, std::string_view value) {
  out += '"';
  for (unsigned char c : value) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += hex_digits[c >> 4];
          out += hex_digits[c & 0xF];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

void json_object_writer::field(std::string_view name, std::string_view value) {
  if (value.empty()) return;
  if (out_.size() > 1) out_ += ',';
  append_json_string(out_, name);
  out_ += ':';
  append_json_string(out_, value);
}

void json_object_writer::flag(std::string_view name) {
  if (out_.size() > 1) out_ += ',';
  append_json_string(out_, name);
  out_ += ":true";
}

std::string json_object_writer::finish() {
  out_ += '}';
  return std::move(out_);
}

}  // namespace stradia::eventstore
