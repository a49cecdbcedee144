#include "gateway/heatmap_svg.hpp"

#include "gateway/svg_text.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace stradia::gateway {

namespace {

constexpr int width = 760, row_height = 34, top = 70, label_width = 220, bar_width = 360;

}  // namespace

std::string heatmap_svg(const std::string& master_strategy_id, const std::vector<projections::heatmap_cell>& cells) {
  const int rows = std::max<int>(1, static_cast<int>(cells.size()));
  const int height = top + rows * row_height + 90;
  std::string svg;
  char buf[512];
  svg += svg_head(width, height, "Completion heatmap of master strategy " + master_strategy_id,
                  "Weighted completion by market",
                  "strategy " + master_strategy_id + " · score = weights of DONE tasks / all weights");
  if (cells.empty()) {
    std::snprintf(buf, sizeof buf, "<text x=\"20\" y=\"%d\" fill=\"#555555\">No market runs this strategy.</text>\n",
                  top + 20);
    svg += buf;
  }
  int y = top;
  for (const auto& c : cells) {
    const double score = std::clamp(c.score, 0.0, 1.0);
    const int percent = static_cast<int>(std::lround(score * 100));
    svg += "<g class=\"market\">\n";
    std::snprintf(buf, sizeof buf, "<text x=\"20\" y=\"%d\">", y + 21);
    svg += buf + xml_escaped(c.market_name.empty() ? c.market_id : c.market_name) + "</text>\n";
    std::snprintf(buf, sizeof buf,
                  "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"24\" fill=\"#eeeeee\"/>\n"
                  "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"24\" fill=\"%s\"><title>%d%%</title></rect>\n"
                  "<text x=\"%d\" y=\"%d\">%d%%</text>\n",
                  label_width, y + 4, bar_width, label_width, y + 4, static_cast<int>(std::lround(score * bar_width)),
                  score_colour(score).c_str(), percent, label_width + bar_width + 10, y + 21, percent);
    svg += buf;
    std::snprintf(buf, sizeof buf, "<text x=\"%d\" y=\"%d\" fill=\"#555555\">", label_width + bar_width + 60, y + 21);
    svg += buf + xml_escaped(c.board_status) + "</text>\n</g>\n";
    y += row_height;
  }
  svg += score_legend(label_width, top + rows * row_height + 30, bar_width);
  svg += "</svg>\n";
  return svg;
}

}  // namespace stradia::gateway
