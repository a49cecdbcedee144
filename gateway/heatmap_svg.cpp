#include "gateway/heatmap_svg.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace stradia::gateway {

namespace {

constexpr int width = 760, row_height = 34, top = 70, label_width = 220, bar_width = 360;

std::string xml_escaped(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // XML 1.0 forbids most control characters even when escaped.
        if (static_cast<unsigned char>(c) >= 0x20 || c == '\t' || c == '\n') out += c;
    }
  }
  return out;
}

// 0 → red, 0.5 → amber, 1 → green, interpolated in between.
std::string colour(double score) {
  struct rgb {
    double r, g, b;
  };
  constexpr rgb red{220, 53, 69}, amber{255, 193, 7}, green{40, 167, 69};
  score = std::clamp(score, 0.0, 1.0);
  const rgb& from = score < 0.5 ? red : amber;
  const rgb& to = score < 0.5 ? amber : green;
  const double t = score < 0.5 ? score * 2 : (score - 0.5) * 2;
  char hex[8];
  std::snprintf(hex, sizeof hex, "#%02x%02x%02x", static_cast<int>(std::lround(from.r + (to.r - from.r) * t)),
                static_cast<int>(std::lround(from.g + (to.g - from.g) * t)),
                static_cast<int>(std::lround(from.b + (to.b - from.b) * t)));
  return hex;
}

}  // namespace

std::string heatmap_svg(const std::string& master_strategy_id, const std::vector<projections::heatmap_cell>& cells) {
  const int rows = std::max<int>(1, static_cast<int>(cells.size()));
  const int height = top + rows * row_height + 90;
  std::string svg;
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                "font-family=\"sans-serif\" font-size=\"13\" role=\"img\" aria-labelledby=\"title\">\n",
                width, height, width, height);
  svg += buf;
  svg += "<title id=\"title\">Completion heatmap of master strategy " + xml_escaped(master_strategy_id) +
         "</title>\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n";
  svg += "<text x=\"20\" y=\"30\" font-size=\"17\" font-weight=\"bold\">Weighted completion by market</text>\n";
  svg += "<text x=\"20\" y=\"50\" fill=\"#555555\">strategy " + xml_escaped(master_strategy_id) +
         " · score = weights of DONE tasks / all weights</text>\n";
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
                  colour(score).c_str(), percent, label_width + bar_width + 10, y + 21, percent);
    svg += buf;
    std::snprintf(buf, sizeof buf, "<text x=\"%d\" y=\"%d\" fill=\"#555555\">", label_width + bar_width + 60, y + 21);
    svg += buf + xml_escaped(c.board_status) + "</text>\n</g>\n";
    y += row_height;
  }
  // Legend: the colour scale from 0% to 100%.
  const int legend_y = top + rows * row_height + 30;
  svg += "<defs><linearGradient id=\"scale\" x1=\"0\" x2=\"1\" y1=\"0\" y2=\"0\">";
  for (int stop = 0; stop <= 4; ++stop) {
    std::snprintf(buf, sizeof buf, "<stop offset=\"%d%%\" stop-color=\"%s\"/>", stop * 25, colour(stop / 4.0).c_str());
    svg += buf;
  }
  svg += "</linearGradient></defs>\n";
  std::snprintf(buf, sizeof buf,
                "<g class=\"legend\"><text x=\"20\" y=\"%d\">Legend</text>"
                "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"14\" fill=\"url(#scale)\"/>"
                "<text x=\"%d\" y=\"%d\">0%%</text><text x=\"%d\" y=\"%d\" text-anchor=\"middle\">50%%</text>"
                "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">100%%</text></g>\n",
                legend_y + 12, label_width, legend_y, bar_width, label_width, legend_y + 32,
                label_width + bar_width / 2, legend_y + 32, label_width + bar_width, legend_y + 32);
  svg += buf;
  svg += "</svg>\n";
  return svg;
}

}  // namespace stradia::gateway
