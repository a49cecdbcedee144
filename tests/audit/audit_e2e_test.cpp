// The audit trail end to end: the real binary seals a seeded log; a superuser tampers with
// it; `stradia audit export | verify` names the position; the server's proofs are checked
// by an independent implementation (Node's crypto); export → import → rebuild gives the
// source's read models; one tenant's trail never shows another's events.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <thread>

#include "e2e/child_process.hpp"
#include "e2e/http_client.hpp"
#include "e2e/server_process.hpp"
#include "eventstore/pg_fixture.hpp"
#include "projections/read_model_digest.hpp"

namespace stradia::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

const std::string acme = "a5e1c0de-0000-4000-8000-000000000001";
const std::string secret = "audit-e2e-secret-0123456789abcdef0123";

class Audit : public pg_test {
 protected:
  void SetUp() override {
    pg_test::SetUp();
    if (HasFatalFailure()) return;
    env_ = stradia_env(secret);
    ASSERT_EQ(run_to_end({"seed"}, env_).status, 0);
    ASSERT_EQ(run_to_end({"audit", "seal"}, env_).status, 0);
    dir_ = "/tmp/stradia-audit-" + new_uuid();
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    std::filesystem::remove_all(dir_);
    pg_test::TearDown();
  }

  std::string export_of(const std::string& tenant, const std::string& name, const std::vector<std::string>& env) {
    const auto path = dir_ + "/" + name;
    const auto r = run_to_end({"audit", "export", "--tenant", tenant, "--output", path}, env);
    EXPECT_EQ(r.status, 0) << r.output;
    return path;
  }
  std::string export_of(const std::string& tenant, const std::string& name = "log.ndjson") {
    return export_of(tenant, name, env_);
  }
  finished_run verify(const std::string& path, std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"audit", "verify", path, "--key", public_key()};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_to_end(args, {});
  }
  // The key the tests' servers sign with (the seed in pg_fixture.hpp), as GET /audit/key gives it.
  std::string public_key() {
    if (key_.empty()) {
      server_process server(env_);
      const auto token = json::parse(http_call(server.port(), "POST", "/api/v1/auth/login",
                                               R"({"email":"auditor@acme.com","password":"stradia-dev"})")
                                         .body)["token"]
                             .get<std::string>();
      key_ =
          json::parse(http_call(server.port(), "GET", "/api/v1/audit/key", "", {{"Authorization", "Bearer " + token}})
                          .body)["public_key"];
    }
    return key_;
  }
  // The n-th event (1-based) of `tenant` in log order.
  std::int64_t position_of(const std::string& tenant, int n) {
    pqxx::connection c(worker());
    return pqxx::read_transaction(c)
        .exec_params1(
            "SELECT global_position FROM events WHERE tenant_id = $1 ORDER BY global_position OFFSET $2 LIMIT 1",
            tenant, n - 1)[0]
        .as<std::int64_t>();
  }
  // As a database superuser would: the immutability triggers off, the change, back on.
  void tamper(const std::string& sql) {
    pqxx::connection c(owner());
    pqxx::work tx(c);
    tx.exec("ALTER TABLE events DISABLE TRIGGER USER");
    tx.exec(sql);
    tx.exec("ALTER TABLE events ENABLE TRIGGER USER");
    tx.commit();
  }
  void expect_named(const std::string& sql, std::int64_t position, const std::string& why) {
    ASSERT_EQ(verify(export_of(acme, "before.ndjson")).status, 0) << "untouched, it verifies";
    tamper(sql);
    const auto r = verify(export_of(acme, "after.ndjson"));
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find("FAILED"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("position " + std::to_string(position) + ": " + why), std::string::npos) << r.output;
  }

  std::vector<std::string> env_;
  std::string dir_, key_;
};

TEST_F(Audit, AChangedPayloadIsNamedByItsPosition) {
  const auto p = position_of(acme, 12);
  expect_named("UPDATE events SET payload = payload || '\\x00'::bytea WHERE global_position = " + std::to_string(p), p,
               "the event differs from what was sealed");
}

