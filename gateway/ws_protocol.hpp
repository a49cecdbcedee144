#pragma once
// The live-board protocol of API.md §5 as plain functions: client frames parsed and
// validated (ids are UUIDs, statuses are the TaskStatus enum), server frames written, and
// the board events of the log turned into broadcasts. No I/O, so it is tested and fuzzed
// on its own.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/expected.hpp"
#include "domain/enums.hpp"
#include "envelope.pb.h"
#include "projections/read_model_reader.hpp"

namespace stradia::gateway::ws {

inline constexpr std::size_t max_frame_bytes = 64 * 1024;

enum class client_event { join_board, leave_board, request_task_lock, release_task_lock, move_task };

struct client_frame {
  client_event event;
  std::string request_id;  // empty when the client sent none
  std::string local_board_id;
  std::string local_task_id;  // lock, release, move
  domain::task_status new_status{};
  domain::task_status expected_previous_status{};
};

struct frame_problem {
  std::string request_id;
  std::string message;
  std::vector<std::pair<std::string, std::string>> fields;  // path, what is wrong
};

base::expected<client_frame, frame_problem> parse_client_frame(std::string_view text);

struct error_details {
  std::string request_id;
  std::string local_task_id;
  std::optional<domain::task_status> revert_to_status;
  std::vector<std::pair<std::string, std::string>> fields;
};
std::string error_frame(std::string_view code, std::string_view message, const error_details& details);
// The request_id of a client frame, or empty when it has none (or is not a frame at all, or
// is over max_request_id_search_bytes).
constexpr std::size_t max_request_id_search_bytes = 4096;
std::string request_id_of(std::string_view text);
// The server:error telling a client its frame `refused` (as received) was not handled,
// naming the frame's request_id when it has one.
std::string refusal_frame(std::string_view code, std::string_view message, std::string_view refused);

std::string board_state_sync_frame(const projections::board_view& board, std::int64_t position,
                                   std::string_view request_id);

// server:task_updated: the task as in board_state_sync (a task that left the board has
// its removed_at set), after a change the seven other frames do not cover.
std::string task_updated_frame(const projections::board_task_view& task);
// server:board_updated: the board's status and heatmap score, after either changed.
std::string board_updated_frame(const std::string& local_board_id, const std::string& status, double heatmap_score);

// A board's event as its own frame (locks, moves, notes, executions): the board and the
// frame; nullopt for the other events (a task's other changes are told by task_updated).
struct broadcast {
  std::string local_board_id;
  std::string frame;
};
std::optional<broadcast> broadcast_of(const stradia::envelope::v1::EventEnvelope& e);
// Whether the event is one broadcast_of() turns into a frame.
bool has_own_frame(const stradia::envelope::v1::EventEnvelope& e);

}  // namespace stradia::gateway::ws
