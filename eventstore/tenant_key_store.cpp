#include "eventstore/tenant_key_store.hpp"

#include <pqxx/pqxx>

#include "eventstore/connection_pool.hpp"
#include "eventstore/pg_errors.hpp"

namespace stradia::eventstore {

namespace {

constexpr const char* set_tenant_sql = "SELECT set_config('app.current_tenant', $1, true)";
constexpr const char* find_sql = "SELECT wrapped_key FROM tenant_data_keys WHERE tenant_id = $1::uuid";
constexpr const char* insert_sql =
    "INSERT INTO tenant_data_keys (tenant_id, wrapped_key) VALUES ($1::uuid, $2) ON CONFLICT (tenant_id) DO NOTHING";

}  // namespace

tenant_key_store::tenant_key_store(std::string app_conninfo)
    : pool_(std::make_unique<connection_pool>(std::move(app_conninfo), 4)) {}

tenant_key_store::~tenant_key_store() = default;

result<std::optional<std::string>> tenant_key_store::find(const std::string& tenant_id) {
  try {
    auto c = pool_->acquire();
    pqxx::work tx(*c);
    tx.exec_params(set_tenant_sql, tenant_id);
    auto rows = tx.exec_params(find_sql, tenant_id);
    tx.commit();
    if (rows.empty()) return std::optional<std::string>{};
    return std::optional<std::string>(pqxx::binarystring(rows[0][0]).str());
  } catch (...) {
    return base::unexpected(translate_current_exception());
  }
}

result<std::string> tenant_key_store::keep_first(const std::string& tenant_id, const std::string& wrapped_key) {
  try {
    auto c = pool_->acquire();
    pqxx::work tx(*c);
    tx.exec_params(set_tenant_sql, tenant_id);
    tx.exec_params(insert_sql, tenant_id, pqxx::binarystring(wrapped_key));
    auto rows = tx.exec_params(find_sql, tenant_id);
    tx.commit();
    return pqxx::binarystring(rows.at(0)[0]).str();
  } catch (...) {
    return base::unexpected(translate_current_exception());
  }
}

}  // namespace stradia::eventstore
