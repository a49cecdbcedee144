#include "projections/copy_encoder.hpp"

#include <bit>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstring>
#include <optional>
#include <pqxx/pqxx>
#include <stdexcept>
#include <string_view>
#include <unordered_map>

#include "base/clock.hpp"

namespace stradia::projections {

namespace {

using kind = copy_encoder::kind;

kind kind_of(unsigned oid) {
  switch (oid) {
    case 16: return kind::boolean;
    case 20: return kind::int8;
    case 23: return kind::int4;
    case 25: return kind::text;
    case 701: return kind::float8;
    case 1082: return kind::date;
    case 1184: return kind::timestamptz;
    case 2950: return kind::uuid;
    default: return kind::other;
  }
}

template <class Unsigned>
void put_big_endian(std::string& out, Unsigned value) {
  char bytes[sizeof(Unsigned)];
  for (std::size_t i = sizeof(Unsigned); i-- > 0; value = static_cast<Unsigned>(value >> 8))
    bytes[i] = static_cast<char>(value & 0xff);
  out.append(bytes, sizeof bytes);
}

void put_field(std::string& out, std::int32_t length) { put_big_endian(out, static_cast<std::uint32_t>(length)); }

// Days from 2000-01-01 (Postgres' epoch) of "YYYY-MM-DD" at the start of `s`. Years before
// 1 are left to Postgres' own parsing.
std::optional<std::int64_t> postgres_day(std::string_view s) {
  const auto day = s.size() >= 10 ? base::parse_day(s.substr(0, 10)) : std::nullopt;
  if (!day || std::chrono::year_month_day{*day}.year() < std::chrono::year(1)) return std::nullopt;
  using std::chrono::sys_days;
  return (*day - sys_days(std::chrono::year(2000) / 1 / 1)).count();
}

// Microseconds from 2000-01-01 UTC of "YYYY-MM-DD[T ]HH:MM:SS[.f…](Z|±HH:MM)", at most six
// fractional digits: what base::format_rfc3339 writes, and RFC 3339 with an offset.
std::optional<std::int64_t> postgres_micros(std::string_view s) {
  const auto day = postgres_day(s);
  if (!day || s.size() < 20 || (s[10] != 'T' && s[10] != ' ') || s[13] != ':' || s[16] != ':') return std::nullopt;
  const auto h = base::parse_digits(s, 11, 2), mi = base::parse_digits(s, 14, 2), sec = base::parse_digits(s, 17, 2);
  if (!h || !mi || !sec || *h > 23 || *mi > 59 || *sec > 59) return std::nullopt;
  std::size_t at = 19;
  std::int64_t fraction = 0;
  if (s[at] == '.') {
    std::size_t n = 0;
    while (at + 1 + n < s.size() && s[at + 1 + n] >= '0' && s[at + 1 + n] <= '9') ++n;
    if (n == 0 || n > 6) return std::nullopt;
    fraction = *base::parse_digits(s, at + 1, n);
    for (std::size_t i = n; i < 6; ++i) fraction *= 10;
    at += 1 + n;
  }
  std::int64_t offset_seconds = 0;
  if (at < s.size() && s[at] == 'Z' && at + 1 == s.size()) {
  } else if (at + 6 == s.size() && (s[at] == '+' || s[at] == '-') && s[at + 3] == ':') {
    const auto oh = base::parse_digits(s, at + 1, 2), om = base::parse_digits(s, at + 4, 2);
    if (!oh || !om || *oh > 15 || *om > 59) return std::nullopt;
    offset_seconds = (s[at] == '-' ? -1 : 1) * (*oh * 3600 + *om * 60);
  } else {
    return std::nullopt;
  }
  const std::int64_t seconds = ((*day * 24 + *h) * 60 + *mi) * 60 + *sec - offset_seconds;
  return seconds * 1'000'000 + fraction;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// One value as a binary field (length, then bytes); false when it is not in a form encoded here.
bool append_value(std::string& out, kind k, const std::string& text) {
  switch (k) {
    case kind::text:
      put_field(out, static_cast<std::int32_t>(text.size()));
      out += text;
      return true;
    case kind::boolean:
      if (text != "true" && text != "false" && text != "t" && text != "f") return false;
      put_field(out, 1);
      out += text[0] == 't' ? '\1' : '\0';
      return true;
    case kind::int4:
    case kind::int8: {
      std::int64_t value = 0;
      const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (error != std::errc() || end != text.data() + text.size() || text.empty()) return false;
      if (k == kind::int8) {
        put_field(out, 8);
        put_big_endian(out, static_cast<std::uint64_t>(value));
      } else {
        if (value < INT32_MIN || value > INT32_MAX) return false;
        put_field(out, 4);
        put_big_endian(out, static_cast<std::uint32_t>(static_cast<std::int32_t>(value)));
      }
      return true;
    }
    case kind::float8: {
      // from_chars rounds correctly, as Postgres' strtod does: the same double.
      double value = 0;
      const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (error != std::errc() || end != text.data() + text.size() || text.empty() || !std::isfinite(value))
        return false;
      put_field(out, 8);
      put_big_endian(out, std::bit_cast<std::uint64_t>(value));
      return true;
    }
    case kind::uuid: {
      if (text.size() != 36) return false;
      char bytes[16];
      std::size_t n = 0;
      for (std::size_t i = 0; i < 36; ++i) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
          if (text[i] != '-') return false;
          continue;
        }
        const int high = hex_digit(text[i]), low = hex_digit(text[i + 1]);
        if (high < 0 || low < 0) return false;
        bytes[n++] = static_cast<char>(high << 4 | low);
        ++i;
      }
      put_field(out, 16);
      out.append(bytes, sizeof bytes);
      return true;
    }
    case kind::timestamptz: {
      const auto micros = postgres_micros(text);
      if (!micros) return false;
      put_field(out, 8);
      put_big_endian(out, static_cast<std::uint64_t>(*micros));
      return true;
    }
    case kind::date: {
      const auto day = text.size() == 10 ? postgres_day(text) : std::nullopt;
      if (!day) return false;
      put_field(out, 4);
      put_big_endian(out, static_cast<std::uint32_t>(static_cast<std::int32_t>(*day)));
      return true;
    }
    case kind::other: return false;
  }
  return false;
}

// COPY text format: a backslash and the characters that separate fields and rows are
// escaped; everything else, UTF-8 included, goes as it is.
void append_escaped(std::string& out, const std::string& value) {
  std::size_t plain = 0;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    const char* escape = c == '\\' ? "\\\\" : c == '\t' ? "\\t" : c == '\n' ? "\\n" : c == '\r' ? "\\r" : nullptr;
    if (!escape) continue;
    out.append(value, plain, i - plain);
    out.append(escape, 2);
    plain = i + 1;
  }
  out.append(value, plain, std::string::npos);
}

}  // namespace

