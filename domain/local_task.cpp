#include "domain/local_task.hpp"

#include <stdexcept>

#include "domain/access.hpp"
#include "domain/guardrails.hpp"

namespace stradia::domain::local_task {

namespace {

using events = std::vector<event>;

unexpected<domain_error> locked_by_someone_else(const state& s) {
  return refuse(errc::task_locked,
                "Task is locked by another user until " + format_rfc3339(s.current_lock->expires_at()) + ".");
}

// Decides one command against a state whose lock expiry has already been applied.
class decider {
 public:
  decider(const state& s, const context& ctx) : s_(s), ctx_(ctx) {}

  decision<event> operator()(const pb::CreateLocalTask& c) const {
    if (auto ok = require_system(ctx_); !ok) return unexpected(ok.error());
    pb::LocalTaskCreated e;
    e.set_local_task_id(c.local_task_id());
    e.set_tenant_id(ctx_.who.tenant_id);
    e.set_local_board_id(c.local_board_id());
    e.set_market_id(c.market_id());
    e.set_global_task_id(c.definition().global_task_id());
    *e.mutable_definition() = c.definition();
    e.set_status(statuses::TODO);
    e.set_is_custom_local_task(c.is_custom_local_task());
    e.set_is_ghost_card(c.is_ghost_card());
    e.set_pre_flight_scan_status(scan_statuses::PENDING);
    *e.mutable_created_at() = to_proto(ctx_.now);
    return events{std::move(e)};
  }

  decision<event> operator()(const pb::OfferGhostCard& c) const {
    if (auto ok = require_system(ctx_); !ok) return unexpected(ok.error());
    // Not on the board to remove: let go already, or an added card nobody accepted (it
    // stays offered as added; rejecting it takes it off).
    if (c.is_removal() && (s_.dismissed || s_.removed || s_.awaiting_first_acceptance)) return events{};
    pb::GhostCardOffered e;
    e.set_local_task_id(s_.id);
    e.set_strategy_version(c.strategy_version());
    *e.mutable_definition() = c.definition();
    e.set_is_removal(c.is_removal());
    return events{std::move(e)};
  }

  decision<event> operator()(const pb::MoveTask& c) const {
    auto problems = enum_problems("new_status", c.new_status());
    guardrails::collect(problems, enum_problems("expected_previous_status", c.expected_previous_status()));
    if (!problems.empty()) return invalid(std::move(problems));
    if (auto ok = expected_version(c); !ok) return unexpected(ok.error());
    if (auto ok = not_a_pending_ghost(); !ok) return unexpected(ok.error());
    if (held_by_other()) return locked_by_someone_else(s_);
    if (c.expected_previous_status() != s_.status)
      return refuse(errc::status_conflict, "Task is " + std::string(name_of(s_.status)) + ", not " +
                                               std::string(name_of(c.expected_previous_status())) + ".");
    if (c.new_status() == s_.status) return events{};
    if (c.new_status() == statuses::DONE && s_.definition.task_type() == task_types::C_EXECUTIVE) {
      if (!s_.payload_passed())
        return refuse(errc::preflight_required, "A Type C task needs a PASSED pre-flight scan before DONE.");
      if (!last_execution_succeeded())
        return refuse(errc::execution_required, "A Type C task needs a successful execution (HTTP 200) before DONE.");
    }
    pb::TaskMoved e;
    e.set_local_task_id(s_.id);
    e.set_local_board_id(s_.local_board_id);
    e.set_previous_status(s_.status);
    e.set_new_status(c.new_status());
    e.set_moved_by(ctx_.who.user_id);
    *e.mutable_moved_at() = to_proto(ctx_.now);
    return events{std::move(e)};
  }

  decision<event> operator()(const pb::AcquireLock& c) const {
    if (auto ok = expected_version(c); !ok) return unexpected(ok.error());
    if (auto ok = not_a_pending_ghost(); !ok) return unexpected(ok.error());
    if (held_by_other()) return locked_by_someone_else(s_);
    if (held_by_caller()) return events{};  // re-acquiring never extends the 15 minutes
    pb::TaskLockAcquired e;
    e.set_local_task_id(s_.id);
    e.set_local_board_id(s_.local_board_id);
    e.set_locked_by(ctx_.who.user_id);
    *e.mutable_locked_at() = to_proto(ctx_.now);
    *e.mutable_expires_at() = to_proto(ctx_.now + lock_duration);
    return events{std::move(e)};
  }

