#include "domain/local_task.hpp"

#include "domain/fixtures.hpp"

namespace stradia::testing {
namespace {

namespace lt = domain::local_task;
namespace pb = stradia::task::v1;
using domain::errc;
using domain::scan_statuses;
using domain::statuses;
using domain::task_types;

domain::global_task definition(domain::task_type type) {
  domain::global_task d;
  d.set_global_task_id(global_task_id);
  d.set_task_type(type);
  d.set_title("Deploy Consent Mode");
  d.set_order_index(1);
  d.set_weight(5);
  d.set_target_platform(domain::platforms::GTM);
  d.set_expected_payload_schema(R"({"type":"object","required":["action"]})");
  return d;
}

// Applies a command that must succeed and returns the state after its events.
lt::state apply(const lt::state& s, const lt::command& c, const domain::context& ctx) {
  auto d = lt::decide(s, c, ctx);
  EXPECT_TRUE(d.has_value()) << (d ? "" : d.error().error.detail);
  return d ? fold(s, *d, lt::evolve) : s;
}

lt::state created_task(domain::task_type type = task_types::C_EXECUTIVE, bool ghost = false) {
  pb::CreateLocalTask c;
  c.set_local_task_id(local_task_id);
  c.set_local_board_id(spain_board_id);
  c.set_market_id(spain_market_id);
  *c.mutable_definition() = definition(type);
  c.set_is_ghost_card(ghost);
  return apply(lt::state{}, c, context_for(as_system(), base_time - 1h));
}

pb::MoveTask move(domain::task_status from, domain::task_status to) {
  pb::MoveTask m;
  m.set_local_task_id(local_task_id);
  m.set_expected_previous_status(from);
  m.set_new_status(to);
  return m;
}

pb::AcquireLock acquire() {
  pb::AcquireLock c;
  c.set_local_task_id(local_task_id);
  return c;
}

pb::UpdateExecutionPayload payload(std::string json) {
  pb::UpdateExecutionPayload c;
  c.set_local_task_id(local_task_id);
  c.set_execution_payload(std::move(json));
  return c;
}

lt::state scanned(lt::state s, domain::pre_flight_status result) {
  s = apply(s, acquire(), context_for(as_spain_user()));
  s = apply(s, payload(R"({"action":"CREATE_TAG"})"), context_for(as_spain_user()));
  pb::RequestPreFlightScan scan;
  s = apply(s, scan, context_for(as_spain_user()));
  pb::RecordPreFlightScanResult r;
  r.set_status(result);
  r.set_token_cost(450);
  r.set_payload_revision(s.payload_revision);
  return apply(s, r, context_for(as_system()));
}

// A run on the task's GTM container.
pb::ExecuteTask run_in_container() {
  pb::ExecuteTask x;
  x.set_local_task_id(local_task_id);
  x.set_container_id("GTM-ABC123");
  return x;
}

lt::state executed(lt::state s, int http_status) {
  s = apply(s, run_in_container(), context_for(as_spain_user()));
  pb::RecordTaskExecution r;
  r.set_execution_id(s.executions.back().execution_id);
  r.set_http_status(http_status);
  return apply(s, r, context_for(as_system()));
}

TEST(LocalTask, MovingAnUnlockedTaskNeedsNoLock) {
  auto d = lt::decide(created_task(), move(statuses::TODO, statuses::IN_PROGRESS), context_for(as_spain_user()));
  ASSERT_TRUE(d.has_value());
  ASSERT_EQ(d->size(), 1u);
  const auto& moved = std::get<pb::TaskMoved>(d->front());
  EXPECT_EQ(moved.new_status(), statuses::IN_PROGRESS);
  EXPECT_EQ(moved.moved_by(), spain_user_id);
}

TEST(LocalTask, MoveWithStaleExpectedPreviousStatusIsStatusConflict) {
  auto d = lt::decide(created_task(), move(statuses::IN_PROGRESS, statuses::DONE), context_for(as_spain_user()));
  EXPECT_EQ(refusal_code(d), errc::status_conflict);
}

// API.md §3: every command that changes a task may say which version it saw.
TEST(LocalTask, EveryTaskCommandWithAStaleExpectedVersionIsAVersionConflict) {
  const auto task = created_task();  // at version 1
  const auto ctx = context_for(as_spain_user());
  auto with_version = [](auto c, std::int64_t v) {
    c.set_local_task_id(local_task_id);
    c.set_expected_version(v);
    return c;
  };
  pb::AddTaskNote note;
  note.set_content("Checked with legal.");
  pb::RejectGhostCard reject;
  reject.set_justification("Not for this market.");
  const std::vector<lt::command> stale{with_version(pb::AcquireLock{}, 7),
                                       with_version(pb::ReleaseLock{}, 7),
                                       with_version(note, 7),
                                       with_version(pb::AcceptGhostCard{}, 7),
                                       with_version(reject, 7),
                                       with_version(pb::RequestPreFlightScan{}, 7),
                                       with_version(pb::GenerateContent{}, 7),
                                       with_version(run_in_container(), 7),
                                       with_version(pb::ResumeExecution{}, 7)};
  for (const auto& c : stale) {
    const auto d = lt::decide(task, c, ctx);
    EXPECT_EQ(refusal_code(d), errc::version_conflict) << c.index();
  }
  // The version it is at lets the command through to its own rules.
  EXPECT_TRUE(lt::decide(task, with_version(pb::AcquireLock{}, 1), ctx).has_value());
  EXPECT_TRUE(lt::decide(task, with_version(note, 1), ctx).has_value());
}

TEST(LocalTask, MoveToAnInvalidStatusIsAValidationError) {
  auto d = lt::decide(created_task(), move(statuses::TODO, statuses::UNSPECIFIED), context_for(as_spain_user()));
  ASSERT_EQ(refusal_code(d), errc::validation_failed);
  EXPECT_EQ(field_errors(d).front().path, "new_status");
}

TEST(LocalTask, TypeCCannotMoveToDoneWithoutPassedPreFlight) {
  auto s = scanned(created_task(), scan_statuses::FAILED);
  EXPECT_EQ(refusal_code(lt::decide(s, move(statuses::TODO, statuses::DONE), context_for(as_spain_user()))),
            errc::preflight_required);
  EXPECT_EQ(
      refusal_code(lt::decide(created_task(), move(statuses::TODO, statuses::DONE), context_for(as_spain_user()))),
      errc::preflight_required);
}

TEST(LocalTask, TypeCCannotMoveToDoneWithoutSuccessfulExecution) {
  auto s = scanned(created_task(), scan_statuses::PASSED);
  EXPECT_EQ(refusal_code(lt::decide(s, move(statuses::TODO, statuses::DONE), context_for(as_spain_user()))),
            errc::execution_required);
  s = executed(s, 500);
  EXPECT_EQ(refusal_code(lt::decide(s, move(statuses::TODO, statuses::DONE), context_for(as_spain_user()))),
            errc::execution_required);
}

TEST(LocalTask, TypeCCannotMoveToDoneWhenTheLatestExecutionFailedAfterAnEarlierSuccess) {
  auto s = executed(executed(scanned(created_task(), scan_statuses::PASSED), 200), 429);
  EXPECT_EQ(refusal_code(lt::decide(s, move(statuses::TODO, statuses::DONE), context_for(as_spain_user()))),
            errc::execution_required);
}

TEST(LocalTask, TypeCMovesToDoneAfterPassedScanAndHttp200) {
  auto s = executed(scanned(created_task(), scan_statuses::PASSED), 200);
  auto d = lt::decide(s, move(statuses::TODO, statuses::DONE), context_for(as_spain_user()));
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(std::get<pb::TaskMoved>(d->front()).new_status(), statuses::DONE);
}

TEST(LocalTask, TypeAAndBTasksAreNotGated) {
  for (auto type : {task_types::A_MANUAL, task_types::B_GENERATIVE}) {
    auto d = lt::decide(created_task(type), move(statuses::TODO, statuses::DONE), context_for(as_spain_user()));
    EXPECT_TRUE(d.has_value()) << domain::name_of(type);
  }
}

TEST(LocalTask, AnotherUsersChangeWhileTheLockIsHeldIsTaskLocked) {
  auto s = apply(created_task(), acquire(), context_for(as_spain_user()));
  EXPECT_EQ(refusal_code(lt::decide(s, move(statuses::TODO, statuses::IN_PROGRESS), context_for(as_supervisor()))),
            errc::task_locked);
  EXPECT_EQ(refusal_code(lt::decide(s, acquire(), context_for(as_supervisor()))), errc::task_locked);
  EXPECT_EQ(refusal_code(lt::decide(s, payload("{}"), context_for(as_supervisor()))), errc::task_locked);
  EXPECT_EQ(refusal_code(lt::decide(s, pb::ReleaseLock{}, context_for(as_supervisor()))), errc::task_locked);
  EXPECT_TRUE(lt::decide(s, move(statuses::TODO, statuses::IN_PROGRESS), context_for(as_spain_user())).has_value());
}

TEST(LocalTask, NotesAreAllowedWhileAnotherUserHoldsTheLock) {
  auto s = apply(created_task(), acquire(), context_for(as_spain_user()));
  pb::AddTaskNote note;
  note.set_content("Waiting for the client's container id.");
  auto d = lt::decide(s, note, context_for(as_supervisor()));
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(std::get<pb::TaskNoteAdded>(d->front()).user_id(), supervisor_id);
}

TEST(LocalTask, EmptyNoteIsRefused) {
  pb::AddTaskNote note;
  EXPECT_EQ(refusal_code(lt::decide(created_task(), note, context_for(as_spain_user()))), errc::validation_failed);
}

TEST(LocalTask, PayloadEditWithoutHoldingTheLockIsLockRequired) {
  EXPECT_EQ(refusal_code(lt::decide(created_task(), payload("{}"), context_for(as_spain_user()))), errc::lock_required);
}

TEST(LocalTask, ExecutionWithoutHoldingTheLockIsLockRequired) {
  auto s = scanned(created_task(), scan_statuses::PASSED);
  s = apply(s, pb::ReleaseLock{}, context_for(as_spain_user()));
  EXPECT_EQ(refusal_code(lt::decide(s, run_in_container(), context_for(as_spain_user()))), errc::lock_required);
}

TEST(LocalTask, ExecutionWithoutPassedPreFlightIsPreflightRequired) {
  auto s = scanned(created_task(), scan_statuses::FAILED);
  EXPECT_EQ(refusal_code(lt::decide(s, run_in_container(), context_for(as_spain_user()))), errc::preflight_required);
}

TEST(LocalTask, EditingThePayloadResetsThePreFlightScan) {
  auto s = scanned(created_task(), scan_statuses::PASSED);
  ASSERT_EQ(s.pre_flight_scan_status, scan_statuses::PASSED);
  s = apply(s, payload(R"({"action":"UPDATE_TAG"})"), context_for(as_spain_user()));
  EXPECT_EQ(s.pre_flight_scan_status, scan_statuses::PENDING);
}

TEST(LocalTask, ExecutionParametersFollowTheGuardrails) {
  auto s = scanned(created_task(), scan_statuses::PASSED);
  pb::ExecuteTask x;
  x.set_measurement_id("G-ABC");
  x.set_container_id("GTM-ab12");
  x.set_trigger_type("Page View");
  auto errors = field_errors(lt::decide(s, x, context_for(as_spain_user())));
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].message, "Must be a valid GA4 Measurement ID.");
  EXPECT_EQ(errors[1].message, "Must be a valid GTM Container ID.");
  EXPECT_EQ(errors[2].path, "trigger_type");
}

