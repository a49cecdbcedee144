// The heatmap picture: well-formed XML whatever the market names, every market labelled
// with its score, a legend, and bars as long as the scores.
#include "gateway/heatmap_svg.hpp"

#include <gtest/gtest.h>

#include "e2e/xml_check.hpp"
#include "gateway/request_metrics.hpp"

namespace stradia::gateway {
namespace {

TEST(HeatmapSvg, IsWellFormedAndLabelsEveryMarket) {
  const std::vector<projections::heatmap_cell> cells{
      {"m1", "Spain - Retail", "b1", "ACTIVE", 1.0 / 6.0},
      {"m2", "Bars & <Cafés> \"Nord\"", "b2", "PAUSED", 1.0},
      {"m3", "", "b3", "ACTIVE", 0.0},
  };
  const auto svg = heatmap_svg("strategy-1", cells);
  EXPECT_EQ(testing::xml_problem(svg), "") << svg;
  EXPECT_NE(svg.find(">Spain - Retail</text>"), std::string::npos);
  EXPECT_NE(svg.find(">Bars &amp; &lt;Cafés&gt; &quot;Nord&quot;</text>"), std::string::npos) << svg;
  EXPECT_NE(svg.find(">m3</text>"), std::string::npos) << "a market with no name shows its id";
  EXPECT_NE(svg.find(">17%</text>"), std::string::npos);
  EXPECT_NE(svg.find(">100%</text>"), std::string::npos);
  EXPECT_NE(svg.find(">PAUSED</text>"), std::string::npos);
  EXPECT_NE(svg.find("Legend"), std::string::npos);
  EXPECT_NE(svg.find("width=\"360\" height=\"24\" fill=\"#28a745\""), std::string::npos) << "a full green bar";
  EXPECT_NE(svg.find("width=\"60\" height=\"24\""), std::string::npos) << "a sixth of the bar";
}

TEST(HeatmapSvg, SaysSoWhenNoMarketRunsTheStrategy) {
  const auto svg = heatmap_svg("strategy-1", {});
  EXPECT_EQ(testing::xml_problem(svg), "");
  EXPECT_NE(svg.find("No market runs this strategy."), std::string::npos);
}

TEST(XmlCheck, CatchesWhatIsNotWellFormed) {
  EXPECT_NE(testing::xml_problem("<svg><g></svg>"), "");
  EXPECT_NE(testing::xml_problem("<svg>A & B</svg>"), "");
  EXPECT_NE(testing::xml_problem("<svg x=1></svg>"), "");
  EXPECT_NE(testing::xml_problem("<a/><b/>"), "");
  EXPECT_EQ(testing::xml_problem("<svg><text x=\"1\">A &amp; B</text></svg>"), "");
}

TEST(RequestMetrics, CountsByRouteAndStatusClassInPrometheusText) {
  request_metrics m;
  m.record("command", 200, std::chrono::microseconds(300));
  m.record("command", 409, std::chrono::milliseconds(3));
  m.record("query", 504, std::chrono::seconds(5));
  std::string text;
  m.write(text);
  EXPECT_NE(text.find("stradia_http_requests_total{route=\"command\",code=\"2xx\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("stradia_http_requests_total{route=\"command\",code=\"4xx\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("stradia_http_requests_total{route=\"query\",code=\"5xx\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("stradia_http_request_duration_seconds_bucket{le=\"0.0005\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("stradia_http_request_duration_seconds_bucket{le=\"0.005\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("stradia_http_request_duration_seconds_bucket{le=\"1\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("stradia_http_request_duration_seconds_count 3\n"), std::string::npos);
}

}  // namespace
}  // namespace stradia::gateway
