#pragma once
// Where each board's lifecycle stands by its tasks (board-state read model, all tenants,
// worker role), for the system process that records BoardStatusChanged: COMPLETED while
// every task is DONE, ACTIVE once one left TODO, PENDING while none did (the board's own
// stream keeps a started board from going back). Every board whose tasks changed since the
// last call is named, whatever status the read model shows (it may lag the board's stream),
// up to the position every source of the board-state model has applied. One connection,
// kept between calls; not thread-safe.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/expected.hpp"

namespace stradia::projections {

struct board_status_due {
  std::string tenant_id, local_board_id, status;  // the status the board's tasks call for
};

class board_progress {
 public:
  explicit board_progress(std::string worker_conninfo);
  ~board_progress();
  // Boards whose tasks changed since the previous call, with the status their tasks call for.
  base::expected<std::vector<board_status_due>, std::string> due();

 private:
  struct connection;
  std::string conninfo_;
  std::unique_ptr<connection> connection_;
  std::int64_t seen_ = 0;  // the task position up to which boards were looked at
};

}  // namespace stradia::projections