copy_encoder::copy_encoder(std::vector<kind> columns) : columns_(std::move(columns)) {
  for (const auto k : columns_) binary_ = binary_ && k != kind::other;
}

copy_encoder copy_encoder::of_table(pqxx::transaction_base& t, const std::string& table,
                                    const std::vector<std::string>& columns) {
  std::unordered_map<std::string, unsigned> types;
  for (const auto& r :
       t.exec_params("SELECT attname, atttypid::bigint FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 "
                     "AND NOT attisdropped",
                     table))
    types.emplace(r[0].as<std::string>(), r[1].as<unsigned>());
  std::vector<kind> kinds;
  for (const auto& name : columns) {
    const auto found = types.find(name);
    if (found == types.end()) throw std::logic_error("COPY into " + table + ": it has no column " + name);
    kinds.push_back(kind_of(found->second));
  }
  return copy_encoder(std::move(kinds));
}

bool copy_encoder::append_binary(const row& values, std::string& out) const {
  if (!binary_ || values.size() != columns_.size()) return false;
  const auto start = out.size();
  put_big_endian(out, static_cast<std::uint16_t>(values.size()));
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!values[i]) {
      put_field(out, -1);
    } else if (!append_value(out, columns_[i], *values[i])) {
      out.resize(start);
      return false;
    }
  }
  return true;
}

std::string copy_encoder::binary_key(const row& values) const {
  std::string field;
  if (values.empty() || !values[0] || columns_.empty() || !append_value(field, columns_[0], *values[0]))
    throw std::logic_error("a row's key does not go in COPY's binary format");
  return field.substr(4);
}

void copy_encoder::append(const row& values, std::string& binary_rows, std::string& text_rows) const {
  if (!append_binary(values, binary_rows)) append_text(text_rows, values);
}

void copy_encoder::append_text(std::string& out, const row& values) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out += '\t';
    if (values[i])
      append_escaped(out, *values[i]);
    else
      out += "\\N";
  }
  out += '\n';
}

}  // namespace stradia::projections
