#include "gateway/ws_protocol.hpp"

#include <simdjson.h>

#include <functional>

#include "base/json_writer.hpp"
#include "base/uuid_text.hpp"
#include "domain/clock.hpp"
#include "domain/event_codec.hpp"
#include "domain/local_task.hpp"
#include "gateway/board_json.hpp"

namespace stradia::gateway::ws {

namespace {

namespace task_pb = stradia::task::v1;

struct event_name {
  std::string_view name;
  client_event event;
};
constexpr event_name client_events[] = {
    {"client:join_board", client_event::join_board},
    {"client:leave_board", client_event::leave_board},
    {"client:request_task_lock", client_event::request_task_lock},
    {"client:release_task_lock", client_event::release_task_lock},
    {"client:move_task", client_event::move_task},
};

template <class Payload>
std::string frame(std::string_view event, const Payload& payload, std::string_view request_id = {}) {
  base::json_writer j;
  j.begin_object().field("event", event);
  if (!request_id.empty()) j.field("request_id", request_id);
  j.key("payload").begin_object();
  payload(j);
  j.end_object().end_object();
  return j.take();
}

}  // namespace

base::expected<client_frame, frame_problem> parse_client_frame(std::string_view text) {
  frame_problem problem;
  if (text.size() > max_frame_bytes) {
    problem.message = "The frame is larger than 64 KiB.";
    return base::unexpected(problem);
  }
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(text.data(), text.size()).get(root) || !root.is_object()) {
    problem.message = "A frame is a JSON object {event, request_id, payload}.";
    return base::unexpected(problem);
  }
  std::string_view request_id;
  if (auto r = root["request_id"]; r.error() != simdjson::NO_SUCH_FIELD) {
    if (r.get(request_id) || request_id.size() > 200) {
      problem.message = "request_id is a string of at most 200 characters.";
      problem.fields.emplace_back("request_id", "Expected string, at most 200 characters");
      return base::unexpected(problem);
    }
    problem.request_id = std::string(request_id);
  }
  std::string_view event;
  if (root["event"].get(event)) {
    problem.message = "event is required.";
    problem.fields.emplace_back("event", "Required");
    return base::unexpected(problem);
  }
  client_frame out{};
  out.request_id = problem.request_id;
  bool known = false;
  for (const auto& e : client_events)
    if (e.name == event) {
      out.event = e.event;
      known = true;
    }
  if (!known) {
    problem.message = "Unknown event '" + std::string(event.substr(0, 64)) + "'.";
    problem.fields.emplace_back("event", "Invalid enum value");
    return base::unexpected(problem);
  }
  simdjson::dom::object payload;
  if (root["payload"].get(payload)) {
    problem.message = "payload is required and is an object.";
    problem.fields.emplace_back("payload", "Expected object");
    return base::unexpected(problem);
  }
  auto uuid = [&](const char* name, std::string& into) {
    std::string_view value;
    if (payload[name].get(value) || !base::is_uuid(value)) {
      problem.fields.emplace_back(std::string("payload.") + name, "Invalid uuid");
      return;
    }
    into = std::string(value);
  };
  auto status = [&](const char* name, domain::task_status& into) {
    std::string_view value;
    const auto error = payload[name].get(value);
    const auto parsed = error ? std::nullopt : domain::parse_task_status(value);
    if (!parsed) {
      // Zod's words: "Required" for a missing member, the enum message with what came otherwise.
      std::string message = "Invalid enum value. Expected 'TODO' | 'IN_PROGRESS' | 'BLOCKED' | 'DONE', received '" +
                            std::string(value) + "'";
      if (error == simdjson::NO_SUCH_FIELD)
        message = "Required";
      else if (error)
        message = "Expected string";
      problem.fields.emplace_back(std::string("payload.") + name, std::move(message));
      return;
    }
    into = *parsed;
  };
  uuid("local_board_id", out.local_board_id);
  if (out.event != client_event::join_board && out.event != client_event::leave_board)
    uuid("local_task_id", out.local_task_id);
  if (out.event == client_event::move_task) {
    status("new_status", out.new_status);
    status("expected_previous_status", out.expected_previous_status);
  }
  if (!problem.fields.empty()) {
    problem.message = "The payload of " + std::string(event) + " is not valid.";
    return base::unexpected(problem);
  }
  return out;
}

std::string request_id_of(std::string_view text) {
  // Refusals are what a flood gets: a frame larger than any real one is not parsed for them.
  if (text.size() > max_request_id_search_bytes) return {};
  auto parsed = parse_client_frame(text);
  return parsed ? parsed->request_id : parsed.error().request_id;
}

std::string refusal_frame(std::string_view code, std::string_view message, std::string_view refused) {
  error_details details;
  details.request_id = request_id_of(refused);
  return error_frame(code, message, details);
}

