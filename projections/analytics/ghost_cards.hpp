#pragma once
// Ghost cards: every offer, accept and reject of a ghost card, with the strategy version it
// belongs to and a rejection's justification (analytics_ghost_cards).
#include <cstdint>
#include <optional>
#include <string>

#include "projections/analytics/analytics_subject.hpp"
#include "projections/row_table.hpp"

namespace stradia::projections::analytics {

struct ghost_decision {
  std::string local_task_id, title;
  std::int32_t strategy_version = 0;
  std::string decision;      // OFFERED, ACCEPTED, REJECTED
  std::string ghost_change;  // ADDED, CHANGED, REMOVED
  std::optional<std::string> user_id, justification;
};

class ghost_cards {
 public:
  ghost_cards();
  void record(const task_subject& task, const ghost_decision& d, std::int64_t micros, std::int64_t position);
  void flush(pqxx::transaction_base& t, write_mode mode) { rows_.flush(t, mode); }
  // A rebuild: the decisions go to Postgres as they come (append-only).
  void stream_into(pqxx::transaction_base& t, rebuild_stream& to) { rows_.stream_into(t, to); }
  void discard() { rows_.discard(); }

 private:
  row_table rows_;
};

}  // namespace stradia::projections::analytics
