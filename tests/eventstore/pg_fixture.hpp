#pragma once
// A fresh database per test, copied from a migrated template on the private Postgres
// that scripts/test starts (STRADIA_TEST_PG_PORT). Without it the test fails, loudly.
#include <gtest/gtest.h>

#include <pqxx/pqxx>
#include <random>
#include <string>
#include <vector>

#include "../random_uuid.hpp"
#include "eventstore/append.hpp"
#include "eventstore/event_store.hpp"
#include "eventstore/migrator.hpp"
#include "projections/migrations.hpp"

namespace stradia::testing {

// The audit signing key (an Ed25519 seed) of the servers tests start.
inline constexpr const char* audit_key_base64 = "YXVkaXQta2V5LWZvci10ZXN0cy0wMTIzNDU2Nzg5YWI=";

class pg_test : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* port = std::getenv("STRADIA_TEST_PG_PORT");
    ASSERT_TRUE(port && *port) << "STRADIA_TEST_PG_PORT is not set: run the pg tests through scripts/test";
    port_ = port;
    std::mt19937_64 rng(std::random_device{}());
    database_ = "stradia_test_" + std::to_string(rng() % 1000000000000ULL);
    pqxx::connection admin(conninfo("stradia_owner", "stradia"));
    pqxx::nontransaction(admin).exec("SELECT pg_advisory_lock(4242)");
    // Bring the template up to date, then copy it; the lock keeps other test
    // processes from connecting to the template meanwhile.
    if (pqxx::nontransaction(admin).exec("SELECT 1 FROM pg_database WHERE datname = 'stradia_template'").empty())
      pqxx::nontransaction(admin).exec("CREATE DATABASE stradia_template");
    auto migrated =
        eventstore::migrate(conninfo("stradia_owner", "stradia_template"), projections::embedded_migrations());
    ASSERT_TRUE(migrated.has_value()) << migrated.error().message;
    pqxx::nontransaction(admin).exec("CREATE DATABASE " + database_ + " TEMPLATE stradia_template");
    pqxx::nontransaction(admin).exec("SELECT pg_advisory_unlock(4242)");
  }

  void TearDown() override {
    if (database_.empty() || port_.empty()) return;
    pqxx::connection admin(conninfo("stradia_owner", "stradia"));
    pqxx::nontransaction(admin).exec("DROP DATABASE IF EXISTS " + database_ + " WITH (FORCE)");
  }

  std::string conninfo(const std::string& role, const std::string& database) const {
    return "host=127.0.0.1 port=" + port_ + " dbname=" + database + " user=" + role;
  }
  std::string app() const { return conninfo("stradia_app", database_); }
  std::string worker() const { return conninfo("stradia_worker", database_); }
  std::string owner() const { return conninfo("stradia_owner", database_); }
  // The environment that points a stradia process at this test's database.
  std::vector<std::string> stradia_env() const {
    return {"STRADIA_DATABASE_URL=" + app(), "STRADIA_WORKER_DATABASE_URL=" + worker(),
            "STRADIA_OWNER_DATABASE_URL=" + owner()};
  }
  // The same for a server that signs tokens with `jwt_secret` and has a vault master key.
  std::vector<std::string> stradia_env(const std::string& jwt_secret) const {
    auto env = stradia_env();
    env.push_back("STRADIA_JWT_SECRET=" + jwt_secret);
    env.push_back("STRADIA_MASTER_KEY=MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=");
    env.push_back("STRADIA_AUDIT_KEY=" + std::string(audit_key_base64));
    return env;
  }

  std::string port_;
  std::string database_;
};

// A pg_test with an event store on the fresh database.
class store_test : public pg_test {
 protected:
  void SetUp() override {
    pg_test::SetUp();
    if (!HasFatalFailure())
      store_ = std::make_unique<eventstore::event_store>(eventstore::store_options{app(), worker()});
  }
  void TearDown() override {
    store_.reset();
    pg_test::TearDown();
  }
  std::unique_ptr<eventstore::event_store> store_;
};

inline std::string new_uuid() { return random_uuid(); }

inline eventstore::event_to_append an_event(std::string type = "TaskMoved", std::string payload = "payload") {
  eventstore::event_to_append e;
  e.event_id = new_uuid();
  e.event_type = std::move(type);
  e.payload = std::move(payload);
  e.user_id = "system";
  return e;
}

inline eventstore::append_request one_event(
    const std::string& tenant, const std::string& stream,
    eventstore::expected_version expected = eventstore::expected_version::any()) {
  return eventstore::append_request{tenant, {eventstore::stream_append{stream, expected, {an_event()}, {}}}};
}

}  // namespace stradia::testing
