// End to end over HTTP: the read side (the log for auditors, streams, boards, markets, tasks, usage, heatmap).
#include "gateway_fixture.hpp"

#include <algorithm>
#include <set>

namespace stradia::testing {
namespace {

TEST_F(Gateway, AuditorsReadTheirTenantsLogAsNdjson) {
  const auto auditor = token("auditor@acme.com");
  auto r = http_call(server_->port(), "GET", "/api/v1/events?after=0&limit=1000", "",
                     {{"Authorization", "Bearer " + auditor}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["content-type"], "application/x-ndjson");
  std::size_t lines = 0;
  std::int64_t last = 0;
  for (std::size_t at = 0; at < r.body.size();) {
    const auto end = r.body.find('\n', at);
    const auto line = r.body.substr(at, end - at);
    EXPECT_NE(line.find("\"tenant_id\":\"" + acme + "\""), std::string::npos) << line;
    EXPECT_EQ(line.find("argon2id"), std::string::npos) << "a password hash leaked: " << line;
    const auto position = std::stoll(line.substr(line.find("\"global_position\":") + 18));
    EXPECT_GT(position, last);
    last = position;
    ++lines;
    at = end + 1;
  }
  EXPECT_GT(lines, 20u);
  auto typed = http_call(server_->port(), "GET", "/api/v1/events?type=TaskNoteAdded", "",
                         {{"Authorization", "Bearer " + auditor}});
  EXPECT_NE(typed.body.find("Client provided the production Measurement ID over Slack."), std::string::npos);
  EXPECT_EQ(typed.body.find("MarketCreated"), std::string::npos);
  auto local =
      http_call(server_->port(), "GET", "/api/v1/events", "", {{"Authorization", "Bearer " + token("spain@acme.com")}});
  EXPECT_EQ(local.status, 403);
  auto bad = http_call(server_->port(), "GET", "/api/v1/events?after=x", "", {{"Authorization", "Bearer " + auditor}});
  EXPECT_EQ(bad.status, 422);
}

TEST_F(Gateway, AStreamReadsAsOfAVersion) {
  const auto admin = token("admin@acme.com");
  const auto path = "/api/v1/streams/task-" + consent_task_;
  auto all = http_call(server_->port(), "GET", path, "", {{"Authorization", "Bearer " + admin}});
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_NE(all.body.find("PreFlightScanCompleted"), std::string::npos);
  EXPECT_NE(all.body.find(R"("state":{"id":")" + consent_task_ + R"(","local_board_id")"), std::string::npos)
      << all.body;
  EXPECT_NE(all.body.find(R"("status":"IN_PROGRESS")"), std::string::npos);
  EXPECT_NE(all.body.find(R"("pre_flight_scan_status":"PASSED","gemini_token_cost":450)"), std::string::npos);
  EXPECT_NE(all.body.find("Client provided the production Measurement ID over Slack."), std::string::npos);
  auto first = http_call(server_->port(), "GET", path + "?as_of_version=1", "", {{"Authorization", "Bearer " + admin}});
  ASSERT_EQ(first.status, 200);
  EXPECT_NE(first.body.find("\"version\":1"), std::string::npos);
  EXPECT_EQ(first.body.find("PreFlightScanCompleted"), std::string::npos);
  EXPECT_NE(first.body.find(R"("status":"TODO")"), std::string::npos) << first.body;
  EXPECT_NE(first.body.find(R"("pre_flight_scan_status":"PENDING")"), std::string::npos);
  auto past = http_call(server_->port(), "GET", path + "?as_of=2000-01-01T00:00:00Z", "",
                        {{"Authorization", "Bearer " + admin}});
  EXPECT_EQ(past.status, 404);
  auto globex = http_call(server_->port(), "GET", path, "", {{"Authorization", "Bearer " + token("admin@globex.com")}});
  EXPECT_EQ(globex.status, 404);
}

TEST_F(Gateway, ABoardReadsItsOwnWritesFromTheReadModel) {
  const auto spain = token("spain@acme.com");
  const auto path = "/api/v1/boards/" + spain_board_;
  auto seeded = http_call(server_->port(), "GET", path, "", {{"Authorization", "Bearer " + spain}});
  ASSERT_EQ(seeded.status, 200) << seeded.body;
  EXPECT_NE(seeded.body.find(R"("heatmap_score":0,)"), std::string::npos) << seeded.body;
  EXPECT_NE(seeded.body.find(R"("title":"Deploy Consent Mode")"), std::string::npos);
  EXPECT_NE(seeded.body.find(R"("pre_flight_scan_status":"PASSED","gemini_token_cost":450)"), std::string::npos);
  EXPECT_NE(seeded.body.find(R"("status":"IN_PROGRESS")"), std::string::npos);
  const auto spain_id = gateway::jwt_codec(secret).verify(spain, 0)->sub;
  EXPECT_NE(seeded.body.find(R"("locked_by":")" + spain_id + "\""), std::string::npos) << seeded.body;
  // A LOCAL_USER may not list users, yet sees who holds a lock.
  EXPECT_NE(seeded.body.find(R"("locked_by_email":"spain@acme.com")"), std::string::npos) << seeded.body;

  auto moved = command("MoveTask", move(review_task_, "TODO", "DONE"), spain);
  ASSERT_EQ(moved.status, 200);
  const auto position = moved.body.substr(moved.body.find("\"global_position\":") + 18);
  auto after = http_call(server_->port(), "GET", path + "?min_position=" + std::to_string(std::stoll(position)), "",
                         {{"Authorization", "Bearer " + spain}});
  ASSERT_EQ(after.status, 200);
  EXPECT_NE(after.body.find(R"("status":"DONE")"), std::string::npos) << after.body;
  EXPECT_NE(after.body.find(R"("heatmap_score":0.16666666666666666)"), std::string::npos) << "weight 1 of 1 + 5";

  EXPECT_EQ(
      http_call(server_->port(), "GET", path, "", {{"Authorization", "Bearer " + token("france@acme.com")}}).status,
      404);
  EXPECT_EQ(
      http_call(server_->port(), "GET", path, "", {{"Authorization", "Bearer " + token("admin@globex.com")}}).status,
      404);
  auto ahead =
      http_call(server_->port(), "GET", path + "?min_position=999999999", "", {{"Authorization", "Bearer " + spain}});
  EXPECT_EQ(ahead.status, 504);
}

TEST_F(Gateway, MarketsAndTheirBoardsAreListedWithinTheSandbox) {
  const auto head = std::to_string(*store_->head_position());
  auto admin = get("/api/v1/markets?min_position=" + head, "admin@acme.com");
  ASSERT_EQ(admin.status, 200) << admin.body;
  EXPECT_NE(admin.body.find(R"("name":"France - Retail")"), std::string::npos);
  EXPECT_NE(admin.body.find(R"("name":"Spain - Retail","region_code":"ES","timezone":"Europe/Madrid")"),
            std::string::npos);
  EXPECT_EQ(admin.body.find("Germany"), std::string::npos) << "another tenant's market";
  auto spain = get("/api/v1/markets", "spain@acme.com");
  EXPECT_NE(spain.body.find("Spain - Retail"), std::string::npos);
  EXPECT_EQ(spain.body.find("France - Retail"), std::string::npos) << "an unassigned market";
  EXPECT_NE(get("/api/v1/markets", "admin@globex.com").body.find("Germany - Retail"), std::string::npos);

  const auto spain_market = json_string_field(spain.body, "id");
  auto boards = get("/api/v1/boards?market_id=" + spain_market, "spain@acme.com");
  ASSERT_EQ(boards.status, 200);
  EXPECT_NE(boards.body.find(R"("id":")" + spain_board_ + "\""), std::string::npos) << boards.body;
  EXPECT_EQ(get("/api/v1/boards?market_id=" + spain_market, "france@acme.com").status, 404);
  EXPECT_EQ(get("/api/v1/boards", "admin@acme.com").status, 422);
}

TEST_F(Gateway, TheDirectoryListsUsersAPageAtATimeAndEachCallerSeesThemself) {
  auto emails_of = [](const std::string& body) {
    std::vector<std::string> out;
    for (auto at = body.find(R"("email":")"); at != std::string::npos; at = body.find(R"("email":")", at + 1))
      out.push_back(body.substr(at + 9, body.find('"', at + 9) - at - 9));
    return out;
  };
  const auto head = std::to_string(*store_->head_position());
  auto me = get("/api/v1/me?min_position=" + head, "spain@acme.com");
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_NE(me.body.find(R"("tenant_id":")" + acme + "\""), std::string::npos) << me.body;
  EXPECT_NE(me.body.find(R"("email":"spain@acme.com","role":"LOCAL_USER","is_active":true)"), std::string::npos)
      << me.body;
  const auto spain_market = json_string_field(get("/api/v1/markets", "spain@acme.com").body, "id");
  EXPECT_NE(me.body.find(R"("assigned_market_ids":[")" + spain_market + "\"]"), std::string::npos) << me.body;
  EXPECT_EQ(me.body.find("password"), std::string::npos) << "no hash ever leaves";

  // Every page of two, followed by its cursor, lists each Acme user once, by email.
  std::vector<std::string> listed;
  std::string cursor;
  for (int pages = 0; pages < 20; ++pages) {
    auto page = get("/api/v1/users?limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor), "admin@acme.com");
    ASSERT_EQ(page.status, 200) << page.body;
    const auto emails = emails_of(page.body);
    EXPECT_LE(emails.size(), 2u);
    listed.insert(listed.end(), emails.begin(), emails.end());
    cursor = json_string_field(page.body, "next_cursor");
    if (cursor.empty()) {
      EXPECT_NE(page.body.find(R"("next_cursor":null)"), std::string::npos) << page.body;
      break;
    }
  }
  EXPECT_TRUE(std::is_sorted(listed.begin(), listed.end()));
  EXPECT_EQ(std::set<std::string>(listed.begin(), listed.end()).size(), listed.size()) << "a user listed twice";
  for (const char* email : {"admin@acme.com", "spain@acme.com", "france@acme.com", "supervisor@acme.com"})
    EXPECT_NE(std::find(listed.begin(), listed.end(), email), listed.end()) << email;
  for (const auto& email : listed) EXPECT_EQ(email.find("globex"), std::string::npos) << "another tenant's user";
  const auto globex = emails_of(get("/api/v1/users", "admin@globex.com").body);
  ASSERT_FALSE(globex.empty());
  for (const auto& email : globex) EXPECT_NE(email.find("globex"), std::string::npos) << email;

  EXPECT_EQ(get("/api/v1/users", "supervisor@acme.com").status, 200);
  EXPECT_EQ(get("/api/v1/users", "spain@acme.com").status, 403);
  EXPECT_EQ(get("/api/v1/users", "auditor@acme.com").status, 403);
  EXPECT_EQ(get("/api/v1/users?limit=0", "admin@acme.com").status, 422);
  EXPECT_EQ(get("/api/v1/users?limit=abc", "admin@acme.com").status, 422);
  EXPECT_EQ(http_call(server_->port(), "GET", "/api/v1/me").status, 401);
}