TEST(LocalTask, LockIsHeldAt14m59s999AndGoneAt15m) {
  auto s = apply(created_task(), acquire(), context_for(as_spain_user()));
  const auto just_before = base_time + 15min - 1ms;
  EXPECT_EQ(refusal_code(lt::decide(s, acquire(), context_for(as_supervisor(), just_before))), errc::task_locked);
  EXPECT_TRUE(s.locked_at(just_before));
  EXPECT_FALSE(s.locked_at(base_time + 15min));
}

TEST(LocalTask, AfterExpiryAnotherUserMayTakeTheLockAndTheExpiryIsRecorded) {
  auto s = apply(created_task(), acquire(), context_for(as_spain_user()));
  auto d = lt::decide(s, acquire(), context_for(as_supervisor(), base_time + 15min));
  ASSERT_TRUE(d.has_value());
  ASSERT_EQ(d->size(), 2u);
  const auto& expired = std::get<pb::TaskLockExpired>((*d)[0]);
  EXPECT_EQ(expired.locked_by(), spain_user_id);
  EXPECT_EQ(domain::from_proto(expired.expired_at()), base_time + 15min);
  EXPECT_EQ(std::get<pb::TaskLockAcquired>((*d)[1]).locked_by(), supervisor_id);
}

TEST(LocalTask, ActivityDoesNotExtendTheLock) {
  auto s = apply(created_task(), acquire(), context_for(as_spain_user()));
  s = apply(s, acquire(), context_for(as_spain_user(), base_time + 10min));
  s = apply(s, payload("{}"), context_for(as_spain_user(), base_time + 14min));
  ASSERT_TRUE(s.current_lock.has_value());
  EXPECT_EQ(s.current_lock->expires_at(), base_time + 15min);
  EXPECT_EQ(refusal_code(lt::decide(s, payload("{}"), context_for(as_spain_user(), base_time + 15min))),
            errc::lock_required);
}