std::string error_frame(std::string_view code, std::string_view message, const error_details& details) {
  return frame(
      "server:error",
      [&](base::json_writer& j) {
        j.field("code", code).field("message", message).key("request_id");
        if (details.request_id.empty())
          j.null();
        else
          j.value(details.request_id);
        if (!details.local_task_id.empty()) j.field("local_task_id", details.local_task_id);
        if (details.revert_to_status) j.field("revert_to_status", domain::name_of(*details.revert_to_status));
        if (!details.fields.empty()) {
          j.key("errors").begin_array();
          for (const auto& [path, what] : details.fields)
            j.begin_object().field("path", path).field("message", what).end_object();
          j.end_array();
        }
      },
      details.request_id);
}

std::string board_state_sync_frame(const projections::board_view& board, std::int64_t position,
                                   std::string_view request_id) {
  return frame(
      "server:board_state_sync",
      [&](base::json_writer& j) {
        j.field("local_board_id", board.id).field("market_id", board.market_id);
        j.field("master_strategy_id", board.master_strategy_id).field("status", board.status);
        j.field("heatmap_score", board.heatmap_score).field("position", position);
        j.key("tasks").begin_array();
        for (const auto& t : board.tasks) {
          j.begin_object();
          write_board_task(j, t);
          j.end_object();
        }
        j.end_array();
      },
      request_id);
}

std::string task_updated_frame(const projections::board_task_view& task) {
  return frame("server:task_updated", [&](base::json_writer& j) {
    j.field("local_board_id", task.local_board_id).key("task").begin_object();
    write_board_task(j, task);
    j.end_object();
  });
}

std::string board_updated_frame(const std::string& local_board_id, const std::string& status, double heatmap_score) {
  return frame("server:board_updated", [&](base::json_writer& j) {
    j.field("local_board_id", local_board_id).field("status", status).field("heatmap_score", heatmap_score);
  });
}

bool has_own_frame(const stradia::envelope::v1::EventEnvelope& e) {
  if (e.stream_id().rfind("task-", 0) != 0) return false;
  const auto& type = e.event_type();
  return type == "TaskLockAcquired" || type == "TaskLockReleased" || type == "TaskLockExpired" || type == "TaskMoved" ||
         type == "TaskNoteAdded" || type == "TaskExecutionCompleted";
}

std::optional<broadcast> broadcast_of(const stradia::envelope::v1::EventEnvelope& e) {
  if (!has_own_frame(e)) return std::nullopt;
  auto event = domain::decode_event<domain::local_task::event>(e);
  if (!event) return std::nullopt;
  const std::string task_id = e.stream_id().substr(5);
  std::optional<broadcast> out;
  std::visit(
      [&](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        auto make = [&](std::string_view name, const std::string& board_id, auto&& body) {
          out = broadcast{board_id, frame(name, [&](base::json_writer& j) {
                            j.field("local_board_id", board_id).field("local_task_id", task_id);
                            body(j);
                          })};
        };
        if constexpr (std::is_same_v<T, task_pb::TaskLockAcquired>) {
          make("server:task_locked", m.local_board_id(), [&](base::json_writer& j) {
            j.field("locked_by_user_id", m.locked_by()).field("locked_at", domain::format_rfc3339(m.locked_at()));
            j.field("expires_at", domain::format_rfc3339(m.expires_at()));
          });
        } else if constexpr (std::is_same_v<T, task_pb::TaskLockReleased>) {
          make("server:task_unlocked", m.local_board_id(),
               [&](base::json_writer& j) { j.field("reason", "released"); });
        } else if constexpr (std::is_same_v<T, task_pb::TaskLockExpired>) {
          make("server:task_unlocked", m.local_board_id(), [&](base::json_writer& j) { j.field("reason", "expired"); });
        } else if constexpr (std::is_same_v<T, task_pb::TaskMoved>) {
          make("server:task_moved", m.local_board_id(), [&](base::json_writer& j) {
            j.field("new_status", domain::name_of(m.new_status())).field("moved_by_user_id", m.moved_by());
            j.field("timestamp", domain::format_rfc3339(m.moved_at()));
          });
        } else if constexpr (std::is_same_v<T, task_pb::TaskNoteAdded>) {
          make("server:note_added", m.local_board_id(), [&](base::json_writer& j) {
            j.key("note").begin_object().field("id", m.note_id()).field("user_id", m.user_id());
            j.field("content", m.content()).field("created_at", domain::format_rfc3339(m.created_at())).end_object();
          });
        } else if constexpr (std::is_same_v<T, task_pb::TaskExecutionCompleted>) {
          make("server:execution_completed", m.local_board_id(), [&](base::json_writer& j) {
            j.field("http_status", m.http_status()).field("succeeded", m.succeeded());
          });
        }
      },
      *event);
  return out;
}

}  // namespace stradia::gateway::ws
