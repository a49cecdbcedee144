#pragma once
// Live boards (API.md §5): what a client's frames do and what the rooms hear. Joins are
// authorized against the read model (tenant by row-level security, a LOCAL_USER's markets
// by the directory), locks and moves run through the same command handlers as HTTP, and
// board events are broadcast only once the read models applied them. Thread-safe; frames
// are handled on the server's worker pool (they talk to Postgres).
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "commands/command_service.hpp"
#include "domain/context.hpp"
#include "envelope.pb.h"
#include "gateway/board_hub.hpp"
#include "projections/read_model_reader.hpp"

namespace stradia::gateway {

class live_boards {
 public:
  // The caller as the directory knows them now (role and markets can change while a socket
  // is open); nullopt once deactivated.
  using refresh_caller = std::function<std::optional<domain::caller>(const domain::caller&)>;

  live_boards(commands::command_service& commands, projections::read_model_reader& read_models, refresh_caller refresh);

  void on_frame(const std::shared_ptr<live_connection>& c, const domain::caller& who, std::string_view text);
  void on_close(const live_connection* c, const std::vector<std::string>& boards);
  // Events the read models have applied, in log order.
  void publish(const std::vector<stradia::envelope::v1::EventEnvelope>& events);

  board_hub& hub() { return hub_; }

 private:
  struct board_summary {
    std::string status;
    double heatmap_score = 0;
    bool operator==(const board_summary&) const = default;
  };
  void tell_rooms(const std::vector<stradia::envelope::v1::EventEnvelope>& events);
  void recheck_rooms(const std::string& tenant_id, const std::string& user_id);
  void close_rooms_of_tenant(const std::string& tenant_id);

  commands::command_service& commands_;
  projections::read_model_reader& read_models_;
  refresh_caller refresh_;
  board_hub hub_;
  std::mutex told_mutex_;
  // Per board, the status and score its rooms were last told (so board_updated goes out on
  // a change only). Boards whose rooms emptied are forgotten when next looked at.
  std::unordered_map<std::string, std::optional<board_summary>> told_;
};

}  // namespace stradia::gateway
