#include "eventstore/idempotency_store.hpp"

#include <pqxx/pqxx>

#include "eventstore/connection_pool.hpp"
#include "eventstore/pg_errors.hpp"

namespace stradia::eventstore {

namespace {

constexpr const char* set_tenant_sql = "SELECT set_config('app.current_tenant', $1, true)";

// Takes the key, or a key whose 24 hours are over; nothing when a live row holds it.
constexpr const char* claim_sql =
    "INSERT INTO idempotency_keys AS k (tenant_id, user_id, key, request_digest, command_id, log_head, lease_until, "
    "expires_at) VALUES ($1, $2, $3, $4, $5, stradia_log_head(), "
    "now() + make_interval(secs => $6), now() + make_interval(secs => $7)) "
    "ON CONFLICT (tenant_id, user_id, key) DO UPDATE SET request_digest = EXCLUDED.request_digest, "
    "command_id = EXCLUDED.command_id, log_head = EXCLUDED.log_head, lease_until = EXCLUDED.lease_until, "
    "status = NULL, content_type = NULL, body = NULL, created_at = now(), expires_at = EXCLUDED.expires_at "
    "WHERE k.expires_at < now() RETURNING command_id::text, log_head";

constexpr const char* held_sql =
    "SELECT request_digest, command_id::text, log_head, lease_until > now(), status, content_type, body, "
    "lease_until IS NOT NULL FROM idempotency_keys WHERE tenant_id = $1 AND user_id = $2 AND key = $3 "
    "AND expires_at > now() FOR UPDATE";

constexpr const char* take_over_sql =
    "UPDATE idempotency_keys SET lease_until = now() + make_interval(secs => $4) "
    "WHERE tenant_id = $1 AND user_id = $2 AND key = $3";

constexpr const char* keys_held_sql =
    "SELECT coalesce((SELECT held FROM idempotency_key_counts WHERE tenant_id = $1 AND user_id = $2), 0)";

constexpr const char* purge_sql =
    "DELETE FROM idempotency_keys WHERE ctid IN (SELECT ctid FROM idempotency_keys WHERE expires_at < now() LIMIT 100)";

template <class Body>
auto in_tenant(connection_pool& pool, const std::string& tenant_id, Body&& body)
    -> result<decltype(body(std::declval<pqxx::work&>()))> {
  for (int attempt = 1;; ++attempt) {
    bool started = false;
    try {
      auto c = pool.acquire();
      pqxx::work w(*c);
      w.exec_params(set_tenant_sql, tenant_id);
      started = true;
      if constexpr (std::is_void_v<decltype(body(w))>) {
        body(w);
        w.commit();
        return {};
      } else {
        auto out = body(w);
        w.commit();
        return out;
      }
    } catch (const pqxx::broken_connection&) {
      if (started || attempt > 1) return base::unexpected<store_error>(translate_current_exception());
      pool.clear();  // a restart killed the pooled connections: once more on a fresh one
    } catch (...) {
      return base::unexpected<store_error>(translate_current_exception());
    }
  }
}

}  // namespace

idempotency_store::idempotency_store(std::string app_conninfo, idempotency_options options)
    : options_(options), pool_(std::make_unique<connection_pool>(std::move(app_conninfo), 8)) {}

idempotency_store::~idempotency_store() = default;

result<idempotency_claim> idempotency_store::claim(const std::string& tenant_id, const std::string& user_id,
                                                   const std::string& key, const std::string& request_digest,
                                                   const std::string& command_id, std::chrono::seconds lease_for) {
  return in_tenant(*pool_, tenant_id, [&](pqxx::work& w) {
    idempotency_claim out;
    // Expired keys go a hundred at a time, now and then, within the tenant.
    if (command_id.back() == '0') w.exec(purge_sql);
    const auto lease = static_cast<double>(lease_for.count());
    const auto lifetime = static_cast<double>(std::chrono::seconds(options_.lifetime).count());
    auto held = [&] { return w.exec_params(keys_held_sql, tenant_id, user_id)[0][0].as<std::size_t>(); };
    bool at_cap = held() >= options_.max_keys_per_user;
    if (at_cap) {  // expired keys count until they are purged: this user's go first
      w.exec_params("DELETE FROM idempotency_keys WHERE tenant_id = $1 AND user_id = $2 AND expires_at < now()",
                    tenant_id, user_id);
      at_cap = held() >= options_.max_keys_per_user;
    }
    const auto taken =
        at_cap ? pqxx::result{}
               : w.exec_params(claim_sql, tenant_id, user_id, key, request_digest, command_id, lease, lifetime);
    if (!taken.empty()) {
      out.kind = claim_kind::fresh;
      out.command_id = taken[0][0].as<std::string>();
      out.log_head = taken[0][1].as<std::int64_t>();
      return out;
    }
    const auto row = w.exec_params(held_sql, tenant_id, user_id, key);
    if (row.empty()) {  // a new key, but the user holds too many
      out.kind = claim_kind::too_many_keys;
      return out;
    }
    const auto& r = row[0];
    out.command_id = r[1].as<std::string>();
    out.log_head = r[2].as<std::int64_t>();
    if (r[0].as<std::string>() != request_digest) {
      out.kind = claim_kind::different_request;
    } else if (!r[4].is_null()) {
      out.kind = claim_kind::replay;
      out.answer.status = r[4].as<int>();
      out.answer.content_type = r[5].as<std::string>();
      if (!r[6].is_null()) out.answer.body = r[6].as<std::string>();
    } else if (r[3].as<bool>()) {
      out.kind = claim_kind::in_use;
    } else {
      w.exec_params(take_over_sql, tenant_id, user_id, key, lease);
      out.kind = claim_kind::taken_over;
    }
    return out;
  });
}

result<void> idempotency_store::complete(const std::string& tenant_id, const std::string& user_id,
                                         const std::string& key, const kept_answer& answer) {
  const bool keep_body = answer.body && answer.body->size() <= options_.max_kept_body;
  return in_tenant(*pool_, tenant_id, [&](pqxx::work& w) {
    w.exec_params(
        "UPDATE idempotency_keys SET lease_until = NULL, status = $4, content_type = $5, body = $6 "
        "WHERE tenant_id = $1 AND user_id = $2 AND key = $3",
        tenant_id, user_id, key, answer.status, answer.content_type,
        keep_body ? std::optional<std::string>(*answer.body) : std::nullopt);
  });
}

result<void> idempotency_store::release(const std::string& tenant_id, const std::string& user_id,
                                        const std::string& key) {
  return in_tenant(*pool_, tenant_id, [&](pqxx::work& w) {
    w.exec_params(
        "UPDATE idempotency_keys SET lease_until = now() WHERE tenant_id = $1 AND user_id = $2 AND key = $3 "
        "AND status IS NULL",
        tenant_id, user_id, key);
  });
}

}  // namespace stradia::eventstore
