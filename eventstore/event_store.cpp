#include "eventstore/event_store.hpp"

#include <pqxx/pqxx>

#include "eventstore/batch_plan.hpp"
#include "eventstore/connection_pool.hpp"
#include "eventstore/envelope_rows.hpp"
#include "eventstore/group_committer.hpp"
#include "eventstore/log_reader.hpp"
#include "eventstore/pg_errors.hpp"

namespace stradia::eventstore {

namespace {

const std::string read_stream_sql =
    std::string("SELECT ") + envelope_columns +
    " FROM events WHERE stream_id = $1 AND stream_version > $2"
    " AND ($3::bigint IS NULL OR stream_version <= $3)"
    " AND ($4::bigint IS NULL OR recorded_at <= to_timestamp($4::double precision / 1000000))"
    " ORDER BY stream_version LIMIT $5";

const std::string read_tenant_log_sql = std::string("SELECT ") + envelope_columns +
                                        " FROM events WHERE global_position > $1"
                                        " AND ($2::text IS NULL OR stream_id = $2)"
                                        " AND ($3::text IS NULL OR event_type = $3)"
                                        " ORDER BY global_position LIMIT $4";

const std::string read_command_events_sql =
    std::string("SELECT ") + envelope_columns +
    " FROM events WHERE tenant_id = $1::uuid AND metadata ? 'idempotent' AND metadata->>'correlation_id' = $2"
    " AND global_position > $3 ORDER BY global_position";

const std::string read_all_sql = std::string("SELECT ") + envelope_columns +
                                 " FROM events WHERE global_position > $1 ORDER BY global_position LIMIT $2";

constexpr const char* set_tenant_sql = "SELECT set_config('app.current_tenant', $1, true)";

// Runs `body` in a read-only transaction on a pooled connection, translating failures.
// A pooled connection that died with the server (a restart) fails its first statement;
// then the pool is emptied and the read runs once more on a fresh connection.
template <class Body>
auto in_read_transaction(connection_pool& pool, const std::string& tenant_id, Body&& body)
    -> result<decltype(body(std::declval<pqxx::read_transaction&>()))> {
  for (int attempt = 1;; ++attempt) {
    bool body_started = false;
    try {
      auto c = pool.acquire();
      pqxx::read_transaction tx(*c);
      if (!tenant_id.empty()) tx.exec_params(set_tenant_sql, tenant_id);
      body_started = true;
      auto out = body(tx);
      tx.commit();
      return out;
    } catch (const pqxx::broken_connection&) {
      if (body_started || attempt > 1) return base::unexpected<store_error>(translate_current_exception());
      pool.clear();
    } catch (...) {
      return base::unexpected<store_error>(translate_current_exception());
    }
  }
}

}  // namespace

event_store::event_store(store_options options)
    : options_(std::move(options)),
      committer_(
          std::make_unique<group_committer>(options_.app_conninfo, group_commit_options{options_.max_batch_events, 5})),
      app_pool_(std::make_unique<connection_pool>(options_.app_conninfo)),
      worker_pool_(options_.worker_conninfo.empty() ? nullptr
                                                    : std::make_unique<connection_pool>(options_.worker_conninfo)) {}

event_store::~event_store() = default;

result<append_result> event_store::append(append_request request) { return append_async(std::move(request)).get(); }

std::future<result<append_result>> event_store::append_async(append_request request) {
  return committer_->submit(std::move(request));
}

std::uint64_t event_store::append_transactions() const { return committer_->transactions(); }

result<std::vector<envelope>> event_store::read_stream(const std::string& tenant_id, const std::string& stream_id,
                                                       const stream_range& range) {
  if (!base::is_uuid(tenant_id)) return fail(store_errc::invalid_request, "tenant_id is not a UUID");
  return in_read_transaction(*app_pool_, tenant_id, [&](pqxx::read_transaction& tx) {
    return envelopes_from(tx.exec_params(read_stream_sql, stream_id, range.after_version, range.up_to_version,
                                         range.up_to_recorded_at, range.max_count));
  });
}

result<std::vector<envelope>> event_store::read_tenant_log(const std::string& tenant_id, const log_query& query) {
  if (!base::is_uuid(tenant_id)) return fail(store_errc::invalid_request, "tenant_id is not a UUID");
  return in_read_transaction(*app_pool_, tenant_id, [&](pqxx::read_transaction& tx) {
    return envelopes_from(
        tx.exec_params(read_tenant_log_sql, query.after_position, query.stream_id, query.event_type, query.max_count));
  });
}

result<std::vector<envelope>> event_store::read_command_events(const std::string& tenant_id,
                                                               const std::string& command_id,
                                                               std::int64_t after_position) {
  if (!base::is_uuid(tenant_id) || !base::is_uuid(command_id))
    return fail(store_errc::invalid_request, "tenant_id and command_id are UUIDs");
  return in_read_transaction(*app_pool_, tenant_id, [&](pqxx::read_transaction& tx) {
    return envelopes_from(tx.exec_params(read_command_events_sql, tenant_id, command_id, after_position));
  });
}

result<std::vector<envelope>> event_store::read_all(std::int64_t after_position, std::size_t max_count) {
  if (options_.worker_conninfo.empty()) return fail(store_errc::invalid_request, "no worker connection configured");
  std::lock_guard lock(reader_mutex_);
  if (!reader_) {
    auto connected = log_reader::connect(options_.worker_conninfo);
    if (!connected) return base::unexpected(connected.error());
    reader_ = std::move(*connected);
  }
  auto events = reader_->read_after(after_position, max_count);
  if (!events && events.error().code == store_errc::retryable) reader_.reset();  // reconnect next time
  return events;
}

result<std::int64_t> event_store::head_position() {
  if (!worker_pool_) return fail(store_errc::invalid_request, "no worker connection configured");
  return in_read_transaction(*worker_pool_, "", [&](pqxx::read_transaction& tx) {
    return tx.exec("SELECT coalesce(max(global_position), 0) FROM events")[0][0].as<std::int64_t>();
  });
}

}  // namespace stradia::eventstore
