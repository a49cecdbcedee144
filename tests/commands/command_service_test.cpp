// The command handlers against a real event store: load, decide, append, and the rules
// that span aggregates holding when requests race.
#include "commands/command_service.hpp"

#include <future>

#include "commands/system_zone_catalog.hpp"
#include "commands/vault_sealer.hpp"
#include "domain/stream_ids.hpp"
#include "eventstore/pg_fixture.hpp"

namespace stradia::testing {
namespace {

using domain::errc;
using domain::roles;

class CommandService : public store_test {
 protected:
  void SetUp() override {
    store_test::SetUp();
    if (HasFatalFailure()) return;
    zones_ = *commands::load_system_zone_catalog();
    service_ = std::make_unique<commands::command_service>(
        *store_,
        commands::command_service_options{
            [] { return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now()); },
            &zones_, 8});
    tenant::v1::CreateTenant t;
    t.set_tenant_id(tenant_);
    t.set_name("Acme Corp Global");
    t.set_active_markets_limit(5);
    t.set_user_seat_limit(25);
    t.set_ai_token_quota(100000);
    ASSERT_TRUE(service_->create_tenant(domain::system_caller(tenant_), t).has_value());
    admin_ = invite(domain::system_caller(tenant_), roles::GLOBAL_ADMIN);
  }

  domain::caller invite(const domain::caller& by, domain::user_role role, std::vector<std::string> markets = {}) {
    user::v1::InviteUser c;
    c.set_email(new_uuid() + "@acme.com");
    c.set_role(role);
    c.set_password_hash("$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA");
    auto r = service_->invite_user(by, c);
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().error.detail);
    const auto id = r->created.at(0).second;
    for (const auto& m : markets) {
      user::v1::AssignUserToMarket a;
      a.set_user_id(id);
      a.set_market_id(m);
      EXPECT_TRUE(service_->assign_user_to_market(admin_, a).has_value());
    }
    return domain::caller{id, tenant_, role, std::move(markets), false};
  }

  std::string create_market(const std::string& name) {
    market::v1::CreateMarket c;
    c.set_name(name);
    c.set_region_code("ES");
    c.set_timezone("Europe/Madrid");
    auto r = service_->create_market(admin_, c);
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().error.detail);
    return r ? r->created.at(0).second : "";
  }

  // A published two-task strategy on `market`; returns the board id.
  std::string board_on(const std::string& market) {
    strategy::v1::CreateMasterStrategy s;
    s.set_title("Data Layer Baseline 2026");
    strategy_id_ = service_->create_master_strategy(admin_, s)->created.at(0).second;
    for (auto [title, type, weight] : {std::tuple{"Review Privacy Law", domain::task_types::A_MANUAL, 1},
                                       std::tuple{"Deploy Consent Mode", domain::task_types::C_EXECUTIVE, 5}}) {
      strategy::v1::AddGlobalTask t;
      t.set_master_strategy_id(strategy_id_);
      t.mutable_task()->set_title(title);
      t.mutable_task()->set_task_type(type);
      t.mutable_task()->set_weight(weight);
      t.mutable_task()->set_target_platform(type == domain::task_types::A_MANUAL ? domain::platforms::NONE
                                                                                 : domain::platforms::GTM);
      EXPECT_TRUE(service_->add_global_task(admin_, t).has_value());
    }
    strategy::v1::PublishMasterStrategy p;
    p.set_master_strategy_id(strategy_id_);
    p.add_market_ids(market);
    auto published = service_->publish_master_strategy(admin_, p);
    EXPECT_TRUE(published.has_value()) << (published ? "" : published.error().error.detail);
    return published->created.at(0).second;
  }

  std::vector<std::string> task_ids(const std::string& board_id) {
    std::vector<std::string> out;
    const auto stream = store_->read_stream(tenant_, domain::stream_ids::board(board_id));
    for (const auto& e : *stream)
      if (e.event_type() == "BoardTaskAdded") {
        board::v1::BoardTaskAdded added;
        added.ParseFromString(e.payload());
        out.push_back(added.local_task_id());
      }
    return out;
  }

  const std::string tenant_ = new_uuid();
  domain::zone_catalog zones_;
  std::unique_ptr<commands::command_service> service_;
  domain::caller admin_;
  std::string strategy_id_;
};

TEST_F(CommandService, PublishingCreatesTheBoardAndATaskPerGlobalTask) {
  const auto board = board_on(create_market("Spain - Retail"));
  const auto tasks = task_ids(board);
  ASSERT_EQ(tasks.size(), 2u);
  auto task = store_->read_stream(tenant_, domain::stream_ids::task(tasks[0]));
  ASSERT_EQ(task->size(), 1u);
  EXPECT_EQ(task->front().event_type(), "LocalTaskCreated");
}

