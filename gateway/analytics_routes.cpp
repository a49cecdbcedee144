// Analytics for analysts (API.md §7): heatmap history (JSON, CSV, SVG), flow, AI usage and
// ghost-card decisions over a range of UTC days, each as JSON or CSV; a LOCAL_USER sees the
// markets assigned to them only.
#include <chrono>

#include "base/clock.hpp"
#include "base/json_writer.hpp"
#include "base/uuid_text.hpp"
#include "gateway/api.hpp"
#include "gateway/heatmap_history_svg.hpp"
#include "gateway/problem.hpp"
#include "gateway/report_table.hpp"
#include "gateway/request_helpers.hpp"

namespace stradia::gateway {

namespace {

namespace analytics = projections::analytics;
using std::chrono::days;

constexpr int default_days = 30;
constexpr int max_days = 731;

report_cell number_or_null(const std::optional<double>& v) {
  if (!v) return std::monostate{};
  return *v;
}

http_response csv_answer(std::string body, const std::string& name, const analytics::day_range& range) {
  http_response response;
  response.content_type = "text/csv; charset=utf-8; header=present";
  response.body = std::move(body);
  response.headers.emplace_back("Content-Disposition", "attachment; filename=\"stradia-" + name + "-" +
                                                           analytics::day_text(range.from) + "-" +
                                                           analytics::day_text(range.to) + ".csv\"");
  return response;
}

// The members every analytics answer opens with.
void write_head(base::json_writer& json, const analytics::day_range& range, std::int64_t position) {
  json.field("from", analytics::day_text(range.from)).field("to", analytics::day_text(range.to));
  json.field("position", position);
}

}  // namespace

base::expected<api::analytics_request, http_response> api::analytics_request_of(const route_args& a) {
  const auto& target = a.request.target;
  analytics_request out;
  const auto format = query_param(target, "format");
  if (format && *format != "json" && *format != "csv")
    return base::unexpected(
        problem(problem_code::validation_failed, "format is json or csv.", {{"format", "Use json or csv."}}));
  out.csv = format ? *format == "csv" : a.request.accept.find("text/csv") != std::string::npos;
  const auto today = std::chrono::floor<days>(options_.clock());
  std::optional<std::chrono::sys_days> from, to;
  for (const char* name : {"from", "to"}) {
    const auto text = query_param(target, name);
    if (!text) continue;
    const auto day = base::parse_day(*text);
    if (!day)
      return base::unexpected(problem(problem_code::validation_failed, std::string(name) + " is a UTC date.",
                                      {{name, "Use a UTC date, YYYY-MM-DD."}}));
    (std::string_view(name) == "from" ? from : to) = day;
  }
  out.range.to = to.value_or(from ? std::max(*from, today) : today);
  out.range.from = from.value_or(out.range.to - days(default_days - 1));
  if (out.range.from > out.range.to)
    return base::unexpected(
        problem(problem_code::validation_failed, "from is after to.", {{"from", "Must not be after to."}}));
  if (out.range.to - out.range.from >= days(max_days))
    return base::unexpected(problem(problem_code::validation_failed, "The range is too long.",
                                    {{"to", "At most " + std::to_string(max_days - 1) + " days after from (" +
                                                std::to_string(max_days) + " days in all)."}}));
  const auto position = read_model_position(a.request);
  if (!position) return base::unexpected(position.error());
  out.position = *position;
  if (a.who->role == domain::roles::LOCAL_USER) out.markets = a.who->assigned_market_ids;
  return out;
}

// The heatmap history's query: the strategy, its bucket, and the points the caller may see.
base::expected<api::heatmap_history_view, http_response> api::visible_heatmap_history(const route_args& a) {
  const auto strategy_id = strategy_id_of(a.request);
  if (!strategy_id) return base::unexpected(strategy_id.error());
  const auto bucket = query_param(a.request.target, "bucket").value_or("day");
  if (bucket != "day" && bucket != "week")
    return base::unexpected(
        problem(problem_code::validation_failed, "bucket is day or week.", {{"bucket", "Use day or week."}}));
  auto request = analytics_request_of(a);
  if (!request) return base::unexpected(request.error());
  auto points =
      analytics::analytics_reader(*options_.read_models)
          .heatmap_history(a.who->tenant_id, *strategy_id, request->range,
                           bucket == "week" ? analytics::history_bucket::week : analytics::history_bucket::day,
                           std::chrono::floor<days>(options_.clock()), request->markets);
  if (!points) return base::unexpected(read_model_unreachable());
  if (!*points) return base::unexpected(problem(problem_code::not_found, "No such strategy deployed."));
  return heatmap_history_view{*strategy_id, bucket, std::move(*request), std::move(**points)};
}

http_response api::heatmap_history(const route_args& a) {
  const auto view = visible_heatmap_history(a);
  if (!view) return view.error();
  report_table table{
      {"day", "market_id", "market_name", "local_board_id", "heatmap_score", "done_weight", "total_weight"}, {}};
  for (const auto& p : view->points)
    table.rows.push_back(
        {p.day, p.market_id, p.market_name, p.local_board_id, p.heatmap_score, p.done_weight, p.total_weight});
  if (view->request.csv) return csv_answer(csv_of(table), "heatmap-history", view->request.range);
  base::json_writer json;
  json.begin_object().field("master_strategy_id", view->strategy_id).field("bucket", view->bucket);
  write_head(json, view->request.range, view->request.position);
  write_json_rows(json, table);
  return json_ok(json.end_object().take());
}

http_response api::heatmap_history_svg(const route_args& a) {
  const auto view = visible_heatmap_history(a);
  if (!view) return view.error();
  http_response response;
  response.content_type = "image/svg+xml";
  response.body = gateway::heatmap_history_svg(view->strategy_id, view->bucket, view->points);
  return response;
}

http_response api::flow(const route_args& a) {
  const auto request = analytics_request_of(a);
  if (!request) return request.error();
  const auto rows =
      analytics::analytics_reader(*options_.read_models).flow(a.who->tenant_id, request->range, request->markets);
  if (!rows) return read_model_unreachable();
  report_table table{{"market_id", "market_name", "task_type", "started", "finished", "cycle_time_median_seconds",
                      "cycle_time_p90_seconds", "blocked_seconds", "lock_expiries"},
                     {}};
  for (const auto& f : *rows)
    table.rows.push_back({f.market_id, f.market_name, f.task_type, f.started, f.finished,
                          number_or_null(f.cycle_time_median_seconds), number_or_null(f.cycle_time_p90_seconds),
                          f.blocked_seconds, f.lock_expiries});
  if (request->csv) return csv_answer(csv_of(table), "flow", request->range);
  base::json_writer json;
  json.begin_object();
  write_head(json, request->range, request->position);
  write_json_rows(json, table);
  return json_ok(json.end_object().take());
}

http_response api::ai_usage(const route_args& a) {
  const auto request = analytics_request_of(a);
  if (!request) return request.error();
  const auto rows =
      analytics::analytics_reader(*options_.read_models).ai_usage(a.who->tenant_id, request->range, request->markets);
  if (!rows) return read_model_unreachable();
  report_table table{{"month", "market_id", "market_name", "task_type", "tokens", "pre_flight_tokens",
                      "generation_tokens", "pre_flight_passed", "pre_flight_failed", "generations"},
                     {}};
  for (const auto& u : *rows)
    table.rows.push_back({u.month, u.market_id, u.market_name, u.task_type, u.tokens, u.pre_flight_tokens,
                          u.generation_tokens, u.pre_flight_passed, u.pre_flight_failed, u.generations});
  if (request->csv) return csv_answer(csv_of(table), "ai-usage", request->range);
  base::json_writer json;
  json.begin_object();
  write_head(json, request->range, request->position);
  write_json_rows(json, table);
  return json_ok(json.end_object().take());
}

// JSON: a row per market, strategy and version with its rejections nested; CSV: a line per
// rejection (the row's counts repeated), or one line with empty rejection cells.
http_response api::ghost_cards(const route_args& a) {
  const auto request = analytics_request_of(a);
  if (!request) return request.error();
  const auto rows = analytics::analytics_reader(*options_.read_models)
                        .ghost_cards(a.who->tenant_id, request->range, request->markets);
  if (!rows) return read_model_unreachable();
  if (request->csv) {
    report_table table{
        {"market_id", "market_name", "master_strategy_id", "strategy_version", "offered", "accepted", "rejected",
         "rejection_local_task_id", "rejection_title", "rejection_justification", "rejected_by", "rejected_at"},
        {}};
    for (const auto& g : *rows) {
      const std::vector<report_cell> counts{
          g.market_id, g.market_name, g.master_strategy_id, std::int64_t{g.strategy_version}, g.offered,
          g.accepted,  g.rejected};
      auto line = [&](std::vector<report_cell> rejection) {
        auto cells = counts;
        cells.insert(cells.end(), rejection.begin(), rejection.end());
        table.rows.push_back(std::move(cells));
      };
      if (g.rejections.empty()) line(std::vector<report_cell>(5, std::monostate{}));
      for (const auto& r : g.rejections)
        line({r.local_task_id, r.title, r.justification, r.rejected_by, r.rejected_at});
    }
    return csv_answer(csv_of(table), "ghost-cards", request->range);
  }
  base::json_writer json;
  json.begin_object();
  write_head(json, request->range, request->position);
  json.key("rows").begin_array();
  for (const auto& g : *rows) {
    json.begin_object().field("market_id", g.market_id).field("market_name", g.market_name);
    json.field("master_strategy_id", g.master_strategy_id).field("strategy_version", g.strategy_version);
    json.field("offered", g.offered).field("accepted", g.accepted).field("rejected", g.rejected);
    json.key("rejections").begin_array();
    for (const auto& r : g.rejections)
      json.begin_object()
          .field("local_task_id", r.local_task_id)
          .field("title", r.title)
          .field("justification", r.justification)
          .field("rejected_by", r.rejected_by)
          .field("rejected_at", r.rejected_at)
          .end_object();
    json.end_array().end_object();
  }
  json.end_array();
  return json_ok(json.end_object().take());
}

}  // namespace stradia::gateway
