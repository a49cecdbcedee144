#include "gateway/svg_text.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace stradia::gateway {

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

std::string score_colour(double score) {
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

std::string svg_head(int width, int height, const std::string& title, const std::string& heading,
                     const std::string& subtitle) {
  char buf[400];
  std::snprintf(buf, sizeof buf,
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                "font-family=\"sans-serif\" font-size=\"13\" role=\"img\" aria-labelledby=\"title\">\n",
                width, height, width, height);
  return buf + ("<title id=\"title\">" + xml_escaped(title) +
                "</title>\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n"
                "<text x=\"20\" y=\"30\" font-size=\"17\" font-weight=\"bold\">" +
                xml_escaped(heading) + "</text>\n<text x=\"20\" y=\"50\" fill=\"#555555\">" + xml_escaped(subtitle) +
                "</text>\n");
}

std::string score_legend(int x, int y, int width) {
  std::string svg = "<defs><linearGradient id=\"scale\" x1=\"0\" x2=\"1\" y1=\"0\" y2=\"0\">";
  char buf[640];
  for (int stop = 0; stop <= 4; ++stop) {
    std::snprintf(buf, sizeof buf, "<stop offset=\"%d%%\" stop-color=\"%s\"/>", stop * 25,
                  score_colour(stop / 4.0).c_str());
    svg += buf;
  }
  svg += "</linearGradient></defs>\n";
  std::snprintf(buf, sizeof buf,
                "<g class=\"legend\"><text x=\"20\" y=\"%d\">Legend</text>"
                "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"14\" fill=\"url(#scale)\"/>"
                "<text x=\"%d\" y=\"%d\">0%%</text><text x=\"%d\" y=\"%d\" text-anchor=\"middle\">50%%</text>"
                "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">100%%</text></g>\n",
                y + 12, x, y, width, x, y + 32, x + width / 2, y + 32, x + width, y + 32);
  return svg + buf;
}

}  // namespace stradia::gateway
