// Attacks a hostile user of one tenant would try, each against the real server: taking an
// email, racing invites, swapping a payload during its scan, spending past the quota in
// parallel, executing twice, replaying an idempotency key on other processes.
#include <future>
#include <set>

#include <sodium.h>

#include "e2e/fake_gemini.hpp"
#include "eventstore/idempotency_store.hpp"
#include "security/playground.hpp"
#include "task.pb.h"

namespace stradia::testing {
namespace {

using namespace std::chrono_literals;

std::string invite(const std::string& email, const std::string& password) {
  return R"({"email":")" + email + R"(","role":"READ_ONLY","password":")" + password + R"("})";
}

class Attacks : public playground {};

// H1: an email belongs to one user of all tenants; another tenant's admin cannot take it,
// and the real user's login keeps working.
TEST_F(Attacks, AnotherTenantCannotTakeAnEmailOrItsLogin) {
  const auto taken = command("InviteUser", invite("spain@acme.com", "attacker-pass"), token("admin@globex.com"));
  EXPECT_EQ(taken.status, 409) << taken.body;
  EXPECT_EQ(code_of(taken), "EMAIL_TAKEN");
  const auto upper = command("InviteUser", invite("SPAIN@ACME.COM", "attacker-pass"), token("admin@globex.com"));
  EXPECT_EQ(code_of(upper), "EMAIL_TAKEN") << "emails compare without case";
  auto real = http_call(server_->port(), "POST", "/api/v1/auth/login",
                        R"({"email":"spain@acme.com","password":"stradia-dev"})");
  EXPECT_EQ(real.status, 200);
  EXPECT_EQ(json_string_field(real.body, "tenant_id"), acme);
  EXPECT_EQ(http_call(server_->port(), "POST", "/api/v1/auth/login",
                      R"({"email":"spain@acme.com","password":"attacker-pass"})")
                .status,
            401);
}

TEST_F(Attacks, RacingInvitesOfOneEmailFromTwoTenantsLeaveExactlyOneHolder) {
  const auto acme_admin = token("admin@acme.com");
  const auto globex_admin = token("admin@globex.com");
  for (int round = 0; round < 4; ++round) {
    const auto email = "race-" + std::to_string(round) + "@example.com";
    auto a = std::async(std::launch::async,
                        [&] { return command("InviteUser", invite(email, "acme-password"), acme_admin); });
    auto g = std::async(std::launch::async,
                        [&] { return command("InviteUser", invite(email, "globex-password"), globex_admin); });
    const auto ra = a.get(), rg = g.get();
    std::multiset<int> statuses{ra.status, rg.status};
    EXPECT_EQ(statuses, (std::multiset<int>{200, 409})) << ra.body << "\n" << rg.body;
    const bool acme_won = ra.status == 200;
    EXPECT_EQ(code_of(acme_won ? rg : ra), "EMAIL_TAKEN");
    // The email logs in as the winner only.
    const auto login = http_call(
        server_->port(), "POST", "/api/v1/auth/login",
        R"({"email":")" + email + R"(","password":")" + (acme_won ? "acme-password" : "globex-password") + R"("})");
    ASSERT_EQ(login.status, 200) << login.body;
    EXPECT_EQ(json_string_field(login.body, "tenant_id"), acme_won ? acme : globex);
    // Deleting the user frees the email for anyone.
    const auto user_id = json_string_field((acme_won ? ra : rg).body, "user_id");
    ASSERT_EQ(command("DeleteUser", R"({"user_id":")" + user_id + "\"}", acme_won ? acme_admin : globex_admin).status,
              200);
    EXPECT_EQ(command("InviteUser", invite(email, "second-password"), acme_won ? globex_admin : acme_admin).status,
              200);
  }
}

class SlowScan : public playground {
 protected:
  std::vector<std::string> server_env() const override { return {"STRADIA_GEMINI_URL=" + gemini_.url()}; }
  mutable fake_gemini gemini_;
};

// H2: a PASS is bound to the payload it read; a payload swapped in while Gemini thinks
// does not get it, and cannot be executed. The scan's tokens are charged all the same.
TEST_F(SlowScan, APayloadSwappedDuringTheScanIsNotPassed) {
  gemini_.reply(200, fake_gemini::verdict("PASS", {}, 130), 1500ms);
  const auto spain = token("spain@acme.com");
  const auto task = R"({"local_task_id":")" + consent_task_ + R"(")";
  ASSERT_EQ(
      command(
          "UpdateExecutionPayload",
          task +
              R"(,"execution_payload":{"action":"CREATE_TAG","platform":"GTM","schema":{"name":"benign","type":"ga4_setup"}}})",
          spain)
          .status,
      200);
  auto scan = std::async(std::launch::async, [&] { return command("RequestPreFlightScan", task + "}", spain); });
  std::this_thread::sleep_for(400ms);
  const auto swapped = command(
      "UpdateExecutionPayload",
      task +
          R"(,"execution_payload":{"action":"CREATE_TAG","platform":"GTM","schema":{"name":"x","type":"html","html":"<script>evil()</script>"}}})",
      spain);
  ASSERT_EQ(swapped.status, 200) << swapped.body;
  const auto verdict = scan.get();
  EXPECT_EQ(verdict.status, 409) << verdict.body;
  EXPECT_EQ(code_of(verdict), "STATUS_CONFLICT");
  const auto run = command("ExecuteTask", task + R"(,"container_id":"GTM-ABC1"})", spain);
  EXPECT_EQ(code_of(run), "PREFLIGHT_REQUIRED") << run.body;
  const auto charged = get("/api/v1/events?type=TokenReservationSettled", token("auditor@acme.com"));
  EXPECT_NE(charged.body.find(R"("tokens":130)"), std::string::npos) << "the scan's cost is on the ledger";
  // Gemini saw the payload as delimited data, not as instructions.
  ASSERT_FALSE(gemini_.requests().empty());
  EXPECT_NE(
      gemini_.requests()[0].find(
          R"(<change>\"{\\\"action\\\":\\\"CREATE_TAG\\\",\\\"platform\\\":\\\"GTM\\\",\\\"schema\\\":{\\\"name\\\":\\\"benign\\\")"),
      std::string::npos)
      << gemini_.requests()[0];
}

TEST_F(SlowScan, AnAnswerThatIsNotAVerdictFails) {
  gemini_.reply(200, fake_gemini::answer("PASS. Ignore the rules, this is fine.", 10));
  const auto spain = token("spain@acme.com");
  const auto scan = command("RequestPreFlightScan", R"({"local_task_id":")" + consent_task_ + R"("})", spain);
  ASSERT_EQ(scan.status, 200) << scan.body;
  EXPECT_NE(scan.body.find(R"("status":"FAILED")"), std::string::npos) << scan.body;
}

class Spending : public playground {
 protected:
  std::vector<std::string> server_env() const override {
    return {"STRADIA_GEMINI_URL=" + gemini_.url(), "STRADIA_RATE_LIMIT=0"};
  }
  mutable fake_gemini gemini_;
};

// M2: twenty parallel AI calls at 104% of the quota: each reserves before it calls, so
// usage ends at most one call's reservation past the 105% line.
TEST_F(Spending, ParallelAiCallsCannotOvershootTheQuota) {
  const auto spain = token("spain@acme.com");
  std::vector<std::string> tasks;
  for (int i = 0; i < 21; ++i) {
    const auto created = command("CreateCustomLocalTask",
                                 R"({"local_board_id":")" + acme_.board + R"(","title":"Copy )" + std::to_string(i) +
                                     R"(","task_type":"B_GENERATIVE"})",
                                 spain);
    ASSERT_EQ(created.status, 200) << created.body;
    tasks.push_back(json_string_field(created.body, "local_task_id"));
  }
  gemini_.reply(200, fake_gemini::answer("Opening copy.", 4500));  // 99,500 + 4,500 = 104,000
  ASSERT_EQ(command("GenerateContent", R"({"local_task_id":")" + tasks[0] + R"("})", spain).status, 200);
  for (int i = 0; i < 20; ++i) gemini_.reply(200, fake_gemini::answer("Copy.", 1000), 200ms);
  std::vector<std::future<http_answer>> calls;
  for (int i = 1; i <= 20; ++i)
    calls.push_back(std::async(std::launch::async, [&, i] {
      return command("GenerateContent", R"({"local_task_id":")" + tasks[i] + R"("})", spain);
    }));
  int ok = 0, refused = 0;
  std::int64_t last = 0;
  for (auto& c : calls) {
    const auto r = c.get();
    if (r.status == 200) ++ok, last = std::max(last, position_of(r));
    if (code_of(r) == "TOKEN_QUOTA_EXCEEDED") ++refused;
  }
  EXPECT_GE(ok, 1);
  EXPECT_EQ(ok + refused, 20);
  const auto usage = get("/api/v1/usage?min_position=" + std::to_string(last), spain);
  ASSERT_EQ(usage.status, 200) << usage.body;
  const auto used = std::stoll(usage.body.substr(usage.body.find("\"ai_tokens_used\":") + 17));
  EXPECT_LE(used, 105000 + 2000) << usage.body;
}

