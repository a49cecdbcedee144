#pragma once
// The board-state read model (read_boards, read_board_tasks): every task of a board with
// its status, lock, pre-flight status, token cost and stream version. Each batch of events
// and the projection's checkpoint commit in one Postgres transaction, so a redelivered
// event (at or below the checkpoint) is skipped and nothing is applied twice. Used by one
// thread at a time.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "domain/expected.hpp"
#include "envelope.pb.h"

namespace pqxx {
class connection_base;
}

namespace stradia::projections {

class board_state_projection {
 public:
  static constexpr const char* name = "board-state";

  explicit board_state_projection(std::string worker_conninfo);
  ~board_state_projection();

  // The last position applied (0 when none).
  domain::expected<std::int64_t, std::string> checkpoint();
  domain::expected<void, std::string> apply(const std::vector<stradia::envelope::v1::EventEnvelope>& events);

 private:
  struct connection;
  std::string conninfo_;
  std::unique_ptr<connection> connection_;
};

}  // namespace stradia::projections
