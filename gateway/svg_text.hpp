#pragma once
// Pieces both heatmap pictures share: text made safe for SVG (XML), and the colour scale.
#include <string>

namespace stradia::gateway {

std::string xml_escaped(const std::string& text);
// 0 → red, 0.5 → amber, 1 → green, interpolated in between ("#rrggbb").
std::string score_colour(double score);
// An SVG document's opening: the element of `width` × `height`, its accessible title, a white
// page, a bold heading and a grey line under it (text escaped here).
std::string svg_head(int width, int height, const std::string& title, const std::string& heading,
                     const std::string& subtitle);
// The colour scale from 0% to 100% as a labelled bar at (x, y), `width` wide.
std::string score_legend(int x, int y, int width);

}  // namespace stradia::gateway
