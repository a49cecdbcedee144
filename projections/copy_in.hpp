#pragma once
// COPY … FROM STDIN into one table on the transaction's connection, in COPY's text or
// binary format (copy_encoder writes the rows). It runs on libpq itself: libpqxx 6 sends
// COPY text only, and converts each field through temporary strings.
#include <string>
#include <string_view>
#include <vector>

namespace pqxx {
class transaction_base;
}  // namespace pqxx

struct pg_conn;
struct pg_result;

namespace stradia::projections {

enum class copy_format { text, binary };

// The transaction's libpq connection (libpqxx 6 lends it to large objects only).
pg_conn* libpq_connection_of(pqxx::transaction_base& t);
// Throws what libpqxx itself throws for this failure (by its SQLSTATE), so the projector
// tells a lost connection from a refused row as it does for every other statement.
[[noreturn]] void throw_libpq_failure(pg_conn* c, const pg_result* r, const std::string& statement);

class copy_in {
 public:
  copy_in(pqxx::transaction_base& t, const std::string& table, const std::vector<std::string>& columns,
          copy_format format);
  // A COPY not completed ends refused: the transaction fails, the connection stays usable.
  ~copy_in();
  copy_in(const copy_in&) = delete;
  copy_in& operator=(const copy_in&) = delete;

  // Rows as copy_encoder writes them in this format: lines of text, or binary tuples.
  void write(std::string_view rows);
  // Ends the COPY; Postgres' refusal surfaces here, as the pqxx exception of its SQLSTATE.
  void complete();

 private:
  void end_refused();

  pg_conn* connection_;
  std::string statement_;
  copy_format format_;
  bool open_ = true;
};

}  // namespace stradia::projections