TEST(LocalTask, ExpiryIsAnEventDecidedFromTheClock) {
  auto s = apply(created_task(), acquire(), context_for(as_spain_user()));
  pb::ExpireLock sweep;
  auto early = lt::decide(s, sweep, context_for(as_system(), base_time + 14min));
  ASSERT_TRUE(early.has_value());
  EXPECT_TRUE(early->empty());
  auto due = lt::decide(s, sweep, context_for(as_system(), base_time + 15min));
  ASSERT_TRUE(due.has_value());
  ASSERT_EQ(due->size(), 1u);
  EXPECT_TRUE(std::holds_alternative<pb::TaskLockExpired>(due->front()));
  EXPECT_FALSE(fold(s, *due, lt::evolve).current_lock.has_value());
}

TEST(LocalTask, ARefusedCommandStillRecordsADueExpiry) {
  auto s = apply(created_task(), acquire(), context_for(as_spain_user()));
  auto d = lt::decide(s, move(statuses::DONE, statuses::TODO), context_for(as_supervisor(), base_time + 20min));
  ASSERT_EQ(refusal_code(d), errc::status_conflict);
  ASSERT_EQ(d.error().recorded.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<pb::TaskLockExpired>(d.error().recorded.front()));
}

TEST(LocalTask, ReleaseByTheHolderFreesTheLock) {
  auto s = apply(created_task(), acquire(), context_for(as_spain_user()));
  s = apply(s, pb::ReleaseLock{}, context_for(as_spain_user(), base_time + 1min));
  EXPECT_FALSE(s.current_lock.has_value());
  EXPECT_TRUE(lt::decide(s, acquire(), context_for(as_supervisor(), base_time + 2min)).has_value());
}