  decision<event> operator()(const pb::ReleaseLock& c) const {
    if (auto ok = expected_version(c); !ok) return unexpected(ok.error());
    if (held_by_other()) return locked_by_someone_else(s_);
    if (!held_by_caller()) return events{};
    pb::TaskLockReleased e;
    e.set_local_task_id(s_.id);
    e.set_local_board_id(s_.local_board_id);
    e.set_released_by(ctx_.who.user_id);
    *e.mutable_released_at() = to_proto(ctx_.now);
    return events{std::move(e)};
  }

  // The expiry itself is emitted by decide() before any command; nothing else to do.
  decision<event> operator()(const pb::ExpireLock&) const {
    if (auto ok = require_system(ctx_); !ok) return unexpected(ok.error());
    return events{};
  }

  decision<event> operator()(const pb::UpdateExecutionPayload& c) const {
    if (auto ok = not_a_pending_ghost(); !ok) return unexpected(ok.error());
    if (held_by_other()) return locked_by_someone_else(s_);
    if (!held_by_caller()) return refuse(errc::lock_required, "Acquire the task's lock before editing its payload.");
    if (c.execution_payload().empty()) return invalid("execution_payload", "Required");
    if (c.execution_payload().size() > max_payload_bytes)
      return invalid("execution_payload", "Execution payload exceeds 256 KiB.");
    if (c.has_expected_version() && c.expected_version() != s_.stream_version) {
      pb::TaskNoteAdded saved =
          note_event(std::string(system_user_id), auto_save_note(ctx_.now, c.execution_payload()));
      return unexpected(refusal<event>(version_conflict(c.expected_version()), events{std::move(saved)}));
    }
    // A draft that lost the race is kept whatever it holds; one to be saved keeps to the rules.
    if (ctx_.payloads == nullptr) throw std::logic_error("payload edits need the payload rules in the context");
    if (auto problems = ctx_.payloads->problems(s_.definition.expected_payload_schema(), c.execution_payload());
        !problems.empty())
      return invalid(std::move(problems));
    pb::ExecutionPayloadUpdated e;
    e.set_local_task_id(s_.id);
    e.set_execution_payload(c.execution_payload());
    e.set_updated_by(ctx_.who.user_id);
    *e.mutable_updated_at() = to_proto(ctx_.now);
    return events{std::move(e)};
  }

  // Notes are the one change allowed while someone else holds the lock.
  decision<event> operator()(const pb::AddTaskNote& c) const {
    if (auto ok = expected_version(c); !ok) return unexpected(ok.error());
    auto problems = guardrails::length_between("content", c.content(), 1, max_note_characters);
    if (!problems.empty()) return invalid(std::move(problems));
    return events{note_event(ctx_.who.user_id, c.content())};
  }

  decision<event> operator()(const pb::AcceptGhostCard& c) const {
    if (auto ok = expected_version(c); !ok) return unexpected(ok.error());
    if (auto ok = still_on_the_board(); !ok) return unexpected(ok.error());
    if (!s_.pending_offer) return invalid("local_task_id", "The task has no ghost card to accept.");
    if (held_by_other()) return locked_by_someone_else(s_);
    pb::GhostCardAccepted e;
    e.set_local_task_id(s_.id);
    e.set_strategy_version(s_.pending_offer->strategy_version);
    *e.mutable_definition() = s_.pending_offer->definition;
    e.set_accepted_by(ctx_.who.user_id);
    *e.mutable_accepted_at() = to_proto(ctx_.now);
    e.set_is_removal(s_.pending_offer->is_removal);
    return events{std::move(e)};
  }

  decision<event> operator()(const pb::RejectGhostCard& c) const {
    if (auto ok = expected_version(c); !ok) return unexpected(ok.error());
    auto problems = guardrails::ghost_justification(c.justification());
    if (!problems.empty()) return invalid(std::move(problems));
    if (auto ok = still_on_the_board(); !ok) return unexpected(ok.error());
    if (!s_.pending_offer) return invalid("local_task_id", "The task has no ghost card to reject.");
    if (held_by_other()) return locked_by_someone_else(s_);
    pb::GhostCardRejected e;
    e.set_local_task_id(s_.id);
    e.set_rejection_id(ctx_.new_id());
    e.set_strategy_version(s_.pending_offer->strategy_version);
    e.set_user_id(ctx_.who.user_id);
    e.set_justification(c.justification());
    *e.mutable_rejected_at() = to_proto(ctx_.now);
    return events{std::move(e)};
  }