TEST_F(Audit, AChangedRecordedTimeOrMetadataIsNamed) {
  const auto p = position_of(acme, 7), q = position_of(acme, 30);
  expect_named("UPDATE events SET recorded_at = recorded_at - interval '1 microsecond' WHERE global_position = " +
                   std::to_string(q) + "; UPDATE events SET metadata = metadata || '{\"user_id\":\"someone\"}' " +
                   "WHERE global_position = " + std::to_string(p),
               p, "the event differs from what was sealed");
}

TEST_F(Audit, ADeletedRowIsNamed) {
  const auto p = position_of(acme, 20);
  expect_named("DELETE FROM events WHERE global_position = " + std::to_string(p), p, "the event is gone from the log");
}

TEST_F(Audit, TwoRowsWithSwappedPositionsAreNamed) {
  const auto p = position_of(acme, 15), q = position_of(acme, 25);
  const auto P = std::to_string(p), Q = std::to_string(q);
  expect_named(
      "ALTER TABLE events ALTER COLUMN global_position SET GENERATED BY DEFAULT; "
      "UPDATE events SET global_position = -" +
          P + " WHERE global_position = " + P + "; " + "UPDATE events SET global_position = " + P +
          " WHERE global_position = " + Q + "; " + "UPDATE events SET global_position = " + Q +
          " WHERE global_position = -" + P,
      p, "the event differs from what was sealed");
}

TEST_F(Audit, AnEventWrittenIntoAPositionAlreadySealedIsNamed) {
  expect_named(
      "INSERT INTO events (global_position, event_id, tenant_id, stream_id, stream_version, event_type, "
      "payload, metadata, recorded_at) OVERRIDING SYSTEM VALUE SELECT 0, gen_random_uuid(), tenant_id, "
      "'forged-stream', 1, event_type, payload, metadata, recorded_at FROM events WHERE tenant_id = '" +
          acme + "' ORDER BY global_position LIMIT 1",
      0, "an event that was never sealed");
}

TEST_F(Audit, TheServiceRolesCannotWriteIntoASealedPosition) {
  for (const auto& conninfo : {app(), worker()}) {
    pqxx::connection c(conninfo);
    pqxx::work tx(c);
    tx.exec_params("SELECT set_config('app.current_tenant', $1, true)", acme);
    EXPECT_THROW(tx.exec("INSERT INTO events (global_position, event_id, tenant_id, stream_id, stream_version, "
                         "event_type, payload) OVERRIDING SYSTEM VALUE VALUES (0, gen_random_uuid(), '" +
                         acme + "', 'forged-stream', 1, 'TaskMoved', '\\x00')"),
                 pqxx::sql_error)
        << conninfo;
  }
}

TEST_F(Audit, ALaterLogProvesItExtendsAnOlderHeadAndNotTheOtherWayRound) {
  const auto older = export_of(acme, "older.ndjson");
  std::ifstream in(older);
  std::string line, last;
  while (std::getline(in, line))
    if (!line.empty()) last = line;
  const auto head_file = dir_ + "/older-head.json";
  std::ofstream(head_file) << json::parse(last)["head"].dump();
  ASSERT_EQ(run_to_end({"plan", "--tenant", acme, "--ai-token-quota", "123456"}, env_).status, 0) << "one more event";
  ASSERT_EQ(run_to_end({"audit", "seal"}, env_).status, 0);
  const auto newer = export_of(acme, "newer.ndjson");
  const auto extends = verify(newer, {"--since", head_file});
  EXPECT_EQ(extends.status, 0) << extends.output;
  EXPECT_NE(extends.output.find("extends the older head"), std::string::npos) << extends.output;

  const auto newer_head = dir_ + "/newer-head.json";
  std::ifstream in2(newer);
  while (std::getline(in2, line))
    if (!line.empty()) last = line;
  std::ofstream(newer_head) << last;
  EXPECT_EQ(verify(older, {"--since", newer_head}).status, 1) << "an older log cannot extend a newer head";
  EXPECT_EQ(run_to_end({"audit", "verify", newer, "--key", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}, {}).status,
            1)
      << "another key: the signature does not verify";
}