TEST(LocalTask, StalePayloadVersionIsVersionConflictAndAutoSavesTheDraft) {
  auto s = apply(created_task(), acquire(), context_for(as_spain_user()));
  auto edit = payload(R"({ "draft_id": "G-XYZ987" })");
  edit.set_expected_version(s.stream_version - 1);
  auto d = lt::decide(s, edit, context_for(as_spain_user(), base_time + 10min));
  ASSERT_EQ(refusal_code(d), errc::version_conflict);
  ASSERT_EQ(d.error().recorded.size(), 1u);
  const auto& note = std::get<pb::TaskNoteAdded>(d.error().recorded.front());
  EXPECT_EQ(note.user_id(), "system");
  EXPECT_EQ(note.content(),
            R"([SYSTEM AUTO-SAVE: Version Collision Detected at 2026-02-22T10:10:00Z] { "draft_id": "G-XYZ987" })");
}

TEST(LocalTask, APayloadThatBreaksItsRulesIsRefusedWithTheirProblemsAndNothingSaved) {
  auto s = apply(created_task(), acquire(), context_for(as_spain_user()));
  auto edit = payload(R"({"forbidden":true})");
  const auto refused = lt::decide(s, edit, context_for(as_spain_user()));
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().error.code, errc::validation_failed);
  ASSERT_EQ(refused.error().error.errors.size(), 1u);
  EXPECT_EQ(refused.error().error.errors[0].path, "execution_payload.forbidden");
  EXPECT_TRUE(refused.error().recorded.empty());
  EXPECT_EQ(payload_rules().last_schema, R"({"type":"object","required":["action"]})") << "the task's own schema";
  edit.set_expected_version(1);  // stale: the losing draft is kept as a note whatever it holds
  const auto lost = lt::decide(s, edit, context_for(as_spain_user()));
  ASSERT_FALSE(lost.has_value());
  EXPECT_EQ(lost.error().error.code, errc::version_conflict);
  EXPECT_EQ(lost.error().recorded.size(), 1u) << "the auto-saved draft";
}