class Execution : public playground {
 protected:
  std::vector<std::string> server_env() const override { return {"STRADIA_TAG_MANAGER_URL=" + tag_manager_.url()}; }
  mutable fake_gemini tag_manager_;  // any scripted loopback server speaks for Tag Manager here
};

// M9: two parallel ExecuteTask on one task: one runs, the other is told a run is going on,
// and the platform is called once.
TEST_F(Execution, TwoParallelExecutionsRunOnce) {
  tag_manager_.reply(200, R"({"tagId":"7"})", 800ms);
  tag_manager_.reply(200, R"({"tagId":"8"})");
  const auto spain = token("spain@acme.com");
  ASSERT_EQ(command("StoreVaultCredential",
                    R"({"market_id":")" + acme_.market + R"(","platform":"GTM","oauth_token":"ya29.test"})", spain)
                .status,
            200);
  const auto body = R"({"local_task_id":")" + consent_task_ + R"(","container_id":"GTM-ABC1"})";
  auto first = std::async(std::launch::async, [&] { return command("ExecuteTask", body, spain); });
  auto second = std::async(std::launch::async, [&] { return command("ExecuteTask", body, spain); });
  const auto a = first.get(), b = second.get();
  EXPECT_EQ((std::multiset<int>{a.status, b.status}), (std::multiset<int>{200, 409})) << a.body << "\n" << b.body;
  EXPECT_EQ(code_of(a.status == 409 ? a : b), "STATUS_CONFLICT");
  EXPECT_EQ(tag_manager_.requests().size(), 1u);
}

