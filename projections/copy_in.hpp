#pragma once
// COPY … FROM STDIN into one table, each row a list of text values (nullopt for NULL),
// written in COPY's text format. libpqxx 6's stream_to converts and escapes every field
// through temporary strings, about half of a rebuild's write phase; this escapes straight
// into one buffer and hands libpqxx many rows at a time.
#include <memory>
#include <string>
#include <vector>

#include "projections/row_table.hpp"

namespace pqxx {
class tablewriter;
}  // namespace pqxx

namespace stradia::projections {

class copy_in {
 public:
  copy_in(pqxx::transaction_base& t, const std::string& table, const std::vector<std::string>& columns);
  ~copy_in();
  copy_in(const copy_in&) = delete;
  copy_in& operator=(const copy_in&) = delete;

  void write(const row& values);
  // Rows already in COPY text, each ending in a newline (append_row's).
  void write_rows(const std::string& rows);
  // One row in COPY's text format, newline included, added to `out`.
  static void append_row(std::string& out, const row& values);
  // Sends what is buffered and ends the COPY; Postgres' refusal surfaces here.
  void complete();

 private:
  void send();

  std::unique_ptr<pqxx::tablewriter> writer_;
  std::string buffer_;
};

}  // namespace stradia::projections