TEST(LocalTask, CurrentPayloadVersionIsAccepted) {
  auto s = apply(created_task(), acquire(), context_for(as_spain_user()));
  auto edit = payload("{}");
  edit.set_expected_version(s.stream_version);
  EXPECT_TRUE(lt::decide(s, edit, context_for(as_spain_user())).has_value());
}

lt::state offered(lt::state s) {
  pb::OfferGhostCard offer;
  offer.set_strategy_version(2);
  auto def = definition(task_types::C_EXECUTIVE);
  def.set_title("Deploy Consent Mode v2");
  *offer.mutable_definition() = def;
  return apply(s, offer, context_for(as_system()));
}

pb::RejectGhostCard reject(std::string justification) {
  pb::RejectGhostCard r;
  r.set_justification(std::move(justification));
  return r;
}

TEST(LocalTask, RejectGhostCardNeedsAJustificationOf10To1000Characters) {
  auto s = offered(created_task());
  ASSERT_TRUE(s.is_ghost_card);
  EXPECT_EQ(field_errors(lt::decide(s, reject(std::string(9, 'x')), context_for(as_spain_user()))).front().message,
            "String must contain at least 10 character(s)");
  EXPECT_EQ(field_errors(lt::decide(s, reject(std::string(1001, 'x')), context_for(as_spain_user()))).front().message,
            "String must contain at most 1000 character(s)");
  EXPECT_TRUE(lt::decide(s, reject(std::string(10, 'x')), context_for(as_spain_user())).has_value());
  EXPECT_TRUE(lt::decide(s, reject(std::string(1000, 'x')), context_for(as_spain_user())).has_value());
  // Characters, not bytes: ten two-byte letters are ten characters.
  std::string accented;
  for (int i = 0; i < 10; ++i) accented += "\xC3\xA9";
  EXPECT_TRUE(lt::decide(s, reject(accented), context_for(as_spain_user())).has_value());
}

TEST(LocalTask, RejectedGhostCardIsRecordedImmutably) {
  auto s = offered(created_task());
  s = apply(s, reject("Local law forbids this tag."), context_for(as_spain_user()));
  ASSERT_EQ(s.rejections.size(), 1u);
  EXPECT_EQ(s.rejections[0].justification, "Local law forbids this tag.");
  EXPECT_EQ(s.rejections[0].user_id, spain_user_id);
  EXPECT_EQ(s.definition.title(), "Deploy Consent Mode");  // the old definition stays
  s = apply(offered(s), pb::AcceptGhostCard{}, context_for(as_spain_user()));
  ASSERT_EQ(s.rejections.size(), 1u);
  EXPECT_EQ(s.rejections[0].justification, "Local law forbids this tag.");
}

TEST(LocalTask, AcceptGhostCardAppliesTheNewDefinition) {
  auto s = apply(offered(created_task()), pb::AcceptGhostCard{}, context_for(as_spain_user()));
  EXPECT_FALSE(s.is_ghost_card);
  EXPECT_EQ(s.definition.title(), "Deploy Consent Mode v2");
  EXPECT_EQ(refusal_code(lt::decide(s, pb::AcceptGhostCard{}, context_for(as_spain_user()))), errc::validation_failed);
}

TEST(LocalTask, AGhostCardForANewTaskIsAcceptedBeforeAnyWork) {
  auto s = created_task(task_types::A_MANUAL, true);
  EXPECT_EQ(refusal_code(lt::decide(s, move(statuses::TODO, statuses::IN_PROGRESS), context_for(as_spain_user()))),
            errc::validation_failed);
  s = apply(s, pb::AcceptGhostCard{}, context_for(as_spain_user()));
  EXPECT_TRUE(lt::decide(s, move(statuses::TODO, statuses::IN_PROGRESS), context_for(as_spain_user())).has_value());
}

TEST(LocalTask, ARejectedNewTaskGhostCardIsGone) {
  auto s =
      apply(created_task(task_types::A_MANUAL, true), reject("Not relevant for Spain."), context_for(as_spain_user()));
  EXPECT_EQ(refusal_code(lt::decide(s, acquire(), context_for(as_spain_user()))), errc::not_found);
}

lt::state offered_removal(lt::state s) {
  pb::OfferGhostCard offer;
  offer.set_strategy_version(2);
  *offer.mutable_definition() = s.definition;
  offer.set_is_removal(true);
  return apply(s, offer, context_for(as_system()));
}

