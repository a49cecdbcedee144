#pragma once
// A table of an analytics answer, written as JSON rows or as CSV (RFC 4180) from the same
// cells, so both forms always say the same.
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "base/json_writer.hpp"

namespace stradia::gateway {

using report_cell = std::variant<std::monostate, std::string, std::int64_t, double>;  // monostate: null

struct report_table {
  std::vector<std::string> columns;
  std::vector<std::vector<report_cell>> rows;
};

// Each row as an object of its columns.
void write_json_rows(base::json_writer& json, const report_table& table);
// A header line, then a line per row, CRLF-terminated; a field is quoted when it holds a
// comma, a quote, CR or LF (quotes doubled). Text a spreadsheet would run as a formula
// (starting with = + - @ tab or CR) gets a leading apostrophe; an empty cell is null.
std::string csv_of(const report_table& table);

}  // namespace stradia::gateway