  decision<event> operator()(const pb::RequestPreFlightScan& c) const {
    if (auto ok = expected_version(c); !ok) return unexpected(ok.error());
    if (auto ok = not_a_pending_ghost(); !ok) return unexpected(ok.error());
    if (held_by_other()) return locked_by_someone_else(s_);
    if (s_.execution_payload.empty()) return invalid("execution_payload", "The task has no execution payload to scan.");
    pb::PreFlightScanRequested e;
    e.set_local_task_id(s_.id);
    e.set_requested_by(ctx_.who.user_id);
    *e.mutable_requested_at() = to_proto(ctx_.now);
    e.set_payload_revision(s_.payload_revision);
    return events{std::move(e)};
  }

  decision<event> operator()(const pb::RecordPreFlightScanResult& c) const {
    if (auto ok = require_system(ctx_); !ok) return unexpected(ok.error());
    if (c.status() != scan_statuses::PASSED && c.status() != scan_statuses::FAILED)
      return invalid("status", "A finished scan is PASSED or FAILED.");
    if (c.token_cost() < 0) return invalid("token_cost", "Token cost cannot be negative.");
    // A verdict holds for the payload it read: after an edit it does not count.
    if (c.payload_revision() != s_.payload_revision)
      return refuse(errc::status_conflict,
                    "The payload changed while it was scanned, so the verdict does not count; scan it again.");
    pb::PreFlightScanCompleted e;
    e.set_local_task_id(s_.id);
    e.set_status(c.status());
    e.set_findings(c.findings());
    e.set_token_cost(c.token_cost());
    *e.mutable_completed_at() = to_proto(ctx_.now);
    e.set_payload_revision(c.payload_revision());
    return events{std::move(e)};
  }

  decision<event> operator()(const pb::GenerateContent& c) const {
    if (auto ok = expected_version(c); !ok) return unexpected(ok.error());
    if (auto ok = not_a_pending_ghost(); !ok) return unexpected(ok.error());
    if (s_.definition.task_type() != task_types::B_GENERATIVE)
      return invalid("local_task_id", "Only B_GENERATIVE tasks generate content.");
    if (held_by_other()) return locked_by_someone_else(s_);
    pb::ContentGenerationRequested e;
    e.set_local_task_id(s_.id);
    e.set_requested_by(ctx_.who.user_id);
    *e.mutable_requested_at() = to_proto(ctx_.now);
    return events{std::move(e)};
  }

  decision<event> operator()(const pb::RecordGeneratedContent& c) const {
    if (auto ok = require_system(ctx_); !ok) return unexpected(ok.error());
    if (c.token_cost() < 0) return invalid("token_cost", "Token cost cannot be negative.");
    pb::ContentGenerated e;
    e.set_local_task_id(s_.id);
    e.set_content(c.content());
    e.set_token_cost(c.token_cost());
    *e.mutable_generated_at() = to_proto(ctx_.now);
    return events{std::move(e)};
  }

  decision<event> operator()(const pb::ExecuteTask& c) const {
    if (auto ok = caller_may_run(c, "executing it"); !ok) return unexpected(ok.error());
    const auto parameters = parameters_of(c);
    if (auto problems = parameter_problems(parameters); !problems.empty()) return invalid(std::move(problems));
    // The run starts from the container (Tag Manager) or the measurement id (Analytics).
    if (s_.definition.target_platform() == platforms::GTM && !parameters.has_container_id())
      return invalid("container_id", "Required");
    if (s_.definition.target_platform() == platforms::GA4 && !parameters.has_measurement_id())
      return invalid("measurement_id", "Required");
    if (s_.execution_payload.empty()) return invalid("execution_payload", "The task has no execution payload.");
    if (!s_.payload_passed())
      return refuse(errc::preflight_required, "The payload needs a PASSED pre-flight scan before it runs.");
    if (s_.executing_at(ctx_.now)) return refuse(errc::status_conflict, "An execution of this task is running.");
    pb::TaskExecutionRequested e;
    e.set_local_task_id(s_.id);
    e.set_execution_id(ctx_.new_id());
    *e.mutable_parameters() = parameters;
    e.set_requested_by(ctx_.who.user_id);
    *e.mutable_requested_at() = to_proto(ctx_.now);
    return events{std::move(e)};
  }

