#include "eventstore/log_reader.hpp"

#include <libpq-fe.h>
#include <poll.h>

#include <cstring>

#include "base/uuid_text.hpp"

namespace stradia::eventstore {

namespace {

constexpr const char* read_after_sql =
    "SELECT global_position, event_id, tenant_id, stream_id, stream_version, event_type, schema_version, payload, "
    "metadata->>'correlation_id', metadata->>'causation_id', metadata->>'user_id', recorded_at "
    "FROM events WHERE global_position > $1::bigint ORDER BY global_position LIMIT $2::bigint";

constexpr const char* read_after_statement = "stradia_read_after";

// Postgres' binary timestamps count microseconds from 2000-01-01T00:00:00Z.
constexpr std::int64_t postgres_epoch_in_unix_micros = 946684800LL * 1000000;

std::int64_t be64(const char* p) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return static_cast<std::int64_t>(v);
}

std::uint32_t be32(const char* p) {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

store_error connection_error(PGconn* c, const char* what) {
  const bool lost = PQstatus(c) != CONNECTION_OK;
  return {lost ? store_errc::retryable : store_errc::invalid_request, std::string(what) + ": " + PQerrorMessage(c)};
}

// Frees a PGresult when it goes out of scope.
struct result_guard {
  PGresult* r;
  ~result_guard() { PQclear(r); }
};

}  // namespace

result<std::unique_ptr<log_reader>> log_reader::connect(const std::string& conninfo) {
  PGconn* c = PQconnectdb(conninfo.c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    store_error error{store_errc::retryable, std::string("cannot connect: ") + PQerrorMessage(c)};
    PQfinish(c);
    return base::unexpected<store_error>(std::move(error));
  }
  // Prepared once per connection: the followers read the log's tail after every append, and
  // planning the read (row-level security on events) cost more than running it.
  result_guard prepared{PQprepare(c, read_after_statement, read_after_sql, 2, nullptr)};
  if (PQresultStatus(prepared.r) != PGRES_COMMAND_OK) {
    store_error error{store_errc::retryable, std::string("cannot prepare the log read: ") + PQerrorMessage(c)};
    PQfinish(c);
    return base::unexpected<store_error>(std::move(error));
  }
  return std::unique_ptr<log_reader>(new log_reader(c));
}

log_reader::~log_reader() { PQfinish(connection_); }

result<void> log_reader::send_read(std::int64_t after_position, std::size_t max_count) {
  const std::string after = std::to_string(after_position), limit = std::to_string(max_count);
  const char* values[] = {after.c_str(), limit.c_str()};
  if (!PQsendQueryPrepared(connection_, read_after_statement, 2, values, nullptr, nullptr, 1))
    return base::unexpected(connection_error(connection_, "read"));
  prefetched_ = {after_position, max_count};
  return {};
}

result<void> log_reader::finish_query(PGresult** into) {
  prefetched_.reset();
  PGresult* first = nullptr;
  while (PGresult* r = PQgetResult(connection_)) {
    if (!first)
      first = r;
    else
      PQclear(r);
  }
  if (!first || PQresultStatus(first) != PGRES_TUPLES_OK) {
    auto error = connection_error(connection_, "read");
    // The prepared read gone from the session (a pooler, DISCARD ALL): a new connection
    // prepares it again.
    const char* state = first ? PQresultErrorField(first, PG_DIAG_SQLSTATE) : nullptr;
    if (state && std::strcmp(state, "26000") == 0) error.code = store_errc::retryable;
    PQclear(first);
    return base::unexpected(std::move(error));
  }
  if (into)
    *into = first;
  else
    PQclear(first);
  return {};
}

result<std::vector<stradia::envelope::v1::EventEnvelope>> log_reader::read_after(std::int64_t after_position,
                                                                                 std::size_t max_count) {
  std::vector<stradia::envelope::v1::EventEnvelope> out;
  if (auto ok = read_after(after_position, max_count, out); !ok) return base::unexpected(ok.error());
  return out;
}

result<void> log_reader::read_after(std::int64_t after_position, std::size_t max_count,
                                    std::vector<stradia::envelope::v1::EventEnvelope>& into) {
  const bool wanted = prefetched_ == std::pair{after_position, max_count};
  if (prefetched_ && !wanted) {
    if (auto ok = finish_query(nullptr); !ok) return ok;
  }
  if (!wanted) {
    if (auto ok = send_read(after_position, max_count); !ok) return ok;
  }
  PGresult* received = nullptr;
  if (auto ok = finish_query(&received); !ok) return ok;
  result_guard rows{received};
  const int full = static_cast<int>(max_count);
  if (PQntuples(rows.r) == full && full > 0) {
    // Most likely more follows: let Postgres produce it while this batch is decoded.
    if (auto ok = send_read(be64(PQgetvalue(rows.r, full - 1, 0)), max_count); !ok) return ok;
  }
  const int n = PQntuples(rows.r);
  into.resize(static_cast<std::size_t>(n));
  auto text = [&](int row, int col, std::string* out) {
    if (PQgetisnull(rows.r, row, col))
      out->clear();
    else
      out->assign(PQgetvalue(rows.r, row, col), PQgetlength(rows.r, row, col));
  };
  for (int i = 0; i < n; ++i) {
    auto& e = into[static_cast<std::size_t>(i)];
    e.set_global_position(be64(PQgetvalue(rows.r, i, 0)));
    base::format_uuid(reinterpret_cast<const unsigned char*>(PQgetvalue(rows.r, i, 1)), *e.mutable_event_id());
    base::format_uuid(reinterpret_cast<const unsigned char*>(PQgetvalue(rows.r, i, 2)), *e.mutable_tenant_id());
    text(i, 3, e.mutable_stream_id());
    e.set_stream_version(be64(PQgetvalue(rows.r, i, 4)));
    text(i, 5, e.mutable_event_type());
    e.set_schema_version(be32(PQgetvalue(rows.r, i, 6)));
    text(i, 7, e.mutable_payload());
    text(i, 8, e.mutable_correlation_id());
    text(i, 9, e.mutable_causation_id());
    text(i, 10, e.mutable_user_id());
    const auto micros = be64(PQgetvalue(rows.r, i, 11)) + postgres_epoch_in_unix_micros;
    e.mutable_recorded_at()->set_seconds(micros / 1000000);
    e.mutable_recorded_at()->set_nanos(static_cast<int>(micros % 1000000) * 1000);
  }
  return {};
}

result<void> log_reader::listen(const std::string& channel) {
  if (prefetched_) {
    if (auto ok = finish_query(nullptr); !ok) return ok;
  }
  std::string sql = "LISTEN ";
  char* quoted = PQescapeIdentifier(connection_, channel.data(), channel.size());
  if (!quoted) return base::unexpected(connection_error(connection_, "listen"));
  sql += quoted;
  PQfreemem(quoted);
  result_guard r{PQexec(connection_, sql.c_str())};
  if (PQresultStatus(r.r) != PGRES_COMMAND_OK) return base::unexpected(connection_error(connection_, "listen"));
  return {};
}

bool log_reader::drain_notifications() {
  bool any = false;
  while (PGnotify* n = PQnotifies(connection_)) {
    any = true;
    PQfreemem(n);
  }
  return any;
}

result<bool> log_reader::wait_for_notification(std::chrono::milliseconds timeout) {
  if (prefetched_) {
    if (auto ok = finish_query(nullptr); !ok) return base::unexpected(ok.error());
  }
  if (!PQconsumeInput(connection_)) return base::unexpected(connection_error(connection_, "wait"));
  if (drain_notifications()) return true;
  pollfd fd{PQsocket(connection_), POLLIN, 0};
  if (::poll(&fd, 1, static_cast<int>(timeout.count())) < 0) return false;
  if (!PQconsumeInput(connection_)) return base::unexpected(connection_error(connection_, "wait"));
  return drain_notifications();
}

result<std::optional<std::string>> log_reader::query_value(const std::string& sql,
                                                           const std::vector<std::string>& params) {
  if (prefetched_) {
    if (auto ok = finish_query(nullptr); !ok) return base::unexpected(ok.error());
  }
  std::vector<const char*> values;
  for (const auto& p : params) values.push_back(p.c_str());
  result_guard r{PQexecParams(connection_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                              nullptr, nullptr, 0)};
  const auto status = PQresultStatus(r.r);
  if (status == PGRES_COMMAND_OK) return std::optional<std::string>{};
  if (status != PGRES_TUPLES_OK) return base::unexpected(connection_error(connection_, "query"));
  if (PQntuples(r.r) == 0 || PQgetisnull(r.r, 0, 0)) return std::optional<std::string>{};
  return std::optional<std::string>(std::string(PQgetvalue(r.r, 0, 0), PQgetlength(r.r, 0, 0)));
}

}  // namespace stradia::eventstore