TEST_F(CommandService, AMoveIsRecordedWithItsPositionAndEvent) {
  const auto tasks = task_ids(board_on(create_market("Spain - Retail")));
  task::v1::MoveTask m;
  m.set_local_task_id(tasks[0]);
  m.set_expected_previous_status(domain::statuses::TODO);
  m.set_new_status(domain::statuses::IN_PROGRESS);
  auto r = service_->move_task(admin_, m);
  ASSERT_TRUE(r.has_value()) << r.error().error.detail;
  EXPECT_EQ(r->version, 2);
  EXPECT_GT(r->global_position, 0);
  ASSERT_EQ(r->events.size(), 1u);
  EXPECT_NE(r->events[0].find("\"type\":\"TaskMoved\""), std::string::npos);
  EXPECT_NE(r->events[0].find("\"new_status\":\"IN_PROGRESS\""), std::string::npos);
}

TEST_F(CommandService, TwoUsersAskingForTheSameLockAtOnceGetOneLockAndOneTaskLocked) {
  const auto market = create_market("Spain - Retail");
  const auto tasks = task_ids(board_on(market));
  const auto spain = invite(admin_, roles::LOCAL_USER, {market});
  task::v1::AcquireLock lock;
  lock.set_local_task_id(tasks[1]);
  for (int round = 0; round < 5; ++round) {
    auto a = std::async(std::launch::async, [&] { return service_->acquire_lock(admin_, lock); });
    auto b = std::async(std::launch::async, [&] { return service_->acquire_lock(spain, lock); });
    auto ra = a.get(), rb = b.get();
    ASSERT_NE(ra.has_value(), rb.has_value()) << "round " << round;
    EXPECT_EQ((ra ? rb : ra).error().error.code, errc::task_locked);
    task::v1::ReleaseLock release;
    release.set_local_task_id(tasks[1]);
    ASSERT_TRUE(service_->release_lock(ra ? admin_ : spain, release).has_value());
  }
}

TEST_F(CommandService, RacingDeactivationsOfTheLastTwoAdminsLeaveOne) {
  const auto second = invite(admin_, roles::GLOBAL_ADMIN);
  user::v1::DeactivateUser first_off, second_off;
  first_off.set_user_id(admin_.user_id);
  second_off.set_user_id(second.user_id);
  auto a = std::async(std::launch::async, [&] { return service_->deactivate_user(second, first_off); });
  auto b = std::async(std::launch::async, [&] { return service_->deactivate_user(admin_, second_off); });
  auto ra = a.get(), rb = b.get();
  ASSERT_NE(ra.has_value(), rb.has_value());
  EXPECT_EQ((ra ? rb : ra).error().error.code, errc::last_admin);
}

TEST_F(CommandService, SixRacingMarketsAgainstALimitOfFiveCreateFive) {
  std::vector<std::future<commands::command_result>> racing;
  for (int i = 0; i < 6; ++i)
    racing.push_back(std::async(std::launch::async, [&, i] {
      market::v1::CreateMarket c;
      c.set_name("Market " + std::to_string(i));
      c.set_region_code("ES");
      c.set_timezone("Europe/Madrid");
      return service_->create_market(admin_, c);
    }));
  int created = 0, refused = 0;
  for (auto& f : racing) {
    auto r = f.get();
    if (r)
      ++created;
    else if (r.error().error.code == errc::market_limit_reached)
      ++refused;
  }
  EXPECT_EQ(created, 5);
  EXPECT_EQ(refused, 1);
}

TEST_F(CommandService, ConcurrentNotesAreAllKept) {
  const auto tasks = task_ids(board_on(create_market("Spain - Retail")));
  std::vector<std::future<commands::command_result>> notes;
  for (int i = 0; i < 8; ++i)
    notes.push_back(std::async(std::launch::async, [&, i] {
      task::v1::AddTaskNote n;
      n.set_local_task_id(tasks[0]);
      n.set_content("note " + std::to_string(i));
      return service_->add_task_note(admin_, n);
    }));
  for (auto& f : notes) EXPECT_TRUE(f.get().has_value());
  EXPECT_EQ(store_->read_stream(tenant_, domain::stream_ids::task(tasks[0]))->size(), 9u);
}

TEST_F(CommandService, ALostPayloadRaceAnswersVersionConflictAndKeepsTheDraftAsANote) {
  const auto tasks = task_ids(board_on(create_market("Spain - Retail")));
  task::v1::AcquireLock lock;
  lock.set_local_task_id(tasks[1]);
  ASSERT_TRUE(service_->acquire_lock(admin_, lock).has_value());
  task::v1::UpdateExecutionPayload stale;
  stale.set_local_task_id(tasks[1]);
  stale.set_execution_payload(R"({ "draft_id": "G-XYZ987" })");
  stale.set_expected_version(1);
  auto r = service_->update_execution_payload(admin_, stale);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().error.code, errc::version_conflict);
  auto stream = store_->read_stream(tenant_, domain::stream_ids::task(tasks[1]));
  ASSERT_EQ(stream->back().event_type(), "TaskNoteAdded");
  task::v1::TaskNoteAdded note;
  note.ParseFromString(stream->back().payload());
  EXPECT_EQ(note.user_id(), "system");
  EXPECT_NE(note.content().find(R"({ "draft_id": "G-XYZ987" })"), std::string::npos);
}