  decision<event> operator()(const pb::ResumeExecution& c) const {
    if (auto ok = caller_may_run(c, "resuming its run"); !ok) return unexpected(ok.error());
    if (s_.executions.empty() || !s_.executions.back().paused || !s_.checkpoint_expires_at)
      return refuse(errc::status_conflict, "No run of this task is paused.");
    if (ctx_.now >= *s_.checkpoint_expires_at)
      return refuse(errc::status_conflict, "The paused run's checkpoint expired at " +
                                               format_rfc3339(*s_.checkpoint_expires_at) +
                                               "; start a fresh run with ExecuteTask.");
    if (s_.executions.back().payload_revision != s_.payload_revision)
      return refuse(errc::status_conflict,
                    "The payload changed since the run paused; start a fresh run with ExecuteTask.");
    if (!s_.payload_passed())
      return refuse(errc::preflight_required, "The payload needs a PASSED pre-flight scan before it runs.");
    pb::TaskExecutionResumed e;
    e.set_local_task_id(s_.id);
    e.set_execution_id(s_.executions.back().execution_id);
    e.set_resumed_by(ctx_.who.user_id);
    *e.mutable_resumed_at() = to_proto(ctx_.now);
    return events{std::move(e)};
  }

  decision<event> operator()(const pb::RecordTaskExecution& c) const {
    if (auto ok = require_system(ctx_); !ok) return unexpected(ok.error());
    const bool known = std::any_of(s_.executions.begin(), s_.executions.end(),
                                   [&](const execution& x) { return x.execution_id == c.execution_id(); });
    if (!known) return invalid("execution_id", "No such execution of this task.");
    if (!c.checkpoint_state().empty()) {
      pb::TaskExecutionPaused e;
      e.set_local_task_id(s_.id);
      e.set_execution_id(c.execution_id());
      e.set_checkpoint_state(c.checkpoint_state());
      *e.mutable_checkpoint_expires_at() = c.checkpoint_expires_at();
      e.set_error_log(c.error_log());
      return events{std::move(e)};
    }
    pb::TaskExecutionCompleted e;
    e.set_local_task_id(s_.id);
    e.set_local_board_id(s_.local_board_id);
    e.set_execution_id(c.execution_id());
    e.set_http_status(c.http_status());
    e.set_succeeded(c.http_status() == 200);
    e.set_error_log(c.error_log());
    *e.mutable_last_executed_at() = to_proto(ctx_.now);
    e.set_execution_steps(c.execution_steps());
    return events{std::move(e)};
  }

 private:
  // ExecuteTask and ResumeExecution: the version seen, a task on the board, Type C, and
  // the caller's lock (`doing` completes "Acquire the task's lock before ...").
  template <class Command>
  check caller_may_run(const Command& c, std::string_view doing) const {
    if (auto ok = expected_version(c); !ok) return ok;
    if (auto ok = not_a_pending_ghost(); !ok) return ok;
    if (s_.definition.task_type() != task_types::C_EXECUTIVE)
      return invalid("local_task_id", "Only C_EXECUTIVE tasks are executed.");
    if (held_by_other()) return locked_by_someone_else(s_);
    if (!held_by_caller())
      return refuse(errc::lock_required, "Acquire the task's lock before " + std::string(doing) + ".");
    return {};
  }

  bool held_by_other() const {
    return !ctx_.who.is_system && s_.locked_at(ctx_.now) && s_.current_lock->locked_by != ctx_.who.user_id;
  }
  bool held_by_caller() const { return s_.locked_at(ctx_.now) && s_.current_lock->locked_by == ctx_.who.user_id; }

  bool last_execution_succeeded() const { return !s_.executions.empty() && s_.executions.back().http_status == 200; }

  check still_on_the_board() const {
    if (s_.dismissed) return refuse(errc::not_found, "The ghost card was rejected.");
    if (s_.removed) return refuse(errc::not_found, "The task was removed from the board.");
    return {};
  }

