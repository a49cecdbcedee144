#pragma once
// How a table's rows go into COPY. In COPY's binary format when every column has a type
// encoded here (uuid, text, int4, int8, boolean, float8, timestamptz, date) and every value
// is in the form the read models write it: Postgres then stores the values as they come,
// where parsing text was a third of a rebuild's COPY time. Any other row goes as COPY text,
// so Postgres judges a value no differently than before.
#include <cstdint>
#include <string>
#include <vector>

#include "projections/row_table.hpp"

namespace stradia::projections {

class copy_encoder {
 public:
  enum class kind : std::uint8_t { text, boolean, int4, int8, float8, uuid, timestamptz, date, other };

  explicit copy_encoder(std::vector<kind> columns);
  // The kinds of `columns` of `table`, from the catalog.
  static copy_encoder of_table(pqxx::transaction_base& t, const std::string& table,
                               const std::vector<std::string>& columns);

  // Appends the row to `binary_rows` as a binary tuple (without the header and trailer
  // copy_in adds), or, when the table or a value does not go in binary, to `text_rows` as a
  // line of COPY text.
  void append(const row& values, std::string& binary_rows, std::string& text_rows) const;
  // One row in COPY's text format, newline included.
  static void append_text(std::string& out, const row& values);
  // The row as a binary tuple; false (out unchanged) when the table or a value does not go in binary.
  bool append_binary(const row& values, std::string& out) const;
  // The first column's value as a binary field's bytes (its length left out); throws
  // std::logic_error when it does not go in binary (a key is a uuid, text or an integer).
  std::string binary_key(const row& values) const;

 private:
  std::vector<kind> columns_;
  bool binary_ = true;
};

}  // namespace stradia::projections