TEST_F(CommandService, AnotherTenantsTaskAndAnUnassignedMarketsTaskAreNotFound) {
  const auto spain_market = create_market("Spain - Retail");
  const auto france_market = create_market("France - Retail");
  const auto tasks = task_ids(board_on(spain_market));
  const auto france_user = invite(admin_, roles::LOCAL_USER, {france_market});
  task::v1::AcquireLock lock;
  lock.set_local_task_id(tasks[0]);
  EXPECT_EQ(service_->acquire_lock(france_user, lock).error().error.code, errc::not_found);
  const domain::caller stranger{new_uuid(), new_uuid(), roles::GLOBAL_ADMIN, {}, false};
  EXPECT_EQ(service_->acquire_lock(stranger, lock).error().error.code, errc::not_found);
}

TEST_F(CommandService, ANewVersionReachesARunningBoardAsGhostCards) {
  const auto board = board_on(create_market("Spain - Retail"));
  strategy::v1::AddGlobalTask t;
  t.set_master_strategy_id(strategy_id_);
  t.mutable_task()->set_title("Audit Cookie Banner");
  t.mutable_task()->set_task_type(domain::task_types::A_MANUAL);
  t.mutable_task()->set_target_platform(domain::platforms::NONE);
  ASSERT_TRUE(service_->add_global_task(admin_, t).has_value());
  strategy::v1::DeployStrategyToMarket again;  // the board has the version already: nothing to do
  again.set_master_strategy_id(strategy_id_);
  strategy::v1::PublishMasterStrategy p;
  p.set_master_strategy_id(strategy_id_);
  auto board_stream = store_->read_stream(tenant_, domain::stream_ids::board(board));
  auto market_id = [&] {
    board::v1::LocalBoardCreated created;
    created.ParseFromString(board_stream->front().payload());
    return created.market_id();
  }();
  p.add_market_ids(market_id);
  auto published = service_->publish_master_strategy(admin_, p);
  ASSERT_TRUE(published.has_value()) << published.error().error.detail;
  auto after = store_->read_stream(tenant_, domain::stream_ids::board(board));
  ASSERT_EQ(after->back().event_type(), "GhostCardsOffered");
  board::v1::GhostCardsOffered offered;
  offered.ParseFromString(after->back().payload());
  ASSERT_EQ(offered.cards_size(), 1);
  EXPECT_EQ(offered.cards(0).kind(), board::v1::GhostCard::ADDED);
  auto ghost = store_->read_stream(tenant_, domain::stream_ids::task(offered.cards(0).local_task_id()));
  ASSERT_EQ(ghost->size(), 1u);
  task::v1::LocalTaskCreated created;
  created.ParseFromString(ghost->front().payload());
  EXPECT_TRUE(created.is_ghost_card());
}

// Two services stand for two processes; each answers from what it last saw when it can.
TEST_F(CommandService, AnotherProcessesChangesAreNeverMissed) {
  const auto market = create_market("Spain - Retail");
  const auto tasks = task_ids(board_on(market));
  commands::command_service other(
      *store_,
      commands::command_service_options{
          [] { return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now()); },
          &zones_, 8});
  const auto spain = invite(admin_, roles::LOCAL_USER, {market});
  task::v1::AcquireLock lock;
  lock.set_local_task_id(tasks[0]);
  task::v1::ReleaseLock release;
  release.set_local_task_id(tasks[0]);
  ASSERT_TRUE(service_->acquire_lock(spain, lock).has_value());  // this process saw it locked
  ASSERT_TRUE(other.release_lock(spain, release).has_value());   // released elsewhere
  EXPECT_TRUE(service_->acquire_lock(admin_, lock).has_value()) << "a stale lock must not refuse";
  // Moves from both sides: each answer reflects the other's move.
  ASSERT_TRUE(service_->release_lock(admin_, release).has_value());
  task::v1::MoveTask start;
  start.set_local_task_id(tasks[0]);
  start.set_expected_previous_status(domain::statuses::TODO);
  start.set_new_status(domain::statuses::IN_PROGRESS);
  ASSERT_TRUE(other.move_task(spain, start).has_value());
  auto stale = service_->move_task(spain, start);  // this process still thinks TODO
  ASSERT_FALSE(stale.has_value());
  EXPECT_EQ(stale.error().error.code, errc::status_conflict);
  task::v1::MoveTask block = start;
  block.set_expected_previous_status(domain::statuses::IN_PROGRESS);
  block.set_new_status(domain::statuses::BLOCKED);
  auto moved = service_->move_task(spain, block);
  ASSERT_TRUE(moved.has_value()) << moved.error().error.detail;
  EXPECT_EQ(moved->version, 7);  // created, lock, release, lock, release, move, move
}