TEST(LocalTask, AnAcceptedRemovalTakesTheTaskOffTheBoard) {
  auto s = offered_removal(created_task(task_types::A_MANUAL));
  ASSERT_TRUE(s.is_ghost_card);
  EXPECT_TRUE(lt::decide(s, move(statuses::TODO, statuses::IN_PROGRESS), context_for(as_spain_user())).has_value())
      << "a pending removal does not stop the work";
  auto accepted = lt::decide(s, pb::AcceptGhostCard{}, context_for(as_spain_user()));
  ASSERT_TRUE(accepted.has_value());
  EXPECT_TRUE(std::get<pb::GhostCardAccepted>(accepted->front()).is_removal());
  s = fold(s, *accepted, lt::evolve);
  EXPECT_TRUE(s.removed);
  EXPECT_EQ(s.definition.title(), "Deploy Consent Mode") << "the definition stays as it was";
  EXPECT_EQ(refusal_code(lt::decide(s, move(statuses::TODO, statuses::IN_PROGRESS), context_for(as_spain_user()))),
            errc::not_found);
  EXPECT_EQ(refusal_code(lt::decide(s, pb::AcceptGhostCard{}, context_for(as_spain_user()))), errc::not_found);
  auto again = lt::decide(
      s,
      [] {
        pb::OfferGhostCard o;
        o.set_is_removal(true);
        return o;
      }(),
      context_for(as_system()));
  ASSERT_TRUE(again.has_value());
  EXPECT_TRUE(again->empty()) << "nothing on the board to remove";
}

TEST(LocalTask, ARejectedRemovalKeepsTheTaskWithTheJustification) {
  auto s = offered_removal(created_task(task_types::A_MANUAL));
  s = apply(s, reject("Spain still needs this review."), context_for(as_spain_user()));
  EXPECT_FALSE(s.removed);
  EXPECT_FALSE(s.is_ghost_card);
  ASSERT_EQ(s.rejections.size(), 1u);
  EXPECT_EQ(s.rejections[0].justification, "Spain still needs this review.");
  EXPECT_TRUE(lt::decide(s, move(statuses::TODO, statuses::IN_PROGRESS), context_for(as_spain_user())).has_value());
}

TEST(LocalTask, ATaskThatLeftComesBackAsANewCardWhenALaterVersionHasItAgain) {
  auto s =
      apply(offered_removal(created_task(task_types::A_MANUAL)), pb::AcceptGhostCard{}, context_for(as_spain_user()));
  s = offered(s);
  EXPECT_FALSE(s.removed);
  EXPECT_EQ(refusal_code(lt::decide(s, move(statuses::TODO, statuses::IN_PROGRESS), context_for(as_spain_user()))),
            errc::validation_failed)
      << "accepted before any work, like a new task";
  s = apply(s, pb::AcceptGhostCard{}, context_for(as_spain_user()));
  EXPECT_EQ(s.definition.title(), "Deploy Consent Mode v2");
}

TEST(LocalTask, LocalUserOfAnotherMarketGetsNotFound) {
  EXPECT_EQ(refusal_code(lt::decide(created_task(), acquire(), context_for(as_france_user()))), errc::not_found);
}

TEST(LocalTask, AnotherTenantGetsNotFound) {
  EXPECT_EQ(refusal_code(lt::decide(created_task(), acquire(), context_for(as_other_tenant_admin()))), errc::not_found);
}

TEST(LocalTask, ReadOnlyChangesNothing) {
  auto s = created_task();
  EXPECT_EQ(refusal_code(lt::decide(s, acquire(), context_for(as_auditor()))), errc::forbidden);
  pb::AddTaskNote note;
  note.set_content("I only read.");
  EXPECT_EQ(refusal_code(lt::decide(s, note, context_for(as_auditor()))), errc::forbidden);
}

TEST(LocalTask, AdminAndSupervisorWorkOnEveryBoardOfTheirTenant) {
  EXPECT_TRUE(lt::decide(created_task(), acquire(), context_for(as_admin())).has_value());
  EXPECT_TRUE(lt::decide(created_task(), acquire(), context_for(as_supervisor())).has_value());
}

TEST(LocalTask, ClientsCannotIssueSystemCommands) {
  pb::RecordPreFlightScanResult r;
  r.set_status(scan_statuses::PASSED);
  EXPECT_EQ(refusal_code(lt::decide(created_task(), r, context_for(as_admin()))), errc::forbidden);
}

