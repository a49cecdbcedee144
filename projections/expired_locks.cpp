#include "projections/expired_locks.hpp"

#include <pqxx/pqxx>

#include "projections/row_table.hpp"

namespace stradia::projections {

struct expired_locks::connection {
  explicit connection(const std::string& conninfo) : c(conninfo) {}
  pqxx::connection c;
};

expired_locks::expired_locks(std::string worker_conninfo) : conninfo_(std::move(worker_conninfo)) {}

expired_locks::~expired_locks() = default;

base::expected<std::vector<expired_lock>, std::string> expired_locks::due(base::timestamp now,
                                                                          const std::vector<std::string>& skip,
                                                                          int limit) {
  try {
    if (!connection_) connection_ = std::make_unique<connection>(conninfo_);
    pqxx::read_transaction r(connection_->c);
    std::vector<expired_lock> out;
    for (const auto& row : r.exec_params("SELECT local_task_id::text, tenant_id::text FROM read_board_tasks "
                                         "WHERE expires_at <= $1::timestamptz AND local_task_id <> ALL($2::uuid[]) "
                                         "ORDER BY expires_at LIMIT $3",
                                         base::format_rfc3339(now), format_text_array(skip), limit))
      out.push_back({row[0].as<std::string>(), row[1].as<std::string>()});
    return out;
  } catch (const std::exception& e) {
    connection_.reset();  // the database is away: the next call connects again
    return base::unexpected(std::string(e.what()));
  }
}

}  // namespace stradia::projections
