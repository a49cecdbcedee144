#pragma once
// The board-state read model's expired locks over every tenant (worker role), for the
// sweeper that expires them through commands. One connection, kept between calls; not
// thread-safe (the sweeper's thread only).
#include <memory>
#include <string>
#include <vector>

#include "base/clock.hpp"
#include "base/expected.hpp"

namespace stradia::projections {

struct expired_lock {
  std::string local_task_id, tenant_id;
};

class expired_locks {
 public:
  explicit expired_locks(std::string worker_conninfo);
  ~expired_locks();
  // Up to `limit` tasks whose lock expired at `now`, the oldest first, leaving out `skip`.
  base::expected<std::vector<expired_lock>, std::string> due(base::timestamp now, const std::vector<std::string>& skip,
                                                             int limit);

 private:
  struct connection;
  std::string conninfo_;
  std::unique_ptr<connection> connection_;
};

}  // namespace stradia::projections
