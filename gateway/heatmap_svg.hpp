#pragma once
// GET /api/v1/heatmap.svg: the heatmap as a picture. One labelled row per market (name,
// a bar as long as the weighted completion score, the score in percent, the board
// status), coloured on a red → amber → green scale that a legend explains.
#include <string>
#include <vector>

#include "projections/read_model_reader.hpp"

namespace stradia::gateway {

std::string heatmap_svg(const std::string& master_strategy_id, const std::vector<projections::heatmap_cell>& cells);

}  // namespace stradia::gateway