TEST(LocalTask, TokenCostsAddUp) {
  auto s = scanned(created_task(), scan_statuses::FAILED);
  pb::RequestPreFlightScan again;
  s = apply(s, again, context_for(as_spain_user()));
  pb::RecordPreFlightScanResult r;
  r.set_status(scan_statuses::PASSED);
  r.set_token_cost(120);
  r.set_payload_revision(s.payload_revision);
  s = apply(s, r, context_for(as_system()));
  EXPECT_EQ(s.gemini_token_cost, 570);
}

// A verdict is bound to the payload it read: an edit while Gemini thinks makes it void.
TEST(LocalTask, AVerdictAboutAnEarlierPayloadDoesNotCount) {
  auto s = apply(created_task(), acquire(), context_for(as_spain_user()));
  s = apply(s, payload(R"({"benign":true})"), context_for(as_spain_user()));
  s = apply(s, pb::RequestPreFlightScan{}, context_for(as_spain_user()));
  const auto scanned_revision = s.payload_revision;
  s = apply(s, payload(R"({"type":"html","html":"<script>evil()</script>"})"), context_for(as_spain_user()));
  pb::RecordPreFlightScanResult late;
  late.set_status(scan_statuses::PASSED);
  late.set_payload_revision(scanned_revision);
  EXPECT_EQ(refusal_code(lt::decide(s, late, context_for(as_system()))), errc::status_conflict);
  EXPECT_EQ(refusal_code(lt::decide(s, run_in_container(), context_for(as_spain_user()))), errc::preflight_required);
}

TEST(LocalTask, ASecondExecutionWaitsForTheFirstToAnswer) {
  auto s = scanned(created_task(), scan_statuses::PASSED);
  s = apply(s, run_in_container(), context_for(as_spain_user()));
  EXPECT_EQ(refusal_code(lt::decide(s, run_in_container(), context_for(as_spain_user()))), errc::status_conflict);
  // A run whose process died never answers: after a while a new one may start.
  EXPECT_TRUE(lt::decide(s, run_in_container(), context_for(as_spain_user(), base_time + 11min)).has_value());
  pb::RecordTaskExecution answered;
  answered.set_execution_id(s.executions.back().execution_id);
  answered.set_http_status(500);
  s = apply(s, answered, context_for(as_system()));
  EXPECT_TRUE(lt::decide(s, run_in_container(), context_for(as_spain_user())).has_value());
}

TEST(LocalTask, ExecutionPausedOnExpiredAuthKeepsACheckpoint) {
  auto s = scanned(created_task(), scan_statuses::PASSED);
  s = apply(s, run_in_container(), context_for(as_spain_user()));
  pb::RecordTaskExecution r;
  r.set_execution_id(s.executions.back().execution_id);
  r.set_http_status(401);
  r.set_checkpoint_state(R"({"step":"publish"})");
  r.set_error_log("OAuth token expired");
  *r.mutable_checkpoint_expires_at() = domain::to_proto(base_time + 1h);
  s = apply(s, r, context_for(as_system()));
  EXPECT_EQ(s.checkpoint_state, R"({"step":"publish"})");
  EXPECT_EQ(s.error_log, "OAuth token expired");
  EXPECT_EQ(refusal_code(lt::decide(s, move(statuses::TODO, statuses::DONE), context_for(as_spain_user()))),
            errc::execution_required);
}

TEST(LocalTask, AGtmRunNamesItsContainer) {
  auto s = scanned(created_task(), scan_statuses::PASSED);
  auto errors = field_errors(lt::decide(s, pb::ExecuteTask{}, context_for(as_spain_user())));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].path, "container_id");
  EXPECT_EQ(errors[0].message, "Required");
}

// A run whose credential was refused and could not be refreshed, paused with its steps.
lt::state paused_run(timestamp at = base_time) {
  auto s = scanned(created_task(), scan_statuses::PASSED);
  s = apply(s, run_in_container(), context_for(as_spain_user(), at));
  pb::RecordTaskExecution r;
  r.set_execution_id(s.executions.back().execution_id);
  r.set_http_status(401);
  r.set_checkpoint_state(R"({"container":{"path":"accounts/1/containers/2"}})");
  r.set_error_log("version: The access token expired and could not be refreshed.");
  *r.mutable_checkpoint_expires_at() = domain::to_proto(at + 1h);
  return apply(s, r, context_for(as_system(), at));
}

pb::ResumeExecution resume() {
  pb::ResumeExecution c;
  c.set_local_task_id(local_task_id);
  return c;
}

