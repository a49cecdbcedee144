#include "eventstore/migrator.hpp"

#include <algorithm>

#include "pg_fixture.hpp"
#include "projections/migrations.hpp"

namespace stradia::testing {
namespace {

class Migrations : public pg_test {};

// The store's and the read models' migrations, in one sequence.
std::vector<eventstore::migration> every_migration() {
  std::vector<eventstore::migration> all(eventstore::embedded_migrations());
  const auto& read_models = projections::embedded_migrations();
  all.insert(all.end(), read_models.begin(), read_models.end());
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.version < b.version; });
  return all;
}

TEST_F(Migrations, TheStoresAndTheReadModelsFormOneGaplessSequence) {
  const auto all = every_migration();
  ASSERT_GE(all.size(), 10u);
  EXPECT_FALSE(projections::embedded_migrations().empty());
  for (std::size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i].version, static_cast<int>(i + 1)) << all[i].name;
}

TEST_F(Migrations, TwoMigrationsWithOneNumberAreRefused) {
  const std::vector<eventstore::migration> clash{{1, "clash", "SELECT 1"}};
  auto report = eventstore::migrate(owner(), clash);
  ASSERT_FALSE(report.has_value());
  EXPECT_EQ(report.error().code, eventstore::store_errc::invalid_request);
}

TEST_F(Migrations, AreAppliedOnceAndRecorded) {
  // The fixture's database comes from a migrated template: nothing is left to apply.
  auto again = eventstore::migrate(owner(), projections::embedded_migrations());
  ASSERT_TRUE(again.has_value()) << again.error().message;
  EXPECT_TRUE(again->applied.empty());
  EXPECT_EQ(again->current_version, every_migration().back().version);
  pqxx::connection c(owner());
  auto recorded = pqxx::nontransaction(c).exec("SELECT version FROM schema_migrations ORDER BY version");
  EXPECT_EQ(recorded.size(), every_migration().size());
}

TEST_F(Migrations, ApplyToAnEmptyDatabase) {
  pqxx::connection admin(conninfo("stradia_owner", "stradia"));
  const auto empty = database_ + "_empty";
  pqxx::nontransaction(admin).exec("CREATE DATABASE " + empty);
  auto report = eventstore::migrate(conninfo("stradia_owner", empty), projections::embedded_migrations());
  pqxx::nontransaction(admin).exec("DROP DATABASE " + empty + " WITH (FORCE)");
  ASSERT_TRUE(report.has_value()) << report.error().message;
  EXPECT_EQ(report->applied.size(), every_migration().size());
}

TEST_F(Migrations, AnUnreachableDatabaseIsAnErrorNotACrash) {
  auto report = eventstore::migrate("host=127.0.0.1 port=1 dbname=x user=stradia_owner connect_timeout=1");
  ASSERT_FALSE(report.has_value());
  EXPECT_EQ(report.error().code, eventstore::store_errc::retryable);
}

}  // namespace
}  // namespace stradia::testing
