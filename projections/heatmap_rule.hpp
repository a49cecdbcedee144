#pragma once
// Which board tasks weigh in the heatmap (API.md §4), for every place that computes a score:
// the strategy's tasks on the board. Not a market's custom task, not an added ghost card
// nobody accepted yet, not a task that left the board. (The view read_heatmap says the same
// in SQL.)
#include <optional>
#include <string>

namespace stradia::projections {

inline bool counts_in_heatmap(bool is_custom_local_task, const std::optional<std::string>& ghost_change, bool removed) {
  return !is_custom_local_task && ghost_change != "ADDED" && !removed;
}

}  // namespace stradia::projections