TEST_F(Audit, ProofsHoldForAnIndependentImplementationAndStayWithinTheTenant) {
  auto env = env_;
  server_process server(env);
  auto login = [&](const std::string& email) {
    return "Bearer " + json::parse(http_call(server.port(), "POST", "/api/v1/auth/login",
                                             R"({"email":")" + email + R"(","password":"stradia-dev"})")
                                       .body)["token"]
                           .get<std::string>();
  };
  const auto auditor = login("auditor@acme.com");
  auto get = [&](const std::string& path, const std::string& bearer) {
    return http_call(server.port(), "GET", path, "", {{"Authorization", bearer}});
  };
  // More events than the seed's, sealed by the server within a second each.
  const auto admin = login("admin@acme.com");
  for (int i = 0; i < 40; ++i)
    ASSERT_EQ(
        http_call(server.port(), "POST", "/api/v1/commands/CreateGovernancePolicy",
                  R"({"policy_text":"Rule number )" + std::to_string(i) + R"( for every market","platform":"NONE"})",
                  {{"Authorization", admin}})
            .status,
        200);
  pqxx::connection c(worker());
  const auto acme_events = pqxx::read_transaction(c)
                               .exec_params1("SELECT count(*) FROM events WHERE tenant_id = $1", acme)[0]
                               .as<std::int64_t>();
  json head;
  for (int i = 0; i < 100; ++i) {
    head = json::parse(get("/api/v1/audit/head", auditor).body);
    if (head.value("tree_size", 0) == acme_events) break;
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_EQ(head["tree_size"], acme_events) << "the sealer lags less than the wait: " << head.dump();

  const auto path = export_of(acme, "proofs.ndjson", env_);
  std::vector<std::int64_t> positions;
  std::set<std::string> tenants;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    auto j = json::parse(line);
    if (j.contains("event")) {
      positions.push_back(j["position"]);
      tenants.insert(j["event"]["tenant_id"].get<std::string>());
    }
  }
  EXPECT_EQ(tenants, std::set<std::string>{acme}) << "the export holds the tenant's events only";
  const auto size = head["tree_size"].get<std::int64_t>();
  std::mt19937 rng(7);
  json cases = {
      {"public_key", public_key()}, {"export", path}, {"inclusions", json::array()}, {"consistencies", json::array()}};
  for (int i = 0; i < 25; ++i) {
    const auto leaf = static_cast<std::int64_t>(rng() % positions.size());
    const auto tree_size = leaf + 1 + static_cast<std::int64_t>(rng() % static_cast<unsigned>(size - leaf));
    auto r = get(
        "/api/v1/audit/proof?position=" + std::to_string(positions[leaf]) + "&tree_size=" + std::to_string(tree_size),
        auditor);
    ASSERT_EQ(r.status, 200) << r.body;
    cases["inclusions"].push_back(json::parse(r.body));
    const auto from = 1 + static_cast<std::int64_t>(rng() % size);
    const auto to = from + static_cast<std::int64_t>(rng() % static_cast<unsigned>(size - from + 1));
    r = get("/api/v1/audit/consistency?from=" + std::to_string(from) + "&to=" + std::to_string(to), auditor);
    ASSERT_EQ(r.status, 200) << r.body;
    cases["consistencies"].push_back(json::parse(r.body));
  }
  const auto case_file = dir_ + "/cases.json";
  std::ofstream(case_file) << cases.dump();
  const auto checker = std::string(STRADIA_SOURCE_DIR) + "/tests/audit/check_proofs.mjs";
  EXPECT_EQ(std::system(("node " + checker + " " + case_file).c_str()), 0);
  cases["inclusions"][3]["audit_path"][0] = std::string(64, 'a');  // one hash off: the checker must say so
  std::ofstream(case_file) << cases.dump();
  EXPECT_NE(std::system(("node " + checker + " " + case_file + " >/dev/null").c_str()), 0);

  // Another tenant's position, sizes past the tree, and roles that do not audit.
  pqxx::connection c2(worker());
  const auto globex_position = pqxx::read_transaction(c2)
                                   .exec("SELECT min(global_position) FROM events WHERE tenant_id <> '" + acme +
                                         "'::uuid AND tenant_id <> '00000000-0000-0000-0000-000000000000'")[0][0]
                                   .as<std::int64_t>();
  EXPECT_EQ(get("/api/v1/audit/proof?position=" + std::to_string(globex_position), auditor).status, 404);
  EXPECT_EQ(get("/api/v1/audit/consistency?from=1&to=" + std::to_string(size + 1000), auditor).status, 422);
  EXPECT_EQ(get("/api/v1/audit/proof?position=abc", auditor).status, 422);
  EXPECT_EQ(get("/api/v1/audit/head", login("spain@acme.com")).status, 403);
  const auto globex_head = json::parse(get("/api/v1/audit/head", login("admin@globex.com")).body);
  EXPECT_NE(globex_head["tenant_id"], acme);
  EXPECT_LT(globex_head["tree_size"].get<std::int64_t>(), size) << "Globex's tree is its own";
}

