// Analyst logins (`stradia analyst grant|revoke`): a role of Acme reads Acme's analytics
// views and nothing of Globex, whatever it sets (app.current_tenant, SET ROLE); it cannot
// read the service's tables or write anything; revoking ends its open session.
#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include "e2e/child_process.hpp"
#include "eventstore/pg_fixture.hpp"

namespace stradia::testing {
namespace {

const std::string acme = "a5e1c0de-0000-4000-8000-000000000001";
const std::string globex = "9100be20-0000-4000-8000-000000000001";
const char* const views[] = {"markets",   "heatmap_days", "heatmap_history", "heatmap_changes",
                             "flow_days", "cycle_times",  "ai_usage_days",   "ghost_card_decisions"};

finished_run run(const std::vector<std::string>& args, const std::vector<std::string>& env) {
  return run_to_end(args, env, true);
}

class AnalystLogin : public pg_test {
 protected:
  void SetUp() override {
    pg_test::SetUp();
    if (HasFatalFailure()) return;
    env_ = stradia_env("analyst-secret-0123456789abcdef0123456");
    ASSERT_EQ(run({"seed"}, env_).status, 0);
    ASSERT_EQ(run({"rebuild"}, env_).status, 0);
    name_ = "acme_bi_" + new_uuid().substr(0, 8);
    pqxx::connection c(owner());
    pqxx::read_transaction r(c);
    for (const auto& [tenant, markets] : {std::pair{acme, &acme_markets_}, std::pair{globex, &globex_markets_}})
      for (const auto& row :
           r.exec_params("SELECT market_id::text FROM read_markets WHERE tenant_id = $1::uuid", tenant))
        markets->push_back(row[0].as<std::string>());
  }
  void TearDown() override {
    if (!name_.empty()) run({"analyst", "revoke", "--name", name_}, env_);
    pg_test::TearDown();
  }
  std::string as_analyst() const { return conninfo(name_, database_); }
  static std::string array_of(const std::vector<std::string>& ids) {
    std::string out = "{";
    for (const auto& id : ids) out += (out.size() > 1 ? "," : "") + id;
    return out + "}";
  }
  // Rows of each view whose market is one of `markets`.
  std::map<std::string, std::int64_t> rows_of(pqxx::connection& c, const std::vector<std::string>& markets) {
    std::map<std::string, std::int64_t> out;
    pqxx::work w(c);
    for (const char* view : views)
      out[view] =
          w.exec_params1(std::string("SELECT count(*) FROM analytics.") + view + " WHERE market_id = ANY($1::uuid[])",
                         array_of(markets))[0]
              .as<std::int64_t>();
    return out;
  }

