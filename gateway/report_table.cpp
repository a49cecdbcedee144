#include "gateway/report_table.hpp"

#include <charconv>

namespace stradia::gateway {

namespace {

void write_field(std::string& out, std::string_view text) {
  const bool formula = !text.empty() && (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@' ||
                                         text[0] == '\t' || text[0] == '\r');
  const bool quoted = text.find_first_of(",\"\r\n") != std::string_view::npos;
  if (quoted) out += '"';
  if (formula) out += '\'';
  for (const char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  if (quoted) out += '"';
}

void write_number(std::string& out, double value) {
  char text[32];
  const auto end = std::to_chars(text, text + sizeof text, value).ptr;
  out.append(text, end);
}

}  // namespace

void write_json_rows(base::json_writer& json, const report_table& table) {
  json.key("rows").begin_array();
  for (const auto& row : table.rows) {
    json.begin_object();
    for (std::size_t i = 0; i < table.columns.size(); ++i) {
      json.key(table.columns[i]);
      std::visit(
          [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::monostate>)
              json.null();
            else
              json.value(v);
          },
          row[i]);
    }
    json.end_object();
  }
  json.end_array();
}

std::string csv_of(const report_table& table) {
  std::string out;
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    if (i) out += ',';
    write_field(out, table.columns[i]);
  }
  out += "\r\n";
  for (const auto& row : table.rows) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i) out += ',';
      std::visit(
          [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::string>)
              write_field(out, v);
            else if constexpr (std::is_same_v<T, std::int64_t>)
              out += std::to_string(v);
            else if constexpr (std::is_same_v<T, double>)
              write_number(out, v);
          },
          row[i]);
    }
    out += "\r\n";
  }
  return out;
}

}  // namespace stradia::gateway
