// Row-level security and privileges, checked with raw SQL as the service's roles.
#include "eventstore/event_store.hpp"
#include "pg_fixture.hpp"

namespace stradia::testing {
namespace {

class TenantIsolation : public pg_test {
 protected:
  void SetUp() override {
    pg_test::SetUp();
    if (HasFatalFailure()) return;
    eventstore::event_store store({app(), worker()});
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(store.append(one_event(tenant_a_, "a-" + std::to_string(i))).has_value());
    for (int i = 0; i < 2; ++i) ASSERT_TRUE(store.append(one_event(tenant_b_, "b-" + std::to_string(i))).has_value());
  }

  // Runs `sql` as stradia_app with `tenant` set for the transaction ("" = none set).
  pqxx::result as_app(const std::string& tenant, const std::string& sql) {
    pqxx::connection c(app());
    pqxx::work w(c);
    if (!tenant.empty()) w.exec_params("SELECT set_config('app.current_tenant', $1, true)", tenant);
    auto r = w.exec(sql);
    w.commit();
    return r;
  }

  const std::string tenant_a_ = new_uuid();
  const std::string tenant_b_ = new_uuid();
};

TEST_F(TenantIsolation, WithTenantASetRawSqlSeesNoneOfTenantBsEvents) {
  auto rows = as_app(tenant_a_, "SELECT DISTINCT tenant_id::text FROM events");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0].as<std::string>(), tenant_a_);
  EXPECT_EQ(as_app(tenant_a_, "SELECT count(*) FROM events")[0][0].as<int>(), 3);
}

TEST_F(TenantIsolation, WithNoTenantSetNothingIsVisible) {
  EXPECT_EQ(as_app("", "SELECT count(*) FROM events")[0][0].as<int>(), 0);
}

TEST_F(TenantIsolation, InsertingForAnotherTenantIsRefused) {
  EXPECT_THROW(as_app(tenant_a_,
                      "INSERT INTO events (event_id, tenant_id, stream_id, stream_version, event_type, payload) "
                      "VALUES (gen_random_uuid(), '" +
                          tenant_b_ + "', 'x', 1, 'T', '\\x00')"),
               pqxx::sql_error);
}

TEST_F(TenantIsolation, UpdateDeleteAndTruncateOnEventsAreRefused) {
  EXPECT_THROW(as_app(tenant_a_, "UPDATE events SET event_type = 'Forged'"), pqxx::insufficient_privilege);
  EXPECT_THROW(as_app(tenant_a_, "DELETE FROM events"), pqxx::insufficient_privilege);
  EXPECT_THROW(as_app(tenant_a_, "TRUNCATE events"), pqxx::insufficient_privilege);
  // Not even the owner rewrites history.
  pqxx::connection c(owner());
  EXPECT_THROW(pqxx::nontransaction(c).exec("UPDATE events SET event_type = 'Forged'"), pqxx::sql_error);
  EXPECT_EQ(as_app(tenant_a_, "SELECT count(*) FROM events WHERE event_type = 'Forged'")[0][0].as<int>(), 0);
}

TEST_F(TenantIsolation, TheServiceRolesCannotBypassRowLevelSecurity) {
  pqxx::connection c(owner());
  auto r = pqxx::nontransaction(c).exec(
      "SELECT rolname, rolbypassrls, rolsuper FROM pg_roles WHERE rolname IN ('stradia_app', 'stradia_worker') "
      "ORDER BY rolname");
  ASSERT_EQ(r.size(), 2u);
  for (const auto& row : r) {
    EXPECT_FALSE(row[1].as<bool>()) << row[0].as<std::string>();
    EXPECT_FALSE(row[2].as<bool>()) << row[0].as<std::string>();
  }
  auto privileges = pqxx::nontransaction(c).exec(
      "SELECT has_table_privilege('stradia_app', 'events', 'SELECT'), "
      "has_table_privilege('stradia_app', 'events', 'INSERT'), "
      "has_table_privilege('stradia_app', 'events', 'UPDATE'), "
      "has_table_privilege('stradia_app', 'events', 'DELETE'), "
      "has_table_privilege('stradia_app', 'events', 'TRUNCATE')");
  EXPECT_TRUE(privileges[0][0].as<bool>());
  EXPECT_TRUE(privileges[0][1].as<bool>());
  EXPECT_FALSE(privileges[0][2].as<bool>());
  EXPECT_FALSE(privileges[0][3].as<bool>());
  EXPECT_FALSE(privileges[0][4].as<bool>());
}

TEST_F(TenantIsolation, TheWorkerRoleReadsEveryTenantButWritesOnlyUnderOne) {
  pqxx::connection c(worker());
  pqxx::work w(c);
  EXPECT_EQ(w.exec("SELECT count(*) FROM events")[0][0].as<int>(), 5);
  EXPECT_THROW(w.exec("INSERT INTO events (event_id, tenant_id, stream_id, stream_version, event_type, payload) "
                      "VALUES (gen_random_uuid(), '" +
                      tenant_b_ + "', 'x', 1, 'T', '\\x00')"),
               pqxx::sql_error);
}

}  // namespace
}  // namespace stradia::testing
