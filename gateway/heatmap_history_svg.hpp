#pragma once
// The heatmap history as a picture: a row per market (board) of the strategy, a column per
// day or week, each cell coloured by the score at the end of that day, with a legend.
#include <string>
#include <vector>

#include "projections/analytics/analytics_reader.hpp"

namespace stradia::gateway {

std::string heatmap_history_svg(const std::string& master_strategy_id, const std::string& bucket,
                                const std::vector<projections::analytics::heatmap_history_point>& points);

}  // namespace stradia::gateway
