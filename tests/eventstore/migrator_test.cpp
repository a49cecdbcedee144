#include "eventstore/migrator.hpp"

#include "pg_fixture.hpp"

namespace stradia::testing {
namespace {

class Migrations : public pg_test {};

TEST_F(Migrations, AreNumberedAndInOrder) {
  const auto& all = eventstore::embedded_migrations();
  ASSERT_GE(all.size(), 3u);
  for (std::size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i].version, static_cast<int>(i + 1)) << all[i].name;
}

TEST_F(Migrations, AreAppliedOnceAndRecorded) {
  // The fixture's database comes from a migrated template: nothing is left to apply.
  auto again = eventstore::migrate(owner());
  ASSERT_TRUE(again.has_value()) << again.error().message;
  EXPECT_TRUE(again->applied.empty());
  EXPECT_EQ(again->current_version, eventstore::embedded_migrations().back().version);
  pqxx::connection c(owner());
  auto recorded = pqxx::nontransaction(c).exec("SELECT version FROM schema_migrations ORDER BY version");
  EXPECT_EQ(recorded.size(), eventstore::embedded_migrations().size());
}

TEST_F(Migrations, ApplyToAnEmptyDatabase) {
  pqxx::connection admin(conninfo("stradia_owner", "stradia"));
  const auto empty = database_ + "_empty";
  pqxx::nontransaction(admin).exec("CREATE DATABASE " + empty);
  auto report = eventstore::migrate(conninfo("stradia_owner", empty));
  pqxx::nontransaction(admin).exec("DROP DATABASE " + empty + " WITH (FORCE)");
  ASSERT_TRUE(report.has_value()) << report.error().message;
  EXPECT_EQ(report->applied.size(), eventstore::embedded_migrations().size());
}

TEST_F(Migrations, AnUnreachableDatabaseIsAnErrorNotACrash) {
  auto report = eventstore::migrate("host=127.0.0.1 port=1 dbname=x user=stradia_owner connect_timeout=1");
  ASSERT_FALSE(report.has_value());
  EXPECT_EQ(report.error().code, eventstore::store_errc::retryable);
}

}  // namespace
}  // namespace stradia::testing
