#include "projections/task_timeline.hpp"

#include "domain/clock.hpp"
#include "domain/event_codec.hpp"
#include "domain/local_task.hpp"

namespace stradia::projections {

namespace {

namespace task_pb = stradia::task::v1;
using envelope = stradia::envelope::v1::EventEnvelope;

enum column { c_position, c_task, c_tenant, c_kind, c_actor, c_detail, c_http_status, c_at, c_entry, width };

}  // namespace

task_timeline::task_timeline()
    : entries_("read_task_timeline",
               {"position", "local_task_id", "tenant_id", "kind", "actor", "detail", "http_status", "at", "entry_id"},
               "bigint", false) {}

bool task_timeline::reads(const envelope& e) const {
  if (stream_id_of(e, "task").empty()) return false;
  const auto& type = e.event_type();
  return type == "TaskNoteAdded" || type == "GhostCardRejected" || type == "TaskExecutionRequested" ||
         type == "TaskExecutionCompleted" || type == "TaskExecutionPaused" || type == "TaskExecutionResumed";
}

void task_timeline::apply(const envelope& e, const decoded_payload& payload) {
  const auto* event = payload.task();
  if (!event) return;
  row r(width);
  r[c_position] = std::to_string(e.global_position());
  r[c_task] = payload.entity_id();
  r[c_tenant] = e.tenant_id();
  r[c_actor] = e.user_id();
  r[c_at] = domain::format_rfc3339(e.recorded_at());
  if (const auto* note = std::get_if<task_pb::TaskNoteAdded>(&*event)) {
    r[c_kind] = note->user_id() == "system" ? "AUTO_SAVE_NOTE" : "NOTE";
    r[c_actor] = note->user_id();
    r[c_entry] = note->note_id();
    r[c_detail] = note->content();
    r[c_at] = domain::format_rfc3339(note->created_at());
  } else if (const auto* rejected = std::get_if<task_pb::GhostCardRejected>(&*event)) {
    r[c_kind] = "GHOST_REJECTED";
    r[c_actor] = rejected->user_id();
    r[c_entry] = rejected->rejection_id();
    r[c_detail] = rejected->justification();
    r[c_at] = domain::format_rfc3339(rejected->rejected_at());
  } else if (const auto* requested = std::get_if<task_pb::TaskExecutionRequested>(&*event)) {
    r[c_kind] = "EXECUTION_REQUESTED";
    r[c_actor] = requested->requested_by();
    r[c_entry] = requested->execution_id();
    r[c_detail] = "";
    r[c_at] = domain::format_rfc3339(requested->requested_at());
  } else if (const auto* completed = std::get_if<task_pb::TaskExecutionCompleted>(&*event)) {
    r[c_kind] = completed->succeeded() ? "EXECUTION_SUCCEEDED" : "EXECUTION_FAILED";
    r[c_entry] = completed->execution_id();
    r[c_detail] = completed->error_log();
    r[c_http_status] = std::to_string(completed->http_status());
    r[c_at] = domain::format_rfc3339(completed->last_executed_at());
  } else if (const auto* paused = std::get_if<task_pb::TaskExecutionPaused>(&*event)) {
    r[c_kind] = "EXECUTION_PAUSED";
    r[c_entry] = paused->execution_id();
    r[c_detail] = paused->error_log();  // the checkpoint state never leaves the task stream
  } else if (const auto* resumed = std::get_if<task_pb::TaskExecutionResumed>(&*event)) {
    r[c_kind] = "EXECUTION_RESUMED";
    r[c_actor] = resumed->resumed_by();
    r[c_entry] = resumed->execution_id();
    r[c_detail] = "";
    r[c_at] = domain::format_rfc3339(resumed->resumed_at());
  } else {
    return;
  }
  entries_.append(std::move(r));  // one row per event: its position is its key
}

}  // namespace stradia::projections