  check not_a_pending_ghost() const {
    if (auto ok = still_on_the_board(); !ok) return ok;
    if (s_.awaiting_first_acceptance)
      return invalid("local_task_id", "Accept the ghost card before working on the task.");
    return {};
  }

  template <class Command>
  check expected_version(const Command& c) const {
    if (!c.has_expected_version() || c.expected_version() == s_.stream_version) return {};
    return unexpected(version_conflict(c.expected_version()));
  }

  domain_error version_conflict(std::int64_t expected) const {
    return domain_error{
        errc::version_conflict,
        "Task is at version " + std::to_string(s_.stream_version) + ", not " + std::to_string(expected) + ".",
        {}};
  }

  static guardrails::problems enum_problems(std::string_view path, task_status v) {
    if (v != statuses::UNSPECIFIED) return {};
    return {field_error{std::string(path), "Invalid enum value. Expected 'TODO' | 'IN_PROGRESS' | 'BLOCKED' | 'DONE'"}};
  }

  static pb::ExecutionParameters parameters_of(const pb::ExecuteTask& c) {
    pb::ExecutionParameters p;
    if (c.has_measurement_id()) p.set_measurement_id(c.measurement_id());
    if (c.has_container_id()) p.set_container_id(c.container_id());
    if (c.has_trigger_type()) p.set_trigger_type(c.trigger_type());
    return p;
  }

  static guardrails::problems parameter_problems(const pb::ExecutionParameters& p) {
    guardrails::problems out;
    if (p.has_measurement_id()) guardrails::collect(out, guardrails::measurement_id(p.measurement_id()));
    if (p.has_container_id()) guardrails::collect(out, guardrails::container_id(p.container_id()));
    if (p.has_trigger_type()) guardrails::collect(out, guardrails::trigger_type(p.trigger_type()));
    return out;
  }

  pb::TaskNoteAdded note_event(std::string user_id, std::string content) const {
    pb::TaskNoteAdded e;
    e.set_local_task_id(s_.id);
    e.set_local_board_id(s_.local_board_id);
    e.set_note_id(ctx_.new_id());
    e.set_user_id(std::move(user_id));
    e.set_content(std::move(content));
    *e.mutable_created_at() = to_proto(ctx_.now);
    return e;
  }

  const state& s_;
  const context& ctx_;
};

// A lock whose 15 minutes are over is released by a TaskLockExpired fact, whatever
// command happens to notice it first (or the expiry sweep's ExpireLock).
std::optional<pb::TaskLockExpired> due_expiry(const state& s, timestamp now) {
  if (!s.current_lock || now < s.current_lock->expires_at()) return std::nullopt;
  pb::TaskLockExpired e;
  e.set_local_task_id(s.id);
  e.set_local_board_id(s.local_board_id);
  e.set_locked_by(s.current_lock->locked_by);
  *e.mutable_locked_at() = to_proto(s.current_lock->locked_at);
  *e.mutable_expired_at() = to_proto(s.current_lock->expires_at());
  return e;
}

}  // namespace

std::string auto_save_note(timestamp at, std::string_view draft_json) {
  return "[SYSTEM AUTO-SAVE: Version Collision Detected at " + format_rfc3339(at) + "] " + std::string(draft_json);
}

decision<event> decide(const state& s, const command& c, const context& ctx) {
  if (std::holds_alternative<pb::CreateLocalTask>(c)) {
    if (s.exists) return refuse(errc::version_conflict, "The task already exists.");
    return decider(s, ctx)(std::get<pb::CreateLocalTask>(c));
  }
  if (!s.exists) return refuse(errc::not_found, "No such task.");
  if (auto ok = require_board_work(ctx, s.tenant_id, s.market_id); !ok) return unexpected(ok.error());

  const auto expiry = due_expiry(s, ctx.now);
  if (!expiry) return std::visit(decider(s, ctx), c);

  const state after_expiry = evolve(s, *expiry);
  auto outcome = std::visit(decider(after_expiry, ctx), c);
  if (outcome) {
    outcome->insert(outcome->begin(), *expiry);
    return outcome;
  }
  outcome.error().recorded.insert(outcome.error().recorded.begin(), *expiry);
  return outcome;
}

}  // namespace stradia::domain::local_task
