#include "projections/copy_in.hpp"

#include <libpq-fe.h>

#include <memory>
#include <pqxx/pqxx>

namespace stradia::projections {

namespace {

// libpqxx 6 lends its libpq connection to large objects only; a subclass may ask for it.
struct libpq_connection : pqxx::largeobject {
  static pg_conn* of(const pqxx::dbtransaction& t) { return raw_connection(t); }
};

// COPY's binary format: a signature, flags and a header extension length, then tuples, then -1.
constexpr std::string_view binary_header{"PGCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0", 19};
constexpr std::string_view binary_trailer{"\377\377", 2};

using result_ptr = std::unique_ptr<PGresult, decltype(&PQclear)>;

}  // namespace

pg_conn* libpq_connection_of(pqxx::transaction_base& t) {
  return libpq_connection::of(dynamic_cast<const pqxx::dbtransaction&>(t));
}

void throw_libpq_failure(pg_conn* c, const PGresult* r, const std::string& statement) {
  if (PQstatus(c) == CONNECTION_BAD) throw pqxx::broken_connection(PQerrorMessage(c));
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  const std::string message = r ? PQresultErrorMessage(r) : PQerrorMessage(c);
  const std::string s = state ? state : "";
  if (s == "23505") throw pqxx::unique_violation(message, statement, state);
  if (s == "23502") throw pqxx::not_null_violation(message, statement, state);
  if (s == "23503") throw pqxx::foreign_key_violation(message, statement, state);
  if (s == "23514") throw pqxx::check_violation(message, statement, state);
  if (s == "40001") throw pqxx::serialization_failure(message);
  if (s == "40P01") throw pqxx::deadlock_detected(message);
  if (s.rfind("08", 0) == 0) throw pqxx::broken_connection(message);
  if (s.rfind("22", 0) == 0) throw pqxx::data_exception(message, statement, state);
  if (s.rfind("23", 0) == 0) throw pqxx::integrity_constraint_violation(message, statement, state);
  if (s.rfind("40", 0) == 0) throw pqxx::transaction_rollback(message);
  if (s.rfind("53", 0) == 0) throw pqxx::insufficient_resources(message, statement, state);
  throw pqxx::sql_error(message, statement, state);
}

copy_in::copy_in(pqxx::transaction_base& t, const std::string& table, const std::vector<std::string>& columns,
                 copy_format format)
    : connection_(libpq_connection_of(t)), format_(format) {
  statement_ = "COPY " + table + " (";
  for (std::size_t i = 0; i < columns.size(); ++i) statement_ += (i ? "," : "") + columns[i];
  statement_ += format == copy_format::binary ? ") FROM STDIN (FORMAT binary)" : ") FROM STDIN";
  const result_ptr started(PQexec(connection_, statement_.c_str()), &PQclear);
  if (PQresultStatus(started.get()) != PGRES_COPY_IN) {
    open_ = false;
    throw_libpq_failure(connection_, started.get(), statement_);
  }
  if (format == copy_format::binary) try {
      write(binary_header);
    } catch (...) {
      end_refused();
      throw;
    }
}

copy_in::~copy_in() {
  if (open_) end_refused();
}

void copy_in::end_refused() {
  open_ = false;
  PQputCopyEnd(connection_, "the rows were not all written");
  while (PGresult* r = PQgetResult(connection_)) PQclear(r);
}

void copy_in::write(std::string_view rows) {
  constexpr std::size_t slice = 1 << 20;  // libpq takes an int's worth at a time
  for (std::size_t at = 0; at < rows.size(); at += slice) {
    const auto part = rows.substr(at, slice);
    if (PQputCopyData(connection_, part.data(), static_cast<int>(part.size())) != 1)
      throw_libpq_failure(connection_, nullptr, statement_);
  }
}

void copy_in::complete() {
  if (format_ == copy_format::binary) write(binary_trailer);
  open_ = false;
  if (PQputCopyEnd(connection_, nullptr) != 1) throw_libpq_failure(connection_, nullptr, statement_);
  result_ptr outcome(PQgetResult(connection_), &PQclear);
  while (PGresult* more = PQgetResult(connection_)) PQclear(more);
  if (PQresultStatus(outcome.get()) != PGRES_COMMAND_OK) throw_libpq_failure(connection_, outcome.get(), statement_);
}

}  // namespace stradia::projections