TEST_F(Gateway, TheTenantsPlanUseAndPoliciesAreReadable) {
  const auto admin = token("admin@acme.com");
  // Two policies, one of them switched off, and a plan lowered: each shows once applied.
  std::vector<std::string> ids;
  for (const char* text : {"Never send PII to GA4.", "No tracking of minors."}) {
    auto made =
        command("CreateGovernancePolicy", std::string(R"({"policy_text":")") + text + R"(","platform":"GA4"})", admin);
    ASSERT_EQ(made.status, 200) << made.body;
    ids.push_back(json_string_field(made.body, "policy_id"));
  }
  ASSERT_EQ(command("DeactivateGovernancePolicy", R"({"policy_id":")" + ids[1] + "\"}", admin).status, 200);
  auto lowered = command("UpdateTenantPlan", R"({"user_seat_limit":20})", admin);
  ASSERT_EQ(lowered.status, 200) << lowered.body;
  const auto head = std::to_string(*store_->head_position());

  auto tenant = get("/api/v1/tenant?min_position=" + head, "spain@acme.com");
  ASSERT_EQ(tenant.status, 200) << tenant.body;
  EXPECT_NE(tenant.body.find(R"("id":")" + acme + "\""), std::string::npos) << tenant.body;
  EXPECT_NE(tenant.body.find(R"("user_seat_limit":20,)"), std::string::npos) << tenant.body;
  // The playground's Acme: five users hold seats, France and Spain hold market slots.
  EXPECT_NE(tenant.body.find(R"("seats_in_use":5)"), std::string::npos) << tenant.body;
  EXPECT_NE(tenant.body.find(R"("active_markets_in_use":2)"), std::string::npos) << tenant.body;
  EXPECT_EQ(tenant.body.find("stripe"), std::string::npos) << "billing's ids stay with billing";
  const auto globex = get("/api/v1/tenant", "admin@globex.com");
  ASSERT_EQ(globex.status, 200) << "another tenant reads its own, not an error";
  EXPECT_EQ(globex.body.find(acme), std::string::npos);

  auto first = get("/api/v1/policies?limit=1&min_position=" + head, "spain@acme.com");
  ASSERT_EQ(first.status, 200) << first.body;
  const auto cursor = json_string_field(first.body, "next_cursor");
  ASSERT_FALSE(cursor.empty()) << first.body;
  std::string all = first.body;
  for (std::string next = cursor; !next.empty();) {
    auto page = get("/api/v1/policies?limit=1&cursor=" + next, "spain@acme.com");
    ASSERT_EQ(page.status, 200) << page.body;
    all += page.body;
    next = json_string_field(page.body, "next_cursor");
  }
  EXPECT_NE(
      all.find(R"("id":")" + ids[0] + R"(","policy_text":"Never send PII to GA4.","platform":"GA4","is_active":true)"),
      std::string::npos)
      << all;
  EXPECT_NE(
      all.find(R"("id":")" + ids[1] + R"(","policy_text":"No tracking of minors.","platform":"GA4","is_active":false)"),
      std::string::npos)
      << all;
  const auto globex_policies = get("/api/v1/policies", "admin@globex.com");
  ASSERT_EQ(globex_policies.status, 200) << globex_policies.body;
  EXPECT_EQ(globex_policies.body.find(ids[0]), std::string::npos) << "another tenant's";
  EXPECT_EQ(get("/api/v1/policies?cursor=x", "admin@acme.com").status, 422);
}