TEST_F(Audit, ExportImportAndRebuildGiveTheSourcesReadModels) {
  ASSERT_EQ(run_to_end({"rebuild"}, env_).status, 0);
  const auto source_digest = read_model_digest(worker());
  std::vector<std::string> files;
  {
    pqxx::connection c(worker());
    for (const auto& row : pqxx::read_transaction(c).exec("SELECT DISTINCT tenant_id::text FROM events ORDER BY 1"))
      files.push_back(export_of(row[0].as<std::string>(), row[0].as<std::string>() + ".ndjson"));
  }
  ASSERT_GE(files.size(), 3u) << "Acme, Globex and the registry";
  // An empty, migrated database next to this test's.
  const auto target = "stradia_import_" + std::to_string(std::random_device{}() % 1000000000);
  {
    pqxx::connection admin(conninfo("stradia_owner", "stradia"));
    pqxx::nontransaction(admin).exec("CREATE DATABASE " + target + " TEMPLATE stradia_template");
  }
  const std::vector<std::string> target_env = {"STRADIA_DATABASE_URL=" + conninfo("stradia_app", target),
                                               "STRADIA_WORKER_DATABASE_URL=" + conninfo("stradia_worker", target),
                                               "STRADIA_OWNER_DATABASE_URL=" + conninfo("stradia_owner", target),
                                               "STRADIA_AUDIT_KEY=" + std::string(audit_key_base64)};
  // One event edited in one export: the import verifies as it loads and commits nothing.
  const auto edited = dir_ + "/edited.ndjson";
  {
    std::ifstream in(files.front());
    std::ofstream out(edited);
    int n = 0;
    for (std::string line; std::getline(in, line); ++n) {
      if (n == 5) line.replace(line.find("\"stream_version\":") + 17, 1, "9");
      out << line << "\n";
    }
  }
  std::vector<std::string> refused{"audit", "import", "--key", public_key(), edited};
  refused.insert(refused.end(), files.begin() + 1, files.end());
  const auto refusal = run_to_end(refused, target_env);
  EXPECT_EQ(refusal.status, 1) << refusal.output;
  {
    pqxx::connection c(conninfo("stradia_owner", target));
    EXPECT_EQ(pqxx::read_transaction(c).exec("SELECT count(*) FROM events")[0][0].as<int>(), 0) << "nothing imported";
  }
  std::vector<std::string> args{"audit", "import", "--key", public_key()};
  args.insert(args.end(), files.begin(), files.end());
  const auto imported = run_to_end(args, target_env);
  EXPECT_EQ(imported.status, 0) << imported.output;
  EXPECT_EQ(run_to_end(args, target_env).status, 1) << "only into an empty log";
  EXPECT_EQ(run_to_end({"rebuild"}, target_env).status, 0);
  EXPECT_EQ(read_model_digest(conninfo("stradia_worker", target)), source_digest);
  ASSERT_EQ(run_to_end({"audit", "seal"}, target_env).status, 0);
  const auto again = export_of(acme, "again.ndjson", target_env);
  EXPECT_EQ(verify(again).status, 0) << "resealed, the imported log verifies";
  auto root_of = [](const std::string& file) {
    std::ifstream in(file);
    std::string line, last;
    while (std::getline(in, line))
      if (!line.empty()) last = line;
    return json::parse(last)["head"]["root_hash"].get<std::string>();
  };
  EXPECT_EQ(root_of(again), root_of(dir_ + "/" + acme + ".ndjson")) << "the same events, the same root";
  pqxx::connection admin(conninfo("stradia_owner", "stradia"));
  pqxx::nontransaction(admin).exec("DROP DATABASE IF EXISTS " + target + " WITH (FORCE)");
}

}  // namespace
}  // namespace stradia::testing
