#include "base/json_writer.hpp"

#include <charconv>
#include <cmath>

namespace stradia::base {

namespace {

constexpr char hex[] = "0123456789abcdef";

// Length of the well-formed UTF-8 sequence at s[i] (RFC 3629: no overlongs, no
// surrogates, nothing past U+10FFFF), or 0 when it is not one.
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  const auto b = static_cast<unsigned char>(s[i]);
  std::size_t n = 0;
  unsigned char low = 0x80, high = 0xBF;  // the range of the second byte
  if (b >= 0xC2 && b <= 0xDF) {
    n = 2;
  } else if (b >= 0xE0 && b <= 0xEF) {
    n = 3;
    if (b == 0xE0) low = 0xA0;
    if (b == 0xED) high = 0x9F;
  } else if (b >= 0xF0 && b <= 0xF4) {
    n = 4;
    if (b == 0xF0) low = 0x90;
    if (b == 0xF4) high = 0x8F;
  }
  if (n == 0 || i + n > s.size()) return 0;
  const auto second = static_cast<unsigned char>(s[i + 1]);
  if (second < low || second > high) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  return n;
}

}  // namespace

void json_writer::comma() {
  if (need_comma_) out_ += ',';
  need_comma_ = true;
}

json_writer& json_writer::begin_object() {
  comma();
  out_ += '{';
  need_comma_ = false;
  return *this;
}

json_writer& json_writer::end_object() {
  out_ += '}';
  need_comma_ = true;
  return *this;
}

json_writer& json_writer::begin_array() {
  comma();
  out_ += '[';
  need_comma_ = false;
  return *this;
}

json_writer& json_writer::end_array() {
  out_ += ']';
  need_comma_ = true;
  return *this;
}

json_writer& json_writer::key(std::string_view name) {
  value(name);
  out_ += ':';
  need_comma_ = false;
  return *this;
}

json_writer& json_writer::value(std::string_view text) {
  comma();
  out_ += '"';
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '"' || c == '\\') {
      out_ += '\\';
      out_ += static_cast<char>(c);
    } else if (c < 0x20) {
      out_ += c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t" : "";
      if (c != '\n' && c != '\r' && c != '\t') {
        out_ += "\\u00";
        out_ += hex[c >> 4];
        out_ += hex[c & 0xF];
      }
    } else if (c < 0x80) {
      out_ += static_cast<char>(c);
    } else if (const auto n = utf8_sequence(text, i); n > 0) {
      out_.append(text.substr(i, n));
      i += n;
      continue;
    } else {
      out_ += "\\ufffd";  // not UTF-8: never emit invalid JSON
    }
    ++i;
  }
  out_ += '"';
  return *this;
}

json_writer& json_writer::value(std::int64_t number) {
  comma();
  out_ += std::to_string(number);
  return *this;
}

json_writer& json_writer::value(double number) {
  comma();
  if (!std::isfinite(number)) {
    out_ += "null";
    return *this;
  }
  char buf[32];  // the shortest text that reads back as the same double
  const auto end = std::to_chars(buf, buf + sizeof buf, number).ptr;
  out_.append(buf, end);
  return *this;
}

json_writer& json_writer::value(bool flag) {
  comma();
  out_ += flag ? "true" : "false";
  return *this;
}

json_writer& json_writer::null() {
  comma();
  out_ += "null";
  return *this;
}

json_writer& json_writer::raw(std::string_view json) {
  comma();
  out_ += json;
  return *this;
}

}  // namespace stradia::base
