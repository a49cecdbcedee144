#include "domain/stream_ids.hpp"

#include <cstdio>

namespace stradia::domain::stream_ids {

namespace {
std::string prefixed(std::string_view prefix, std::string_view id) {
  std::string out;
  out.reserve(prefix.size() + id.size());
  out.append(prefix).append(id);
  return out;
}
}  // namespace

std::string tenant(std::string_view id) { return prefixed("tenant-", id); }
std::string user(std::string_view id) { return prefixed("user-", id); }
std::string market(std::string_view id) { return prefixed("market-", id); }
std::string strategy(std::string_view id) { return prefixed("strategy-", id); }
std::string board(std::string_view id) { return prefixed("board-", id); }
std::string task(std::string_view id) { return prefixed("task-", id); }

std::string ledger(std::string_view tenant_id, timestamp period_start) {
  const std::chrono::year_month_day ymd{std::chrono::floor<std::chrono::days>(period_start)};
  char month[16];
  std::snprintf(month, sizeof month, "-%04d-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()));
  return prefixed("ledger-", tenant_id) + month;
}

std::string vault(std::string_view market_id, target_platform platform) {
  return prefixed("vault-", market_id) + "-" + std::string(name_of(platform));
}

}  // namespace stradia::domain::stream_ids