TEST_F(CommandService, VaultTokensAreSealedAndCanBeShredded) {
  const auto market = create_market("Spain - Retail");
  const auto spain = invite(admin_, roles::LOCAL_USER, {market});
  eventstore::tenant_key_store keys(app());
  auto sealer = commands::vault_sealer::make(std::string(32, 'k'), keys);
  ASSERT_TRUE(sealer.has_value());
  commands::command_service vault_service(
      *store_,
      commands::command_service_options{
          [] { return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now()); },
          &zones_, 8, &*sealer});
  vault::v1::StoreVaultCredential store;
  store.set_market_id(market);
  store.set_platform(domain::platforms::GTM);
  store.set_oauth_token("ya29.PLAINTEXT-OAUTH-TOKEN");
  store.set_refresh_token("1//PLAINTEXT-REFRESH");
  EXPECT_TRUE(service_->store_vault_credential(spain, store).error().unavailable) << "no master key: no vault";
  auto stored = vault_service.store_vault_credential(spain, store);
  ASSERT_TRUE(stored.has_value()) << stored.error().error.detail;
  for (const auto& e : stored->events) EXPECT_EQ(e.find("PLAINTEXT"), std::string::npos) << e;
  const auto stream = store_->read_stream(tenant_, domain::stream_ids::vault(market, domain::platforms::GTM));
  ASSERT_EQ(stream->size(), 1u);
  EXPECT_EQ(stream->front().payload().find("PLAINTEXT"), std::string::npos) << "plain text in the log";
  vault::v1::VaultCredentialStored event;
  ASSERT_TRUE(event.ParseFromString(stream->front().payload()));
  const auto context = market + "|GTM";
  auto opened = sealer->open(tenant_, event.encrypted_oauth_token(), context);
  ASSERT_TRUE(opened.has_value());
  EXPECT_EQ(opened->value_or(""), "ya29.PLAINTEXT-OAUTH-TOKEN");
  EXPECT_FALSE(sealer->open(tenant_, event.encrypted_oauth_token(), market + "|GA4")->has_value())
      << "bound to its context";

  const auto france = create_market("France - Retail");
  auto elsewhere = store;
  elsewhere.set_market_id(france);
  EXPECT_EQ(vault_service.store_vault_credential(spain, elsewhere).error().error.code, errc::not_found);

  vault::v1::RevokeVaultCredential revoke;
  revoke.set_market_id(market);
  revoke.set_platform(domain::platforms::GTM);
  ASSERT_TRUE(vault_service.revoke_vault_credential(spain, revoke).has_value());

  pqxx::connection owner_connection(owner());
  pqxx::nontransaction(owner_connection).exec_params("DELETE FROM tenant_data_keys WHERE tenant_id = $1", tenant_);
  auto shredded = sealer->open(tenant_, event.encrypted_oauth_token(), context);
  ASSERT_TRUE(shredded.has_value());
  EXPECT_FALSE(shredded->has_value()) << "readable after its tenant's key was deleted";
}

TEST_F(CommandService, SecretsNeverAppearInTheEventsAClientSees) {
  strategy::v1::CreateMasterStrategy s;
  s.set_title("Hidden prompts");
  const auto id = service_->create_master_strategy(admin_, s)->created.at(0).second;
  strategy::v1::AddGlobalTask t;
  t.set_master_strategy_id(id);
  t.mutable_task()->set_title("Generate copy");
  t.mutable_task()->set_task_type(domain::task_types::B_GENERATIVE);
  t.mutable_task()->set_target_platform(domain::platforms::NONE);
  t.mutable_task()->set_system_prompt("TOP SECRET PROMPT");
  auto r = service_->add_global_task(admin_, t);
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->events.size(), 1u);
  EXPECT_EQ(r->events[0].find("TOP SECRET PROMPT"), std::string::npos);
  EXPECT_NE(r->events[0].find(R"("system_prompt":"")"), std::string::npos) << "blanked, not left out";
  auto invited = service_->invite_user(admin_, [] {
    user::v1::InviteUser c;
    c.set_email("new@acme.com");
    c.set_role(domain::roles::READ_ONLY);
    c.set_password_hash("$argon2id$secret-hash");
    return c;
  }());
  ASSERT_TRUE(invited.has_value());
  for (const auto& e : invited->events) EXPECT_EQ(e.find("argon2id"), std::string::npos) << e;
}

}  // namespace
}  // namespace stradia::testing