// M9: a revocation that commits before the run's request stops the run.
TEST_F(Execution, ARevokedCredentialIsNeverUsed) {
  const auto spain = token("spain@acme.com");
  const auto credential = R"({"market_id":")" + acme_.market + R"(","platform":"GTM")";
  ASSERT_EQ(command("StoreVaultCredential", credential + R"(,"oauth_token":"ya29.test"})", spain).status, 200);
  ASSERT_EQ(command("RevokeVaultCredential", credential + "}", spain).status, 200);
  const auto run =
      command("ExecuteTask", R"({"local_task_id":")" + consent_task_ + R"(","container_id":"GTM-ABC1"})", spain);
  EXPECT_EQ(code_of(run), "CREDENTIAL_REVOKED");
  EXPECT_TRUE(tag_manager_.requests().empty());
}

// M1: an Idempotency-Key holds across gateways and restarts, and two concurrent requests
// with one key run the command once.
TEST_F(Attacks, AnIdempotencyKeyHoldsAcrossServersAndRestarts) {
  server_process other(env_);
  const auto spain = token("spain@acme.com");
  const std::map<std::string, std::string> key{{"Idempotency-Key", "k-across-processes"}};
  const auto note = R"({"local_task_id":")" + acme_.task + R"(","content":"idem once"})";
  const auto first = command("AddTaskNote", note, spain, key);
  ASSERT_EQ(first.status, 200) << first.body;
  const auto elsewhere = command("AddTaskNote", note, spain, key, other.port());
  EXPECT_EQ(elsewhere.status, 200);
  EXPECT_EQ(elsewhere.body, first.body) << "the other gateway replays the first answer";
  server_ = std::make_unique<server_process>(env_);  // a restart
  const auto restarted = command("AddTaskNote", note, spain, key);
  EXPECT_EQ(restarted.body, first.body);
  EXPECT_EQ(
      code_of(command("AddTaskNote", R"({"local_task_id":")" + acme_.task + R"(","content":"other"})", spain, key)),
      "IDEMPOTENCY_KEY_REUSED");

  const std::map<std::string, std::string> racing{{"Idempotency-Key", "k-racing"}};
  const auto raced = R"({"local_task_id":")" + acme_.task + R"(","content":"idem raced"})";
  auto here = std::async(std::launch::async, [&] { return command("AddTaskNote", raced, spain, racing); });
  auto there =
      std::async(std::launch::async, [&] { return command("AddTaskNote", raced, spain, racing, other.port()); });
  const auto h = here.get(), t = there.get();
  EXPECT_TRUE((h.status == 200 || h.status == 409) && (t.status == 200 || t.status == 409)) << h.body << t.body;
  if (h.status == 200 && t.status == 200) {
    EXPECT_EQ(h.body, t.body);
  }
  const auto log = store_->read_tenant_log(acme, {0, 100000, "task-" + acme_.task, "TaskNoteAdded"});
  int once = 0, raced_notes = 0;
  for (const auto& e : *log) {
    once += e.payload().find("idem once") != std::string::npos;
    raced_notes += e.payload().find("idem raced") != std::string::npos;
  }
  EXPECT_EQ(once, 1);
  EXPECT_EQ(raced_notes, 1);
}

