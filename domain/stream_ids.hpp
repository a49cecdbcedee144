#pragma once
// Stream ids of DESIGN.md: one stream per aggregate instance.
#include <string>
#include <string_view>

#include "domain/clock.hpp"
#include "domain/enums.hpp"

namespace stradia::domain::stream_ids {

std::string tenant(std::string_view tenant_id);
std::string user(std::string_view user_id);
std::string market(std::string_view market_id);
std::string strategy(std::string_view master_strategy_id);
std::string board(std::string_view local_board_id);
std::string task(std::string_view local_task_id);
// ledger-<tenant>-<yyyy-mm>, the month in which the usage period starts.
std::string ledger(std::string_view tenant_id, timestamp period_start);
std::string vault(std::string_view market_id, target_platform platform);

}  // namespace stradia::domain::stream_ids
