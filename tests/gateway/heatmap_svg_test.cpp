// The heatmap picture: well-formed XML whatever the market names, every market labelled
// with its score, a legend, and bars as long as the scores.
#include "gateway/heatmap_svg.hpp"
#include "gateway/heatmap_history_svg.hpp"
#include "gateway/report_table.hpp"

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

TEST(HeatmapHistorySvg, DrawsAMarketPerRowAndADayPerColumn) {
  const std::vector<projections::analytics::heatmap_history_point> points{
      {"2026-03-02", "m1", "Spain & <Retail>", "b1", 1, 4, 0.25},
      {"2026-03-03", "m1", "Spain & <Retail>", "b1", 4, 4, 1.0},
      {"2026-03-03", "m2", "", "b2", 0, 2, 0.0},
  };
  const auto svg = heatmap_history_svg("strategy-1", "day", points);
  EXPECT_EQ(testing::xml_problem(svg), "") << svg;
  EXPECT_NE(svg.find(">Spain &amp; &lt;Retail&gt;</text>"), std::string::npos) << svg;
  EXPECT_NE(svg.find(">m2</text>"), std::string::npos) << "a market with no name shows its id";
  EXPECT_NE(svg.find("<title>2026-03-02: 25%</title>"), std::string::npos) << svg;
  EXPECT_NE(svg.find("fill=\"#28a745\"><title>2026-03-03: 100%</title>"), std::string::npos) << svg;
  EXPECT_NE(svg.find("<title>2026-03-02: no board yet</title>"), std::string::npos) << "m2 began on day 2";
  EXPECT_NE(svg.find(">2026-03-02</text>"), std::string::npos) << "the first day is labelled";
  EXPECT_NE(svg.find("Legend"), std::string::npos);
  EXPECT_EQ(testing::xml_problem(heatmap_history_svg("s", "week", {})), "");
}

TEST(ReportTable, CsvQuotesWhatNeedsItAndDefusesFormulas) {
  const report_table table{{"name", "count", "score", "note"},
                           {{std::string("Spain, \"Retail\""), std::int64_t{3}, 0.25, std::monostate{}},
                            {std::string("=HYPERLINK(\"x\")"), std::int64_t{-1}, 1.0, std::string("two\nlines")},
                            {std::string("plain"), std::int64_t{0}, 1.0 / 3.0, std::string("")}}};
  EXPECT_EQ(csv_of(table),
            "name,count,score,note\r\n"
            "\"Spain, \"\"Retail\"\"\",3,0.25,\r\n"
            "\"'=HYPERLINK(\"\"x\"\")\",-1,1,\"two\nlines\"\r\n"
            "plain,0,0.3333333333333333,\r\n");
  base::json_writer json;
  json.begin_object();
  write_json_rows(json, table);
  EXPECT_EQ(json.end_object().take(), R"j({"rows":[{"name":"Spain, \"Retail\"","count":3,"score":0.25,"note":null},)j"
                                      R"j({"name":"=HYPERLINK(\"x\")","count":-1,"score":1,"note":"two\nlines"},)j"
                                      R"j({"name":"plain","count":0,"score":0.3333333333333333,"note":""}]})j");
}

}  // namespace
}  // namespace stradia::gateway
