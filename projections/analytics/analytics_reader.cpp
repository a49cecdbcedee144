#include "projections/analytics/analytics_reader.hpp"

#include <cstdio>
#include <map>
#include <pqxx/pqxx>

#include "base/clock.hpp"
#include "projections/row_table.hpp"

namespace stradia::projections::analytics {

namespace {

using std::chrono::sys_days;

// The range's ends as UTC times: [from 00:00, to + 1 day 00:00).
constexpr const char* in_range =
    " >= ($1::date)::timestamp AT TIME ZONE 'UTC' AND %s < ($2::date + 1)::timestamp AT TIME ZONE 'UTC'";

// The strategy's boards, each marked whether its market is among $2 (NULL: every market); the
// strategy exists for a user who sees none of its markets too.
constexpr const char* boards_of_strategy_sql =
    "SELECT b.local_board_id::text, b.market_id::text, coalesce(m.name, ''), "
    "  $2::uuid[] IS NULL OR b.market_id = ANY($2::uuid[]) "
    "FROM analytics_boards b LEFT JOIN read_markets m ON m.market_id = b.market_id "
    "WHERE b.master_strategy_id = $1::uuid ORDER BY 3, 1";

// Each board's days in the range, and its last day before the range (the value it starts with).
constexpr const char* heatmap_days_sql =
    "SELECT h.local_board_id, h.day, h.done_weight, h.total_weight FROM analytics_heatmap_days h "
    "WHERE h.master_strategy_id = $1::uuid AND h.day BETWEEN $2::date AND $3::date "
    "  AND ($4::uuid[] IS NULL OR h.market_id = ANY($4::uuid[])) "
    "UNION ALL "
    "SELECT b.local_board_id, last.day, last.done_weight, last.total_weight "
    "FROM analytics_boards b CROSS JOIN LATERAL (SELECT h.day, h.done_weight, h.total_weight "
    "  FROM analytics_heatmap_days h WHERE h.master_strategy_id = b.master_strategy_id "
    "   AND h.local_board_id = b.local_board_id AND h.day < $2::date ORDER BY h.day DESC LIMIT 1) last "
    "WHERE b.master_strategy_id = $1::uuid AND ($4::uuid[] IS NULL OR b.market_id = ANY($4::uuid[])) "
    "ORDER BY local_board_id, day";

constexpr const char* heatmap_as_of_sql =
    "SELECT b.market_id::text, coalesce(m.name, ''), b.local_board_id::text, c.board_status, c.done_weight, "
    "  c.total_weight "
    "FROM analytics_boards b "
    "CROSS JOIN LATERAL (SELECT c.board_status, c.done_weight, c.total_weight FROM analytics_heatmap_changes c "
    "  WHERE c.local_board_id = b.local_board_id AND c.at <= timestamptz 'epoch' + $2::bigint * interval '1 "
    "microsecond' "
    "  ORDER BY c.at DESC, c.position DESC LIMIT 1) c "
    "LEFT JOIN read_markets m ON m.market_id = b.market_id "
    "WHERE b.master_strategy_id = $1::uuid ORDER BY 2, 3";

constexpr const char* market_clause = " AND ($3::uuid[] IS NULL OR %s = ANY($3::uuid[]))";

std::string with_range(const char* column) {
  char sql[256];
  std::snprintf(sql, sizeof sql, in_range, column);
  return std::string(column) + sql;
}

std::string with_markets(const char* column) {
  char sql[128];
  std::snprintf(sql, sizeof sql, market_clause, column);
  return sql;
}

const std::string flow_sql =
    "WITH days AS (SELECT market_id, task_type, sum(started)::bigint AS started, sum(finished)::bigint AS finished, "
    "    sum(blocked_seconds) AS blocked, sum(lock_expiries)::bigint AS expiries FROM analytics_flow_days "
    "  WHERE day BETWEEN $1::date AND $2::date" +
    with_markets("market_id") +
    " GROUP BY 1, 2), "
    "cycles AS (SELECT market_id, task_type, "
    "    percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY cycle_seconds) AS p FROM analytics_cycles "
    "  WHERE " +
    with_range("finished_at") + with_markets("market_id") +
    " GROUP BY 1, 2) "
    "SELECT d.market_id::text, coalesce(m.name, ''), d.task_type, d.started, d.finished, c.p[1], c.p[2], d.blocked, "
    "  d.expiries "
    "FROM days d LEFT JOIN cycles c USING (market_id, task_type) LEFT JOIN read_markets m USING (market_id) "
    "ORDER BY 2, d.market_id, 3";

const std::string ai_usage_sql =
    "WITH months AS (SELECT date_trunc('month', day)::date AS month, market_id, task_type, "
    "    sum(pre_flight_tokens)::bigint AS pre_flight_tokens, sum(generation_tokens)::bigint AS generation_tokens, "
    "    sum(pre_flight_passed)::bigint AS passed, sum(pre_flight_failed)::bigint AS failed, "
    "    sum(generations)::bigint AS generations FROM analytics_ai_usage_days "
    "  WHERE day BETWEEN $1::date AND $2::date" +
    with_markets("market_id") +
    " GROUP BY 1, 2, 3) "
    "SELECT to_char(a.month, 'YYYY-MM'), a.market_id::text, coalesce(m.name, ''), a.task_type, a.pre_flight_tokens, "
    "  a.generation_tokens, a.passed, a.failed, a.generations "
    "FROM months a LEFT JOIN read_markets m USING (market_id) ORDER BY a.month, 3, a.market_id, 4";

const std::string ghost_counts_sql =
    "WITH counts AS (SELECT market_id, master_strategy_id, strategy_version, "
    "    count(*) FILTER (WHERE decision = 'OFFERED') AS offered, count(*) FILTER (WHERE decision = 'ACCEPTED') "
    "    AS accepted, count(*) FILTER (WHERE decision = 'REJECTED') AS rejected FROM analytics_ghost_cards "
    "  WHERE " +
    with_range("at") + with_markets("market_id") +
    " GROUP BY 1, 2, 3) "
    "SELECT g.market_id::text, coalesce(m.name, ''), g.master_strategy_id::text, g.strategy_version, g.offered, "
    "  g.accepted, g.rejected "
    "FROM counts g LEFT JOIN read_markets m USING (market_id) ORDER BY 2, g.market_id, g.master_strategy_id, 4";

const std::string ghost_rejections_sql =
    "SELECT market_id::text, master_strategy_id::text, strategy_version, local_task_id::text, title, "
    "  coalesce(justification, ''), coalesce(user_id, ''), "
    "  (extract(epoch FROM at) * 1000000)::bigint "
    "FROM analytics_ghost_cards WHERE decision = 'REJECTED' AND " +
    with_range("at") + with_markets("market_id") + " ORDER BY at, position";

std::optional<std::string> markets_param(const market_filter& markets) {
  if (!markets) return std::nullopt;
  return format_text_array(*markets);
}

double score_of(std::int64_t done, std::int64_t total) {
  return total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 0.0;
}

std::optional<double> optional_double(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return f.as<double>();
}

}  // namespace

base::expected<std::optional<std::vector<heatmap_history_point>>, std::string> analytics_reader::heatmap_history(
    const std::string& tenant_id, const std::string& master_strategy_id, day_range range, history_bucket bucket,
    sys_days today, const market_filter& markets) {
  std::optional<std::vector<heatmap_history_point>> out;
  auto ok = reads_.read_as(tenant_id, [&](pqxx::transaction_base& r) {
    const auto only = markets_param(markets);
    const auto boards = r.exec_params(boards_of_strategy_sql, master_strategy_id, only);
    if (boards.empty()) return;
    out.emplace();
    // Each board's stored days (the one before the range first), in day order.
    std::map<std::string, std::vector<std::pair<sys_days, std::pair<std::int64_t, std::int64_t>>>> stored;
    for (const auto& row :
         r.exec_params(heatmap_days_sql, master_strategy_id, day_text(range.from), day_text(range.to), only))
      stored[row[0].as<std::string>()].push_back(
          {*base::parse_day(row[1].as<std::string>()), {row[2].as<std::int64_t>(), row[3].as<std::int64_t>()}});
    const auto last = std::min(range.to, today);
    for (const auto& board : boards) {
      const auto board_id = board[0].as<std::string>();
      const auto market_id = board[1].as<std::string>();
      if (!board[3].as<bool>()) continue;
      const auto& days = stored[board_id];
      std::size_t next = 0;
      std::optional<std::pair<std::int64_t, std::int64_t>> value;
      for (auto day = range.from; day <= last; day += std::chrono::days(1)) {
        while (next < days.size() && days[next].first <= day) value = days[next++].second;
        if (!value) continue;  // the board did not exist yet
        // A week ends on Sunday (ISO 8601); the range's last day ends the last week.
        if (bucket == history_bucket::week && std::chrono::weekday(day) != std::chrono::Sunday && day != last) continue;
        out->push_back({day_text(day), market_id, board[2].as<std::string>(), board_id, value->first, value->second,
                        score_of(value->first, value->second)});
      }
    }
  });
  if (!ok) return base::unexpected(ok.error());
  return out;
}

base::expected<std::optional<std::vector<heatmap_cell>>, std::string> analytics_reader::heatmap_as_of(
    const std::string& tenant_id, const std::string& master_strategy_id, std::int64_t as_of_micros) {
  std::optional<std::vector<heatmap_cell>> out;
  auto ok = reads_.read_as(tenant_id, [&](pqxx::transaction_base& r) {
    if (r.exec_params("SELECT 1 FROM analytics_boards WHERE master_strategy_id = $1::uuid LIMIT 1", master_strategy_id)
            .empty())
      return;
    out.emplace();
    for (const auto& row : r.exec_params(heatmap_as_of_sql, master_strategy_id, as_of_micros))
      out->push_back({row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>(),
                      row[3].as<std::string>(), score_of(row[4].as<std::int64_t>(), row[5].as<std::int64_t>())});
  });
  if (!ok) return base::unexpected(ok.error());
  return out;
}

base::expected<std::vector<flow_row>, std::string> analytics_reader::flow(const std::string& tenant_id, day_range range,
                                                                          const market_filter& markets) {
  std::vector<flow_row> out;
  auto ok = reads_.read_as(tenant_id, [&](pqxx::transaction_base& r) {
    for (const auto& row : r.exec_params(flow_sql, day_text(range.from), day_text(range.to), markets_param(markets))) {
      flow_row f;
      f.market_id = row[0].as<std::string>();
      f.market_name = row[1].as<std::string>();
      f.task_type = row[2].as<std::string>();
      f.started = row[3].as<std::int64_t>();
      f.finished = row[4].as<std::int64_t>();
      f.cycle_time_median_seconds = optional_double(row[5]);
      f.cycle_time_p90_seconds = optional_double(row[6]);
      f.blocked_seconds = row[7].as<double>();
      f.lock_expiries = row[8].as<std::int64_t>();
      out.push_back(std::move(f));
    }
  });
  if (!ok) return base::unexpected(ok.error());
  return out;
}

base::expected<std::vector<ai_usage_row>, std::string> analytics_reader::ai_usage(const std::string& tenant_id,
                                                                                  day_range range,
                                                                                  const market_filter& markets) {
  std::vector<ai_usage_row> out;
  auto ok = reads_.read_as(tenant_id, [&](pqxx::transaction_base& r) {
    for (const auto& row :
         r.exec_params(ai_usage_sql, day_text(range.from), day_text(range.to), markets_param(markets))) {
      ai_usage_row a;
      a.month = row[0].as<std::string>();
      a.market_id = row[1].as<std::string>();
      a.market_name = row[2].as<std::string>();
      a.task_type = row[3].as<std::string>();
      a.pre_flight_tokens = row[4].as<std::int64_t>();
      a.generation_tokens = row[5].as<std::int64_t>();
      a.tokens = a.pre_flight_tokens + a.generation_tokens;
      a.pre_flight_passed = row[6].as<std::int64_t>();
      a.pre_flight_failed = row[7].as<std::int64_t>();
      a.generations = row[8].as<std::int64_t>();
      out.push_back(std::move(a));
    }
  });
  if (!ok) return base::unexpected(ok.error());
  return out;
}

base::expected<std::vector<ghost_card_row>, std::string> analytics_reader::ghost_cards(const std::string& tenant_id,
                                                                                       day_range range,
                                                                                       const market_filter& markets) {
  std::vector<ghost_card_row> out;
  auto ok = reads_.read_as(tenant_id, [&](pqxx::transaction_base& r) {
    const auto from = day_text(range.from), to = day_text(range.to);
    const auto only = markets_param(markets);
    std::map<std::tuple<std::string, std::string, std::int32_t>, std::size_t> index;
    for (const auto& row : r.exec_params(ghost_counts_sql, from, to, only)) {
      ghost_card_row g;
      g.market_id = row[0].as<std::string>();
      g.market_name = row[1].as<std::string>();
      g.master_strategy_id = row[2].as<std::string>();
      g.strategy_version = row[3].as<std::int32_t>();
      g.offered = row[4].as<std::int64_t>();
      g.accepted = row[5].as<std::int64_t>();
      g.rejected = row[6].as<std::int64_t>();
      index[{g.market_id, g.master_strategy_id, g.strategy_version}] = out.size();
      out.push_back(std::move(g));
    }
    for (const auto& row : r.exec_params(ghost_rejections_sql, from, to, only)) {
      const auto at = index.find({row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::int32_t>()});
      if (at == index.end()) continue;
      out[at->second].rejections.push_back({row[3].as<std::string>(), row[4].as<std::string>(),
                                            row[5].as<std::string>(), row[6].as<std::string>(),
                                            rfc3339(row[7].as<std::int64_t>())});
    }
  });
  if (!ok) return base::unexpected(ok.error());
  return out;
}

}  // namespace stradia::projections::analytics
