#pragma once
// LocalTask aggregate (stream "task-<id>"): the card on a market's board. Guards status
// moves, the mutex lock with its absolute 15-minute expiry, payload edits, pre-flight,
// the Type C execution gate, notes and ghost cards. Pure: no I/O, clock from context.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "domain/clock.hpp"
#include "domain/context.hpp"
#include "domain/decision.hpp"
#include "domain/enums.hpp"
#include "task.pb.h"

namespace stradia::domain::local_task {

namespace pb = stradia::task::v1;

inline constexpr std::chrono::minutes lock_duration{15};
inline constexpr std::size_t max_note_characters = 5000;
inline constexpr std::size_t max_payload_bytes = 256 * 1024;
// A run requested this long ago with no answer recorded is taken as lost (its process
// died): a new ExecuteTask may start. Longer than any run's outbound deadlines.
inline constexpr std::chrono::minutes execution_presumed_lost_after{10};

using command =
    std::variant<pb::CreateLocalTask, pb::OfferGhostCard, pb::MoveTask, pb::AcquireLock, pb::ReleaseLock,
                 pb::ExpireLock, pb::UpdateExecutionPayload, pb::AddTaskNote, pb::AcceptGhostCard, pb::RejectGhostCard,
                 pb::RequestPreFlightScan, pb::RecordPreFlightScanResult, pb::GenerateContent,
                 pb::RecordGeneratedContent, pb::ExecuteTask, pb::RecordTaskExecution, pb::ResumeExecution>;

using event =
    std::variant<pb::LocalTaskCreated, pb::TaskMoved, pb::TaskLockAcquired, pb::TaskLockReleased, pb::TaskLockExpired,
                 pb::ExecutionPayloadUpdated, pb::TaskNoteAdded, pb::GhostCardOffered, pb::GhostCardAccepted,
                 pb::GhostCardRejected, pb::PreFlightScanRequested, pb::PreFlightScanCompleted,
                 pb::ContentGenerationRequested, pb::ContentGenerated, pb::TaskExecutionRequested,
                 pb::TaskExecutionCompleted, pb::TaskExecutionPaused, pb::TaskExecutionResumed>;

struct note {
  std::string id;
  std::string user_id;
  std::string content;
  timestamp created_at;
};

// The TaskRejection of the domain model.
struct rejection {
  std::string id;
  std::string user_id;
  std::string justification;
  int strategy_version = 0;
  timestamp rejected_at;
};

struct execution {
  std::string execution_id;
  std::string requested_by;
  timestamp requested_at;  // or resumed at: when the run last started
  pb::ExecutionParameters parameters;
  std::int64_t payload_revision = 0;  // the payload edit the run carries out
  std::optional<int> http_status;     // empty while the run is in flight or paused
  std::string error_log;
  bool paused = false;
};

struct lock {
  std::string locked_by;
  timestamp locked_at;
  timestamp expires_at() const { return locked_at + lock_duration; }
};

struct ghost_offer {
  int strategy_version = 0;
  global_task definition;
  bool is_removal = false;  // the new version drops the task
};

struct state {
  bool exists = false;
  std::int64_t stream_version = 0;

  std::string id;
  std::string tenant_id;
  std::string local_board_id;
  std::string market_id;
  std::string global_task_id;
  global_task definition;
  task_status status = statuses::TODO;
  bool is_custom_local_task = false;
  bool is_ghost_card = false;
  bool awaiting_first_acceptance = false;  // a ghost card for a task the board did not have
  bool dismissed = false;                  // such a ghost card, rejected
  bool removed = false;                    // a removal accepted: the task left the board
  std::optional<ghost_offer> pending_offer;
  std::string execution_payload;      // JSON text, empty when none
  std::int64_t payload_revision = 0;  // edits of the payload so far
  pre_flight_status pre_flight_scan_status = scan_statuses::PENDING;
  std::int64_t scanned_payload_revision = -1;  // the edit the last finished scan judged
  std::string pre_flight_findings;
  std::int64_t gemini_token_cost = 0;
  std::string generated_content;
  std::string error_log;
  std::optional<lock> current_lock;
  std::string checkpoint_state;  // JSON text, never returned to clients
  std::optional<timestamp> checkpoint_expires_at;
  std::optional<timestamp> last_executed_at;
  std::vector<note> notes;
  std::vector<rejection> rejections;
  std::vector<execution> executions;

  bool locked_at(timestamp now) const { return current_lock && now < current_lock->expires_at(); }
  // A PASSED verdict about the payload as it is now (an edit since makes it not count).
  bool payload_passed() const {
    return pre_flight_scan_status == scan_statuses::PASSED && scanned_payload_revision == payload_revision;
  }
  // A run requested and not answered yet (nor paused), unless presumed lost.
  bool executing_at(timestamp now) const {
    return !executions.empty() && !executions.back().http_status && !executions.back().paused &&
           now < executions.back().requested_at + execution_presumed_lost_after;
  }
};

decision<event> decide(const state& s, const command& c, const context& ctx);
state evolve(state s, const event& e);

// The system note that keeps a draft which lost an optimistic race.
std::string auto_save_note(timestamp at, std::string_view draft_json);

}  // namespace stradia::domain::local_task
