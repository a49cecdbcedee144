#include "eventstore/migrator.hpp"

#include <pqxx/pqxx>

#include <algorithm>
#include <set>

#include "eventstore/pg_errors.hpp"

namespace stradia::eventstore {

namespace {

constexpr long long migration_lock_key = 7262536974;

constexpr const char* create_table_sql =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())";

constexpr const char* record_sql = "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)";

}  // namespace

result<migration_report> migrate(const std::string& owner_conninfo, const std::vector<migration>& others) {
  std::vector<migration> all(embedded_migrations());
  all.insert(all.end(), others.begin(), others.end());
  std::sort(all.begin(), all.end(), [](const migration& a, const migration& b) { return a.version < b.version; });
  for (std::size_t i = 1; i < all.size(); ++i)
    if (all[i].version == all[i - 1].version)
      return fail(store_errc::invalid_request, "two migrations are numbered " + std::to_string(all[i].version));
  try {
    pqxx::connection c(owner_conninfo);
    pqxx::nontransaction(c).exec_params("SELECT pg_advisory_lock($1)", migration_lock_key);
    {
      pqxx::work w(c);
      w.exec(create_table_sql);
      w.commit();
    }
    std::set<int> done;
    {
      pqxx::read_transaction r(c);
      for (const auto& row : r.exec("SELECT version FROM schema_migrations")) done.insert(row[0].as<int>());
    }
    migration_report report;
    for (const auto& m : all) {
      if (!done.count(m.version)) {
        pqxx::work w(c);
        w.exec(std::string(m.sql));
        w.exec_params(record_sql, m.version, std::string(m.name));
        w.commit();
        report.applied.push_back(m.version);
      }
      report.current_version = m.version;
    }
    pqxx::nontransaction(c).exec_params("SELECT pg_advisory_unlock($1)", migration_lock_key);
    return report;
  } catch (...) {
    return base::unexpected<store_error>(translate_current_exception());
  }
}

}  // namespace stradia::eventstore