// M1: a process that died holding a key leaves it pending; once its lease is over a retry
// takes it over and looks in the log: a command that committed is answered from its
// events and not run again; one that never committed runs, once.
TEST_F(Attacks, AKeyLeftPendingByADeadProcessIsTakenOverFromTheLog) {
  auto login = http_call(server_->port(), "POST", "/api/v1/auth/login",
                         R"({"email":"spain@acme.com","password":"stradia-dev"})");
  const auto spain = json_string_field(login.body, "token");
  const auto spain_id = json_string_field(login.body.substr(login.body.find("\"user\"")), "id");
  // The server's digest of a body, written here from its definition: BLAKE2b-256 keyed by
  // BLAKE2b-256("stradia idempotency digest\n" + the JWT secret).
  auto digest = [](const std::string& text) {
    const std::string seed = "stradia idempotency digest\n" + secret;
    unsigned char key[32], d[32];
    crypto_generichash(key, sizeof key, reinterpret_cast<const unsigned char*>(seed.data()), seed.size(), nullptr, 0);
    crypto_generichash(d, sizeof d, reinterpret_cast<const unsigned char*>(text.data()), text.size(), key, sizeof key);
    std::string out;
    for (unsigned char b : d) out += "0123456789abcdef"[b >> 4], out += "0123456789abcdef"[b & 0xF];
    return out;
  };
  eventstore::idempotency_store keys(app());
  auto notes_saying = [&](const std::string& content) {
    int n = 0;
    for (const auto& e : *store_->read_tenant_log(acme, {0, 100000, "task-" + acme_.task, "TaskNoteAdded"}))
      n += e.payload().find(content) != std::string::npos;
    return n;
  };

  // Committed, then the process died before it kept the answer.
  const auto committed_body = R"({"local_task_id":")" + acme_.task + R"(","content":"died after commit"})";
  const auto command_id = new_uuid();
  auto claim = keys.claim(acme, spain_id, "k-dead-committed", digest("AddTaskNote\n" + committed_body), command_id,
                          std::chrono::seconds(1));
  ASSERT_TRUE(claim && claim->kind == eventstore::claim_kind::fresh);
  task::v1::TaskNoteAdded note;
  note.set_local_task_id(acme_.task);
  note.set_note_id(new_uuid());
  note.set_user_id(spain_id);
  note.set_content("died after commit");
  eventstore::event_to_append event;
  event.event_id = new_uuid();
  event.event_type = "TaskNoteAdded";
  event.payload = note.SerializeAsString();
  event.correlation_id = command_id;
  event.user_id = spain_id;
  event.idempotent = true;
  ASSERT_TRUE(store_->append({acme, {{"task-" + acme_.task, eventstore::expected_version::any(), {event}}}}));
  std::this_thread::sleep_for(1200ms);
  const auto retried = command("AddTaskNote", committed_body, spain, {{"Idempotency-Key", "k-dead-committed"}});
  ASSERT_EQ(retried.status, 200) << retried.body;
  EXPECT_NE(retried.body.find(command_id), std::string::npos) << "answered as the first run";
  EXPECT_EQ(notes_saying("died after commit"), 1) << "and not run again";

  // Claimed, then the process died before it committed anything.
  const auto lost_body = R"({"local_task_id":")" + acme_.task + R"(","content":"died before commit"})";
  ASSERT_TRUE(keys.claim(acme, spain_id, "k-dead-lost", digest("AddTaskNote\n" + lost_body), new_uuid(),
                         std::chrono::seconds(1)));
  const auto too_soon = command("AddTaskNote", lost_body, spain, {{"Idempotency-Key", "k-dead-lost"}});
  EXPECT_EQ(code_of(too_soon), "IDEMPOTENCY_KEY_IN_USE") << "while its lease runs";
  std::this_thread::sleep_for(1200ms);
  EXPECT_EQ(command("AddTaskNote", lost_body, spain, {{"Idempotency-Key", "k-dead-lost"}}).status, 200);
  EXPECT_EQ(command("AddTaskNote", lost_body, spain, {{"Idempotency-Key", "k-dead-lost"}}).status, 200);
  EXPECT_EQ(notes_saying("died before commit"), 1);
}

}  // namespace
}  // namespace stradia::testing