TEST(LocalTask, AResumeContinuesThePausedRunAndKeepsItsCheckpointForTheExecutor) {
  auto s = paused_run();
  const auto execution_id = s.executions.back().execution_id;
  auto d = lt::decide(s, resume(), context_for(as_spain_user(), base_time + 10min));
  ASSERT_TRUE(d.has_value()) << d.error().error.detail;
  const auto& resumed = std::get<pb::TaskExecutionResumed>(d->front());
  EXPECT_EQ(resumed.execution_id(), execution_id) << "the same run, not a new one";
  EXPECT_EQ(resumed.resumed_by(), spain_user_id);
  s = lt::evolve(s, d->front());
  EXPECT_FALSE(s.executions.back().paused);
  EXPECT_EQ(s.executions.back().parameters.container_id(), "GTM-ABC123") << "the run's parameters stay";
  EXPECT_EQ(s.checkpoint_state, R"({"container":{"path":"accounts/1/containers/2"}})");
  EXPECT_EQ(refusal_code(lt::decide(s, resume(), context_for(as_spain_user(), base_time + 10min))),
            errc::status_conflict)
      << "running again, not paused";
  EXPECT_EQ(refusal_code(lt::decide(s, run_in_container(), context_for(as_spain_user(), base_time + 10min))),
            errc::status_conflict)
      << "and no second run meanwhile";
}

TEST(LocalTask, AResumeAfterTheCheckpointExpiredAsksForAFreshRun) {
  auto s = paused_run();
  s = apply(s, acquire(), context_for(as_spain_user(), base_time + 61min));
  auto late = lt::decide(s, resume(), context_for(as_spain_user(), base_time + 61min));
  ASSERT_EQ(refusal_code(late), errc::status_conflict);
  EXPECT_NE(late.error().error.detail.find("start a fresh run with ExecuteTask"), std::string::npos);
  EXPECT_TRUE(lt::decide(s, run_in_container(), context_for(as_spain_user(), base_time + 61min)).has_value());
}

TEST(LocalTask, OnlyTheLockHolderResumesAndOnlyWhatWasPausedForTheSamePayload) {
  auto s = paused_run();
  EXPECT_EQ(refusal_code(lt::decide(s, resume(), context_for(as_supervisor()))), errc::task_locked);
  auto released = apply(s, pb::ReleaseLock{}, context_for(as_spain_user()));
  EXPECT_EQ(refusal_code(lt::decide(released, resume(), context_for(as_spain_user()))), errc::lock_required);
  EXPECT_EQ(
      refusal_code(lt::decide(scanned(created_task(), scan_statuses::PASSED), resume(), context_for(as_spain_user()))),
      errc::status_conflict)
      << "nothing paused";
  auto edited = apply(s, payload(R"({"action":"UPDATE_TAG"})"), context_for(as_spain_user()));
  pb::RequestPreFlightScan scan;
  edited = apply(edited, scan, context_for(as_spain_user()));
  pb::RecordPreFlightScanResult passed;
  passed.set_status(scan_statuses::PASSED);
  passed.set_payload_revision(edited.payload_revision);
  edited = apply(edited, passed, context_for(as_system()));
  auto changed = lt::decide(edited, resume(), context_for(as_spain_user()));
  auto rescanned = apply(s, pb::RequestPreFlightScan{}, context_for(as_spain_user()));
  EXPECT_EQ(refusal_code(lt::decide(rescanned, resume(), context_for(as_spain_user()))), errc::preflight_required)
      << "a scan asked again since the pause: the run waits for its verdict";
  ASSERT_EQ(refusal_code(changed), errc::status_conflict);
  EXPECT_NE(changed.error().error.detail.find("payload changed"), std::string::npos);
}

TEST(LocalTask, AFinishedRunKeepsItsStepsForAuditors) {
  auto s = scanned(created_task(), scan_statuses::PASSED);
  s = apply(s, run_in_container(), context_for(as_spain_user()));
  pb::RecordTaskExecution r;
  r.set_execution_id(s.executions.back().execution_id);
  r.set_http_status(200);
  r.set_execution_steps(R"({"publish":{"containerVersionId":"3"}})");
  auto d = lt::decide(s, r, context_for(as_system()));
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(std::get<pb::TaskExecutionCompleted>(d->front()).execution_steps(),
            R"({"publish":{"containerVersionId":"3"}})");
}

}  // namespace
}  // namespace stradia::testing
