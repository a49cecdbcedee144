#include "projections/board_progress.hpp"

#include <pqxx/pqxx>

namespace stradia::projections {

namespace {

// What every live source of the model has applied (the rebuild's floor only when no other
// source exists yet): Kafka partitions commit out of log order, so rows past it may still
// be joined by earlier ones.
constexpr const char* applied_sql =
    "SELECT coalesce(min(position) FILTER (WHERE source <> 'rebuilt'), max(position), 0) "
    "FROM projection_checkpoints WHERE projection = 'board-state'";
constexpr const char* progress_sql =
    "WITH touched AS (SELECT DISTINCT local_board_id FROM read_board_tasks WHERE position > $1 AND position <= $2) "
    "SELECT b.tenant_id::text, b.local_board_id::text, count(t.local_task_id), "
    "count(t.local_task_id) FILTER (WHERE t.status = 'TODO'), count(t.local_task_id) FILTER (WHERE t.status = 'DONE') "
    "FROM read_boards b JOIN touched USING (local_board_id) "
    "LEFT JOIN read_board_tasks t ON t.local_board_id = b.local_board_id AND t.removed_at IS NULL "
    "AND t.ghost_change IS DISTINCT FROM 'ADDED' "
    "GROUP BY b.tenant_id, b.local_board_id";

// The status a board's tasks call for: `total` tasks on it (ghost cards not yet accepted
// and tasks that left are not), `todo` and `done` of them.
std::string board_status_for(std::int64_t total, std::int64_t todo, std::int64_t done) {
  if (total > 0 && done == total) return "COMPLETED";
  return todo == total ? "PENDING" : "ACTIVE";
}

}  // namespace

struct board_progress::connection {
  explicit connection(const std::string& conninfo) : c(conninfo) {}
  pqxx::connection c;
};

board_progress::board_progress(std::string worker_conninfo) : conninfo_(std::move(worker_conninfo)) {}

board_progress::~board_progress() = default;

base::expected<std::vector<board_status_due>, std::string> board_progress::due() {
  try {
    if (!connection_) connection_ = std::make_unique<connection>(conninfo_);
    // One snapshot: the boards read and the position they are read up to agree.
    pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> r(connection_->c);
    const auto head = r.exec1(applied_sql)[0].as<std::int64_t>();
    std::vector<board_status_due> out;
    if (head > seen_)
      for (const auto& row : r.exec_params(progress_sql, seen_, head))
        out.push_back(
            {row[0].as<std::string>(), row[1].as<std::string>(),
             board_status_for(row[2].as<std::int64_t>(), row[3].as<std::int64_t>(), row[4].as<std::int64_t>())});
    r.commit();
    seen_ = head;
    return out;
  } catch (const std::exception& e) {
    connection_.reset();  // the database is away: the next call connects again
    return base::unexpected(std::string(e.what()));
  }
}

}  // namespace stradia::projections
