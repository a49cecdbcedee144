#include "gateway/heatmap_history_svg.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "gateway/svg_text.hpp"

namespace stradia::gateway {

namespace {

constexpr int top = 80, label_width = 220, row_height = 26, grid_width = 720, max_day_labels = 8;

}  // namespace

std::string heatmap_history_svg(const std::string& master_strategy_id, const std::string& bucket,
                                const std::vector<projections::analytics::heatmap_history_point>& points) {
  // Rows: boards in the order the points come (by market name); columns: the days seen.
  std::vector<std::pair<std::string, std::string>> boards;  // board id, label
  std::set<std::string> days;
  std::map<std::pair<std::string, std::string>, double> score;  // (board, day) → score
  for (const auto& p : points) {
    if (std::none_of(boards.begin(), boards.end(), [&](const auto& b) { return b.first == p.local_board_id; }))
      boards.emplace_back(p.local_board_id, p.market_name.empty() ? p.market_id : p.market_name);
    days.insert(p.day);
    score[{p.local_board_id, p.day}] = std::clamp(p.heatmap_score, 0.0, 1.0);
  }
  const std::vector<std::string> columns(days.begin(), days.end());
  const int cols = std::max<int>(1, static_cast<int>(columns.size()));
  const int cell = std::clamp(grid_width / cols, 3, 28);
  const int rows = std::max<int>(1, static_cast<int>(boards.size()));
  const int width = std::max(760, label_width + cols * cell + 40);
  const int grid_bottom = top + rows * row_height;
  const int height = grid_bottom + 120;
  std::string svg;
  char buf[640];
  const std::string period = bucket == "week" ? "week" : "day";
  svg += svg_head(width, height, "Completion history of master strategy " + master_strategy_id,
                  "Weighted completion by market and " + period,
                  "strategy " + master_strategy_id + " · each cell: the score at the end of that " + period + " (UTC)");
  if (points.empty()) {
    std::snprintf(buf, sizeof buf,
                  "<text x=\"20\" y=\"%d\" fill=\"#555555\">No market ran this strategy then.</text>\n", top + 20);
    svg += buf;
  }
  int y = top;
  for (const auto& [board, label] : boards) {
    svg += "<g class=\"market\">\n";
    std::snprintf(buf, sizeof buf, "<text x=\"20\" y=\"%d\">", y + row_height / 2 + 5);
    svg += buf + xml_escaped(label) + "</text>\n";
    for (int c = 0; c < static_cast<int>(columns.size()); ++c) {
      const auto found = score.find({board, columns[c]});
      const int x = label_width + c * cell;
      if (found == score.end()) {
        std::snprintf(buf, sizeof buf,
                      "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#f3f3f3\"><title>%s: no board "
                      "yet</title></rect>\n",
                      x, y + 2, cell, row_height - 4, columns[c].c_str());
      } else {
        const int percent = static_cast<int>(std::lround(found->second * 100));
        std::snprintf(buf, sizeof buf,
                      "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"><title>%s: %d%%</title></rect>\n",
                      x, y + 2, cell, row_height - 4, score_colour(found->second).c_str(), columns[c].c_str(), percent);
      }
      svg += buf;
    }
    svg += "</g>\n";
    y += row_height;
  }
  // Day labels under the grid: the first, the last and evenly between, at most eight.
  const int step = std::max(1, (cols + max_day_labels - 1) / max_day_labels);
  const int last = static_cast<int>(columns.size()) - 1;
  for (int c = 0; c <= last; ++c) {
    // The last day is labelled too, unless the label before it is too close.
    const bool labelled = c % step == 0 || (c == last && last - last / step * step > step / 2);
    if (!labelled) continue;
    std::snprintf(buf, sizeof buf,
                  "<text class=\"day\" x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"#555555\">%s</text>\n",
                  label_width + c * cell, grid_bottom + 16, columns[c].c_str());
    svg += buf;
  }
  svg += score_legend(label_width, grid_bottom + 50, 360);
  svg += "</svg>\n";
  return svg;
}

}  // namespace stradia::gateway
