#include "projections/board_progress.hpp"

#include <pqxx/pqxx>

namespace stradia::projections {

namespace {

constexpr const char* progress_sql =
    "WITH touched AS (SELECT DISTINCT local_board_id FROM read_board_tasks WHERE position > $1) "
    "SELECT b.tenant_id::text, b.local_board_id::text, b.status, count(t.local_task_id), "
    "count(t.local_task_id) FILTER (WHERE t.status = 'TODO'), count(t.local_task_id) FILTER (WHERE t.status = 'DONE') "
    "FROM read_boards b JOIN touched USING (local_board_id) "
    "LEFT JOIN read_board_tasks t ON t.local_board_id = b.local_board_id AND t.removed_at IS NULL "
    "AND t.ghost_change IS DISTINCT FROM 'ADDED' "
    "GROUP BY b.tenant_id, b.local_board_id, b.status";

}  // namespace

std::string board_status_for(const std::string& current, std::int64_t total, std::int64_t todo, std::int64_t done) {
  if (total > 0 && done == total) return "COMPLETED";
  if (current == "PENDING" && todo == total) return "PENDING";  // nothing has started yet
  return "ACTIVE";
}

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
    const auto head = r.exec1("SELECT coalesce(max(position), 0) FROM read_board_tasks")[0].as<std::int64_t>();
    std::vector<board_status_due> out;
    if (head > seen_) {
      for (const auto& row : r.exec_params(progress_sql, seen_)) {
        const auto current = row[2].as<std::string>();
        auto wanted =
            board_status_for(current, row[3].as<std::int64_t>(), row[4].as<std::int64_t>(), row[5].as<std::int64_t>());
        if (wanted != current) out.push_back({row[0].as<std::string>(), row[1].as<std::string>(), std::move(wanted)});
      }
    }
    r.commit();
    seen_ = head;
    return out;
  } catch (const std::exception& e) {
    connection_.reset();  // the database is away: the next call connects again
    return base::unexpected(std::string(e.what()));
  }
}

}  // namespace stradia::projections
