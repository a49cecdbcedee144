#include "projections/copy_in.hpp"

// tablewriter is the one libpqxx 6 class that takes COPY lines as they are (its
// write_raw_line); libpqxx marks it deprecated in favour of stream_to, whose per-field
// conversion this file exists to avoid.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#include <pqxx/pqxx>
#include <pqxx/tablewriter>

namespace stradia::projections {

namespace {

constexpr std::size_t send_at = 256 * 1024;

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

copy_in::copy_in(pqxx::transaction_base& t, const std::string& table, const std::vector<std::string>& columns)
    : writer_(std::make_unique<pqxx::tablewriter>(t, table, columns.begin(), columns.end())) {
  buffer_.reserve(send_at + 64 * 1024);
}

copy_in::~copy_in() = default;

void copy_in::append_row(std::string& out, const row& values) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out += '\t';
    if (values[i])
      append_escaped(out, *values[i]);
    else
      out += "\\N";
  }
  out += '\n';
}

void copy_in::write(const row& values) {
  append_row(buffer_, values);
  if (buffer_.size() >= send_at) send();
}

void copy_in::write_rows(const std::string& rows) {
  send();
  if (!rows.empty()) writer_->write_raw_line(rows);
}

void copy_in::send() {
  if (buffer_.empty()) return;
  // One "line" of many rows: libpqxx ends it with the newline it strips here.
  writer_->write_raw_line(buffer_);
  buffer_.clear();
}

void copy_in::complete() {
  send();
  writer_->complete();
}

}  // namespace stradia::projections

#pragma GCC diagnostic pop