  std::vector<std::string> env_;
  std::string name_;
  std::vector<std::string> acme_markets_, globex_markets_;
};

TEST_F(AnalystLogin, AnAcmeAnalystSeesAcmeAndNeverGlobex) {
  ASSERT_FALSE(acme_markets_.empty());
  ASSERT_FALSE(globex_markets_.empty());
  const auto granted = run({"analyst", "grant", "--tenant", acme, "--name", name_}, env_);
  ASSERT_EQ(granted.status, 0) << granted.output;
  EXPECT_NE(granted.output.find("password (shown once): "), std::string::npos) << granted.output;

  pqxx::connection analyst(as_analyst());
  const auto own = rows_of(analyst, acme_markets_);
  EXPECT_EQ(own.at("markets"), static_cast<std::int64_t>(acme_markets_.size()));
  EXPECT_GT(own.at("heatmap_days"), 0);
  EXPECT_GT(own.at("heatmap_history"), 0);
  const std::map<std::string, std::int64_t> none{
      {"markets", 0},   {"heatmap_days", 0}, {"heatmap_history", 0}, {"heatmap_changes", 0},
      {"flow_days", 0}, {"cycle_times", 0},  {"ai_usage_days", 0},   {"ghost_card_decisions", 0}};
  EXPECT_EQ(rows_of(analyst, globex_markets_), none);

  // The setting the service's own role is keyed on changes nothing for an analyst.
  pqxx::nontransaction(analyst).exec_params("SELECT set_config('app.current_tenant', $1, false)", globex);
  EXPECT_EQ(rows_of(analyst, globex_markets_), none) << "after SET app.current_tenant to Globex";
  EXPECT_EQ(rows_of(analyst, acme_markets_), own);
  pqxx::nontransaction(analyst).exec("SET ROLE stradia_analyst");
  EXPECT_EQ(rows_of(analyst, globex_markets_), none) << "as the group role";
  pqxx::nontransaction(analyst).exec("RESET ROLE");

  // A temporary table named like the mapping does not stand in for it (the function names
  // its table with its schema and searches pg_temp last). A test database, made from a
  // template, keeps the default right to temporary tables, so the shadow is really made.
  {
    pqxx::nontransaction shadow(analyst);
    shadow.exec("SET default_transaction_read_only = off");
    shadow.exec("CREATE TEMP TABLE analyst_logins (role_name text, tenant_id uuid)");
    shadow.exec_params("INSERT INTO analyst_logins VALUES (session_user, $1::uuid)", globex);
    shadow.exec("GRANT SELECT ON analyst_logins TO PUBLIC");  // so a definer could read it
  }
  EXPECT_EQ(rows_of(analyst, globex_markets_), none) << "with a temporary analyst_logins naming Globex";
  EXPECT_EQ(rows_of(analyst, acme_markets_), own);

  // Nothing but the views, and nothing written.
  for (const char* refused :
       {"SELECT count(*) FROM read_boards", "SELECT count(*) FROM events", "SELECT count(*) FROM analytics_flow_days",
        "SELECT count(*) FROM public.analyst_logins", "SET ROLE stradia_analytics_owner", "SET ROLE stradia_app",
        "CREATE TABLE analytics.mine (x int)", "DELETE FROM analytics.markets"}) {
    EXPECT_THROW(pqxx::nontransaction(analyst).exec(refused), pqxx::sql_error) << refused;
  }
}

TEST_F(AnalystLogin, GrantRefusesWhatItMustNotTouchAndRevokeEndsTheSession) {
  EXPECT_NE(run({"analyst", "grant", "--tenant", acme, "--name", "stradia_app"}, env_).status, 0);
  const auto foreign_role = run({"analyst", "grant", "--tenant", acme, "--name", "postgres"}, env_);
  EXPECT_NE(foreign_role.status, 0);
  EXPECT_NE(foreign_role.output.find("not an analyst login"), std::string::npos) << foreign_role.output;
  const auto unknown =
      run({"analyst", "grant", "--tenant", "00000000-0000-4000-8000-000000000000", "--name", name_}, env_);
  EXPECT_NE(unknown.status, 0);
  EXPECT_NE(unknown.output.find("no tenant"), std::string::npos) << unknown.output;

  ASSERT_EQ(run({"analyst", "grant", "--tenant", acme, "--name", name_}, env_).status, 0);
  const auto again = run({"analyst", "grant", "--tenant", acme, "--name", name_}, env_);
  EXPECT_NE(again.output.find("has a new password"), std::string::npos) << again.output;
  const auto other_tenant = run({"analyst", "grant", "--tenant", globex, "--name", name_}, env_);
  EXPECT_NE(other_tenant.status, 0) << "one login, one tenant";
  EXPECT_NE(run({"analyst", "list"}, env_).output.find(name_ + "\t" + acme), std::string::npos);

  pqxx::connection open(as_analyst());
  pqxx::nontransaction(open).exec("SELECT 1");
  const auto revoked = run({"analyst", "revoke", "--name", name_}, env_);
  ASSERT_EQ(revoked.status, 0) << revoked.output;
  EXPECT_ANY_THROW(pqxx::nontransaction(open).exec("SELECT count(*) FROM analytics.markets"))
      << "the open session ended";
  EXPECT_ANY_THROW(pqxx::connection{as_analyst()}) << "the role is gone";
  EXPECT_NE(run({"analyst", "revoke", "--name", name_}, env_).status, 0);
  name_.clear();
}

}  // namespace
}  // namespace stradia::testing
