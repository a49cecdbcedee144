// evolve() for LocalTask: applies one recorded fact. Never fails, so replaying any
// history always succeeds.
#include <algorithm>

#include "domain/local_task.hpp"

namespace stradia::domain::local_task {

namespace {

struct applier {
  state& s;

  void operator()(const pb::LocalTaskCreated& e) {
    s.exists = true;
    s.id = e.local_task_id();
    s.tenant_id = e.tenant_id();
    s.local_board_id = e.local_board_id();
    s.market_id = e.market_id();
    s.global_task_id = e.global_task_id();
    s.definition = e.definition();
    s.status = e.status();
    s.is_custom_local_task = e.is_custom_local_task();
    s.is_ghost_card = e.is_ghost_card();
    s.awaiting_first_acceptance = e.is_ghost_card();
    if (e.is_ghost_card()) s.pending_offer = ghost_offer{0, e.definition(), false};
    s.pre_flight_scan_status = e.pre_flight_scan_status();
  }
  void operator()(const pb::TaskMoved& e) { s.status = e.new_status(); }
  void operator()(const pb::TaskLockAcquired& e) { s.current_lock = lock{e.locked_by(), from_proto(e.locked_at())}; }
  void operator()(const pb::TaskLockReleased&) { s.current_lock.reset(); }
  void operator()(const pb::TaskLockExpired&) { s.current_lock.reset(); }
  void operator()(const pb::ExecutionPayloadUpdated& e) {
    s.execution_payload = e.execution_payload();
    ++s.payload_revision;
    s.pre_flight_scan_status = scan_statuses::PENDING;  // a scan covers the payload it saw
  }
  void operator()(const pb::TaskNoteAdded& e) {
    s.notes.push_back(note{e.note_id(), e.user_id(), e.content(), from_proto(e.created_at())});
  }
  void operator()(const pb::GhostCardOffered& e) {
    s.is_ghost_card = true;
    s.pending_offer = ghost_offer{e.strategy_version(), e.definition(), e.is_removal()};
    if (!e.is_removal() && (s.dismissed || s.removed)) {
      // A later version brings back a task the board had let go: offered like a new one.
      s.dismissed = s.removed = false;
      s.awaiting_first_acceptance = true;
    }
  }
  void operator()(const pb::GhostCardAccepted& e) {
    if (e.is_removal()) {
      s.removed = true;
    } else {
      s.definition = e.definition();
      s.global_task_id = e.definition().global_task_id();
    }
    s.is_ghost_card = false;
    s.awaiting_first_acceptance = false;
    s.pending_offer.reset();
  }
  void operator()(const pb::GhostCardRejected& e) {
    s.rejections.push_back(
        rejection{e.rejection_id(), e.user_id(), e.justification(), e.strategy_version(), from_proto(e.rejected_at())});
    s.dismissed = s.awaiting_first_acceptance;
    s.is_ghost_card = false;
    s.awaiting_first_acceptance = false;
    s.pending_offer.reset();
  }
  void operator()(const pb::PreFlightScanRequested&) { s.pre_flight_scan_status = scan_statuses::PENDING; }
  void operator()(const pb::PreFlightScanCompleted& e) {
    s.pre_flight_scan_status = e.status();
    s.scanned_payload_revision = e.payload_revision();
    s.pre_flight_findings = e.findings();
    s.gemini_token_cost += e.token_cost();
  }
  void operator()(const pb::ContentGenerationRequested&) {}
  void operator()(const pb::ContentGenerated& e) {
    s.generated_content = e.content();
    s.gemini_token_cost += e.token_cost();
  }
  void operator()(const pb::TaskExecutionRequested& e) {
    s.executions.push_back(execution{e.execution_id(),
                                     e.requested_by(),
                                     from_proto(e.requested_at()),
                                     e.parameters(),
                                     s.payload_revision,
                                     {},
                                     {},
                                     false});
  }
  void operator()(const pb::TaskExecutionCompleted& e) {
    if (auto* x = find_execution(e.execution_id())) {
      x->http_status = e.http_status();
      x->error_log = e.error_log();
    }
    s.error_log = e.error_log();
    s.last_executed_at = from_proto(e.last_executed_at());
    s.checkpoint_state.clear();
    s.checkpoint_expires_at.reset();
  }
  void operator()(const pb::TaskExecutionPaused& e) {
    if (auto* x = find_execution(e.execution_id())) x->paused = true;
    s.error_log = e.error_log();
    s.checkpoint_state = e.checkpoint_state();
    s.checkpoint_expires_at = from_proto(e.checkpoint_expires_at());
  }
  void operator()(const pb::TaskExecutionResumed& e) {
    if (auto* x = find_execution(e.execution_id())) {
      x->paused = false;
      x->requested_at = from_proto(e.resumed_at());
    }
  }

  execution* find_execution(const std::string& id) {
    auto it = std::find_if(s.executions.begin(), s.executions.end(),
                           [&](const execution& x) { return x.execution_id == id; });
    return it == s.executions.end() ? nullptr : &*it;
  }
};

}  // namespace

state evolve(state s, const event& e) { return apply_event<applier>(std::move(s), e); }

}  // namespace stradia::domain::local_task