TEST_F(Gateway, StrategiesListTheirTasksAndMarketsWithinTheSandbox) {
  const auto head = std::to_string(*store_->head_position());
  auto all = get("/api/v1/strategies?min_position=" + head, "admin@acme.com");
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_NE(all.body.find(R"("title":"Data Layer Baseline 2026")"), std::string::npos) << all.body;
  EXPECT_NE(all.body.find(R"("is_published":true)"), std::string::npos) << all.body;
  EXPECT_EQ(all.body.find(R"("system_prompt")"), std::string::npos) << "the hidden prompt never leaves";
  const auto strategy_id = json_string_field(all.body, "id");
  ASSERT_FALSE(strategy_id.empty());
  // The list's strategy is what the heatmap needs.
  EXPECT_EQ(get("/api/v1/heatmap?strategy_id=" + strategy_id, "admin@acme.com").status, 200);

  auto one = get("/api/v1/strategies/" + strategy_id, "admin@acme.com");
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_NE(one.body.find(R"("global_tasks":[{"id":")"), std::string::npos) << one.body;
  EXPECT_NE(one.body.find(R"("has_system_prompt":)"), std::string::npos) << one.body;
  const auto spain_market = json_string_field(get("/api/v1/markets", "spain@acme.com").body, "id");
  EXPECT_NE(one.body.find(spain_market), std::string::npos) << "deployed to Spain";

  // Spain's user sees the strategy with Spain only; another tenant does not see it.
  auto spain = get("/api/v1/strategies/" + strategy_id, "spain@acme.com");
  ASSERT_EQ(spain.status, 200) << spain.body;
  EXPECT_NE(spain.body.find(R"("deployed_market_ids":[")" + spain_market + "\"]"), std::string::npos) << spain.body;
  EXPECT_EQ(get("/api/v1/strategies/" + strategy_id, "admin@globex.com").status, 404);
  EXPECT_EQ(get("/api/v1/strategies/not-a-uuid", "admin@acme.com").status, 404);
  EXPECT_EQ(get("/api/v1/strategies?limit=1001", "admin@acme.com").status, 422);
}

TEST_F(Gateway, ATaskComesWithItsTimeline) {
  auto r = http_call(server_->port(), "GET", "/api/v1/tasks/" + consent_task_, "",
                     {{"Authorization", "Bearer " + token("spain@acme.com")}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("Client provided the production Measurement ID over Slack."), std::string::npos);
  EXPECT_NE(r.body.find("[SYSTEM AUTO-SAVE: Version Collision Detected at "), std::string::npos);
  EXPECT_NE(r.body.find(R"("user_id":"system")"), std::string::npos);
  EXPECT_EQ(http_call(server_->port(), "GET", "/api/v1/tasks/" + consent_task_, "",
                      {{"Authorization", "Bearer " + token("france@acme.com")}})
                .status,
            404);
  EXPECT_EQ(http_call(server_->port(), "GET", "/api/v1/tasks/" + consent_task_, "",
                      {{"Authorization", "Bearer " + token("admin@globex.com")}})
                .status,
            404);
}

TEST_F(Gateway, UsageShowsTheQuotaAndTheOverdraftState) {
  auto r = http_call(server_->port(), "GET", "/api/v1/usage", "",
                     {{"Authorization", "Bearer " + token("auditor@acme.com")}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(
      r.body.find(R"("ai_token_quota":100000,"ai_tokens_used":99500,"overdraft_limit":105000,"overdraft_state":"ok")"),
      std::string::npos)
      << r.body;
  auto globex = http_call(server_->port(), "GET", "/api/v1/usage", "",
                          {{"Authorization", "Bearer " + token("admin@globex.com")}});
  EXPECT_NE(globex.body.find(R"("ai_token_quota":50000,"ai_tokens_used":0)"), std::string::npos) << globex.body;
}

TEST_F(Gateway, TheHeatmapScoresEachMarketByTheWeightsOfItsDoneTasks) {
  const auto admin = token("admin@acme.com");
  const auto strategy = acme_strategy();
  const auto position = review_moved_to_done();
  ASSERT_GT(position, 0);
  auto r = http_call(server_->port(), "GET",
                     "/api/v1/heatmap?strategy_id=" + strategy + "&min_position=" + std::to_string(position), "",
                     {{"Authorization", "Bearer " + admin}});
  ASSERT_EQ(r.status, 200) << r.body;
  // By hand: Spain has "Review Privacy Law" (weight 1) DONE of 1 + 5; France has nothing done.
  EXPECT_NE(r.body.find(R"("market_name":"France - Retail")"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find(R"("board_status":"PENDING","heatmap_score":0})"), std::string::npos)
      << "France: deployed, nothing started" << r.body;
  EXPECT_NE(r.body.find(R"("heatmap_score":0.16666666666666666)"), std::string::npos) << r.body;
}

TEST_F(Gateway, TheHeatmapPictureIsValidSvgWithEveryMarketLabelled) {
  const auto strategy = acme_strategy();
  const auto position = review_moved_to_done();
  ASSERT_GT(position, 0);
  auto r = http_call(server_->port(), "GET",
                     "/api/v1/heatmap.svg?strategy_id=" + strategy + "&min_position=" + std::to_string(position), "",
                     {{"Authorization", "Bearer " + token("admin@acme.com")}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.headers["content-type"], "image/svg+xml");
  EXPECT_EQ(xml_problem(r.body), "") << r.body;
  EXPECT_NE(r.body.find("<svg xmlns=\"http://www.w3.org/2000/svg\""), std::string::npos);
  // Spain: weight 1 DONE of 1 + 5 is 17%; France: 0%.
  EXPECT_NE(r.body.find(">Spain - Retail</text>"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find(">17%</text>"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find(">France - Retail</text>"), std::string::npos);
  EXPECT_NE(r.body.find(">0%</text>"), std::string::npos);
  EXPECT_NE(r.body.find("Legend"), std::string::npos);
  auto spain = http_call(server_->port(), "GET", "/api/v1/heatmap.svg?strategy_id=" + strategy, "",
                         {{"Authorization", "Bearer " + token("spain@acme.com")}});
  EXPECT_EQ(spain.body.find("France - Retail"), std::string::npos) << "a market the LOCAL_USER is not assigned to";
  EXPECT_EQ(http_call(server_->port(), "GET", "/api/v1/heatmap.svg").status, 401);
}

TEST_F(Gateway, ATasksTimelineReadsItsOwnWrite) {
  const auto spain = token("spain@acme.com");
  auto noted =
      command("AddTaskNote", R"({"local_task_id":")" + review_task_ + R"(","content":"Read me back."})", spain);
  ASSERT_EQ(noted.status, 200) << noted.body;
  const auto position = noted.body.substr(noted.body.find("\"global_position\":") + 18);
  auto r = http_call(server_->port(), "GET",
                     "/api/v1/tasks/" + review_task_ + "?min_position=" + position.substr(0, position.find(',')), "",
                     {{"Authorization", "Bearer " + spain}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find(R"("kind":"NOTE")"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find(R"("content":"Read me back.")"), std::string::npos) << r.body;
  EXPECT_EQ(http_call(server_->port(), "GET", "/api/v1/tasks/" + review_task_ + "?min_position=99999999", "",
                      {{"Authorization", "Bearer " + spain}})
                .status,
            504);
}

}  // namespace
}  // namespace stradia::testing

namespace stradia::testing {
namespace {

// RFC 4180: fields split at commas, lines at CRLF; quoted fields keep commas, CR, LF and "".
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1, std::vector<std::string>(1));
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        rows.back().back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        rows.back().back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().emplace_back();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      rows.emplace_back(1);
      ++i;
    } else {
      rows.back().back() += c;
    }
  }
  if (rows.back().size() == 1 && rows.back()[0].empty()) rows.pop_back();
  return rows;
}

// The JSON rows (each an object of the CSV header's columns) against the CSV's lines.
void expect_same_rows(const nlohmann::json& rows, const std::vector<std::vector<std::string>>& csv,
                      const std::string& what) {
  ASSERT_FALSE(csv.empty()) << what;
  const auto& header = csv[0];
  ASSERT_EQ(csv.size() - 1, rows.size()) << what;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    ASSERT_EQ(csv[r + 1].size(), header.size()) << what << " line " << r + 1;
    for (std::size_t c = 0; c < header.size(); ++c) {
      const auto& value = rows[r].at(header[c]);
      const auto& cell = csv[r + 1][c];
      if (value.is_null())
        EXPECT_EQ(cell, "") << what << " " << header[c];
      else if (value.is_number())
        EXPECT_DOUBLE_EQ(std::stod(cell), value.get<double>()) << what << " " << header[c];
      else {
        const auto text = value.get<std::string>();
        const bool formula = !text.empty() && std::string("=+-@\t\r").find(text[0]) != std::string::npos;
        EXPECT_EQ(cell, formula ? "'" + text : text) << what << " " << header[c];
      }
    }
  }
}

TEST_F(Gateway, AnalyticsAnswerJsonAndTheSameRowsAsCsv) {
  const auto strategy = acme_strategy();
  const auto position = review_moved_to_done();
  ASSERT_GT(position, 0);
  const auto admin = token("admin@acme.com"), spain = token("spain@acme.com");
  const std::string wait = "min_position=" + std::to_string(position);
  auto call = [&](const std::string& path, const std::string& bearer, std::map<std::string, std::string> headers = {}) {
    headers["Authorization"] = "Bearer " + bearer;
    return checked_call("GET", path, "", headers);
  };
  const std::vector<std::string> paths{"/api/v1/analytics/heatmap-history?strategy_id=" + strategy + "&" + wait,
                                       "/api/v1/analytics/flow?" + wait, "/api/v1/analytics/ai-usage?" + wait,
                                       "/api/v1/analytics/ghost-cards?" + wait};
  for (const auto& path : paths) {
    const auto json = call(path, admin);
    ASSERT_EQ(json.status, 200) << path << json.body;
    EXPECT_EQ(json.headers.at("content-type"), "application/json");
    auto rows = nlohmann::json::parse(json.body).at("rows");
    if (path.find("ghost-cards") != std::string::npos) {  // CSV: a line per rejection
      nlohmann::json flat = nlohmann::json::array();
      for (const auto& g : rows) {
        auto line = g;
        line.erase("rejections");
        for (const char* c :
             {"rejection_local_task_id", "rejection_title", "rejection_justification", "rejected_by", "rejected_at"})
          line[c] = nullptr;
        if (g.at("rejections").empty()) flat.push_back(line);
        for (const auto& r : g.at("rejections")) {
          line["rejection_local_task_id"] = r.at("local_task_id");
          line["rejection_title"] = r.at("title");
          line["rejection_justification"] = r.at("justification");
          line["rejected_by"] = r.at("rejected_by");
          line["rejected_at"] = r.at("rejected_at");
          flat.push_back(line);
        }
      }
      rows = flat;
    }
    const auto by_accept = call(path, admin, {{"Accept", "text/csv"}});
    ASSERT_EQ(by_accept.status, 200) << path;
    EXPECT_EQ(by_accept.headers.at("content-type"), "text/csv; charset=utf-8; header=present");
    EXPECT_NE(by_accept.headers.at("content-disposition").find("attachment; filename=\"stradia-"), std::string::npos);
    expect_same_rows(rows, parse_csv(by_accept.body), path + " (Accept: text/csv)");
    const auto by_format = call(path + "&format=csv", admin);
    EXPECT_EQ(by_format.body, by_accept.body) << path;
  }

  // By hand: today Spain's board has "Review Privacy Law" (weight 1) DONE of 1 + 5, France none.
  const auto history = nlohmann::json::parse(call(paths[0], admin).body);
  std::map<std::string, double> today;
  for (const auto& row : history.at("rows")) today[row.at("market_name")] = row.at("heatmap_score");
  EXPECT_DOUBLE_EQ(today.at("Spain - Retail"), 1.0 / 6.0) << history.dump();
  EXPECT_DOUBLE_EQ(today.at("France - Retail"), 0.0);
  const auto flow = nlohmann::json::parse(call(paths[1], admin).body);
  bool finished = false;
  for (const auto& row : flow.at("rows"))
    if (row.at("market_name") == "Spain - Retail" && row.at("task_type") == "A_MANUAL")
      finished = row.at("finished").get<int>() >= 1;
  EXPECT_TRUE(finished) << flow.dump();

  // A LOCAL_USER sees the markets assigned to them only.
  for (const auto& path : {paths[0], paths[1]})
    for (const auto& row : nlohmann::json::parse(call(path, spain).body).at("rows"))
      EXPECT_EQ(row.at("market_name"), "Spain - Retail") << path;

  // The picture.
  const auto svg = call("/api/v1/analytics/heatmap-history.svg?strategy_id=" + strategy + "&bucket=week", admin);
  ASSERT_EQ(svg.status, 200);
  EXPECT_EQ(svg.headers.at("content-type"), "image/svg+xml");
  EXPECT_EQ(xml_problem(svg.body), "") << svg.body;
  EXPECT_NE(svg.body.find(">Spain - Retail</text>"), std::string::npos);
  EXPECT_NE(svg.body.find("Legend"), std::string::npos);

  // The heatmap as it stood: before any board, nothing; now, as the live heatmap.
  const auto before = call("/api/v1/heatmap?strategy_id=" + strategy + "&as_of=2000-01-01T00:00:00Z", admin);
  ASSERT_EQ(before.status, 200) << before.body;
  EXPECT_TRUE(nlohmann::json::parse(before.body).at("markets").empty());
  const auto then = nlohmann::json::parse(
      call("/api/v1/heatmap?strategy_id=" + strategy + "&as_of=2999-01-01T00:00:00Z&" + wait, admin).body);
  EXPECT_EQ(then.at("as_of"), "2999-01-01T00:00:00Z");
  const auto now = nlohmann::json::parse(call("/api/v1/heatmap?strategy_id=" + strategy, admin).body);
  EXPECT_EQ(then.at("markets"), now.at("markets"));
}

TEST_F(Gateway, AnalyticsRefuseWhatTheyCannotAnswer) {
  const auto admin = token("admin@acme.com");
  const auto strategy = acme_strategy();
  auto refused = [&](const std::string& path, int status, const std::string& field) {
    const auto r = checked_call("GET", path, "", {{"Authorization", "Bearer " + admin}});
    EXPECT_EQ(r.status, status) << path << r.body;
    if (!field.empty()) {
      EXPECT_NE(r.body.find("\"path\":\"" + field + "\""), std::string::npos) << path << r.body;
    }
  };
  refused("/api/v1/analytics/flow?from=2026-13-01", 422, "from");
  refused("/api/v1/analytics/flow?to=2026-02-30", 422, "to");
  refused("/api/v1/analytics/flow?from=2026-11-29T00:00:00Z", 422, "from");
  refused("/api/v1/analytics/ai-usage?from=2026-03-02&to=2026-03-01", 422, "from");
  refused("/api/v1/analytics/ghost-cards?from=2020-01-01&to=2026-01-01", 422, "to");
  refused("/api/v1/analytics/flow?format=xml", 422, "format");
  refused("/api/v1/analytics/heatmap-history?strategy_id=" + strategy + "&bucket=month", 422, "bucket");
  refused("/api/v1/analytics/heatmap-history", 422, "strategy_id");
  refused("/api/v1/analytics/heatmap-history?strategy_id=NOT-A-UUID", 422, "strategy_id");
  refused("/api/v1/analytics/heatmap-history?strategy_id=" + new_uuid(), 404, "");
  refused("/api/v1/heatmap?strategy_id=" + strategy + "&as_of=yesterday", 422, "as_of");
  refused("/api/v1/heatmap?strategy_id=" + new_uuid() + "&as_of=2026-01-01T00:00:00Z", 404, "");
  EXPECT_EQ(http_call(server_->port(), "GET", "/api/v1/analytics/flow").status, 401);
  // Another tenant's strategy is not there to see.
  const auto globex = token("admin@globex.com");
  EXPECT_EQ(http_call(server_->port(), "GET", "/api/v1/analytics/heatmap-history?strategy_id=" + strategy, "",
                      {{"Authorization", "Bearer " + globex}})
                .status,
            404);
  const auto globex_flow =
      http_call(server_->port(), "GET", "/api/v1/analytics/flow", "", {{"Authorization", "Bearer " + globex}});
  EXPECT_EQ(globex_flow.body.find("Spain - Retail"), std::string::npos) << globex_flow.body;
}

}  // namespace
}  // namespace stradia::testing
