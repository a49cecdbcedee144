#include "app/playground.hpp"

#include "domain/stream_ids.hpp"
#include "domain/token_ledger.hpp"
#include "gateway/password.hpp"

namespace stradia::app {

namespace {

// Fixed ids, so the playground is the same on every machine and seeding twice is a no-op.
const std::string acme_id = "a5e1c0de-0000-4000-8000-000000000001";
const std::string globex_id = "9100be20-0000-4000-8000-000000000001";

struct seeder {
  runtime& rt;
  std::string password_hash;
  seed_report report;
  std::string failure;

  template <class Result>
  auto ok(Result r, const char* what) {
    ++report.commands;
    if (!r && failure.empty()) failure = std::string(what) + ": " + r.error().error.detail;
    return r;
  }

  std::string tenant(const std::string& id, const std::string& name, int markets, int seats, std::int64_t quota,
                     domain::timestamp token_reset_date) {
    tenant::v1::CreateTenant c;
    c.set_tenant_id(id);
    c.set_name(name);
    c.set_active_markets_limit(markets);
    c.set_user_seat_limit(seats);
    c.set_ai_token_quota(quota);
    *c.mutable_token_reset_date() = domain::to_proto(token_reset_date);
    (void)ok(rt.commands().create_tenant(domain::system_caller(id), c), "CreateTenant");
    return id;
  }

  domain::caller user(const domain::caller& by, const std::string& email, domain::user_role role) {
    user::v1::InviteUser c;
    c.set_email(email);
    c.set_role(role);
    c.set_language_preference("en");
    c.set_password_hash(password_hash);
    auto r = ok(rt.commands().invite_user(by, c), "InviteUser");
    return domain::caller{r ? r->created.at(0).second : "", by.tenant_id, role, {}, false};
  }

  std::string market(const domain::caller& admin, const std::string& name, const std::string& region,
                     const std::string& zone) {
    market::v1::CreateMarket c;
    c.set_name(name);
    c.set_region_code(region);
    c.set_timezone(zone);
    auto r = ok(rt.commands().create_market(admin, c), "CreateMarket");
    return r ? r->created.at(0).second : "";
  }

  void assign(const domain::caller& admin, domain::caller& who, const std::string& market_id) {
    user::v1::AssignUserToMarket c;
    c.set_user_id(who.user_id);
    c.set_market_id(market_id);
    (void)ok(rt.commands().assign_user_to_market(admin, c), "AssignUserToMarket");
    who.assigned_market_ids.push_back(market_id);
  }

  // The baseline strategy published to `markets`; returns market id -> board id.
  std::vector<std::pair<std::string, std::string>> baseline(const domain::caller& admin,
                                                            const std::vector<std::string>& markets) {
    strategy::v1::CreateMasterStrategy s;
    s.set_title("Data Layer Baseline 2026");
    auto created = ok(rt.commands().create_master_strategy(admin, s), "CreateMasterStrategy");
    if (!created) return {};
    const auto id = created->created.at(0).second;
    add_task(admin, id, "Review Privacy Law", domain::task_types::A_MANUAL, domain::platforms::NONE, 0, 1,
             "Check the market's privacy and cookie law against the baseline before anything is deployed.", "");
    add_task(admin, id, "Deploy Consent Mode", domain::task_types::C_EXECUTIVE, domain::platforms::GTM, 1, 5,
             "Create the GA4 configuration tag with Consent Mode in the market's GTM container.",
             R"({"$schema":"http://json-schema.org/draft-07/schema#","type":"object",)"
             R"("required":["action","platform","schema"],"properties":{)"
             R"("action":{"enum":["CREATE_TAG","UPDATE_TAG"]},"platform":{"enum":["GTM","GA4"]},)"
             R"("schema":{"type":"object","required":["name","type"]}}})");
    strategy::v1::PublishMasterStrategy p;
    p.set_master_strategy_id(id);
    for (const auto& m : markets) p.add_market_ids(m);
    auto published = ok(rt.commands().publish_master_strategy(admin, p), "PublishMasterStrategy");
    std::vector<std::pair<std::string, std::string>> boards;
    if (published)
      for (std::size_t i = 0; i < markets.size() && i < published->created.size(); ++i)
        boards.emplace_back(markets[i], published->created[i].second);
    return boards;
  }

  void add_task(const domain::caller& admin, const std::string& strategy, const std::string& title,
                domain::task_type type, domain::target_platform platform, int order, int weight,
                const std::string& description, const std::string& payload_schema) {
    strategy::v1::AddGlobalTask t;
    t.set_master_strategy_id(strategy);
    t.mutable_task()->set_title(title);
    t.mutable_task()->set_description(description);
    t.mutable_task()->set_expected_payload_schema(payload_schema);
    t.mutable_task()->set_task_type(type);
    t.mutable_task()->set_target_platform(platform);
    t.mutable_task()->set_order_index(order);
    t.mutable_task()->set_weight(weight);
    (void)ok(rt.commands().add_global_task(admin, t), "AddGlobalTask");
  }

  std::string task_titled(const std::string& board_id, const std::string& title) {
    const auto stream = rt.store().read_stream(acme_id, domain::stream_ids::board(board_id));
    if (!stream) return "";
    for (const auto& e : *stream) {
      board::v1::BoardTaskAdded added;
      if (e.event_type() == "BoardTaskAdded" && added.ParseFromString(e.payload()) &&
          added.definition().title() == title)
        return added.local_task_id();
    }
    return "";
  }

  // The golden record's task state: IN_PROGRESS, pre-flight PASSED with 450 tokens, the
  // GA4 payload, the Slack note and the auto-saved collision note, locked by the user.
  void golden_record(const domain::caller& spain, const std::string& task_id) {
    auto& c = rt.commands();
    task::v1::AddTaskNote slack;
    slack.set_local_task_id(task_id);
    slack.set_content("Client provided the production Measurement ID over Slack.");
    (void)ok(c.add_task_note(spain, slack), "AddTaskNote");
    task::v1::AcquireLock lock;
    lock.set_local_task_id(task_id);
    (void)ok(c.acquire_lock(spain, lock), "AcquireLock");
    task::v1::MoveTask start;
    start.set_local_task_id(task_id);
    start.set_expected_previous_status(domain::statuses::TODO);
    start.set_new_status(domain::statuses::IN_PROGRESS);
    (void)ok(c.move_task(spain, start), "MoveTask");
    task::v1::UpdateExecutionPayload payload;
    payload.set_local_task_id(task_id);
    payload.set_execution_payload(
        R"({"action":"CREATE_TAG","platform":"GTM","schema":{"name":"GA4 Configuration - Base","type":"ga4_setup",)"
        R"("parameter":[{"type":"template","key":"measurementId","value":"G-ABC123XYZ0"}]}})");
    (void)ok(c.update_execution_payload(spain, payload), "UpdateExecutionPayload");
    task::v1::RequestPreFlightScan scan;
    scan.set_local_task_id(task_id);
    (void)ok(c.request_pre_flight_scan(spain, scan), "RequestPreFlightScan");
    task::v1::RecordPreFlightScanResult passed;
    passed.set_local_task_id(task_id);
    passed.set_status(domain::scan_statuses::PASSED);
    passed.set_token_cost(450);
    passed.set_payload_revision(1);  // the verdict is about the payload's first edit, just above
    (void)ok(c.record_pre_flight_scan_result(spain.tenant_id, passed), "RecordPreFlightScanResult");
    task::v1::UpdateExecutionPayload stale;
    stale.set_local_task_id(task_id);
    stale.set_execution_payload(R"({ "draft_id": "G-XYZ987" })");
    stale.set_expected_version(1);
    ++report.commands;  // refused on purpose: the collision leaves the system note
    (void)c.update_execution_payload(spain, stale);
  }
};

}  // namespace

base::expected<seed_report, std::string> seed_playground(runtime& rt, const std::string& password) {
  const auto existing = rt.store().read_stream(acme_id, domain::stream_ids::tenant(acme_id));
  if (!existing) return base::unexpected(existing.error().message);
  if (!existing->empty()) return seed_report{true, 0};
  auto hash = gateway::hash_password(password);
  if (!hash) return base::unexpected(std::string("could not hash the seed password"));
  seeder s{rt, *hash, {}, {}};

  const auto reset_date = domain::add_months(system_now(), 1);
  s.tenant(acme_id, "Acme Corp Global", 5, 25, 100000, reset_date);
  const auto bootstrap = domain::system_caller(acme_id);
  auto admin = s.user(bootstrap, "admin@acme.com", domain::roles::GLOBAL_ADMIN);
  s.user(admin, "supervisor@acme.com", domain::roles::SUPERVISOR);
  auto spain = s.user(admin, "spain@acme.com", domain::roles::LOCAL_USER);
  auto france = s.user(admin, "france@acme.com", domain::roles::LOCAL_USER);
  s.user(admin, "auditor@acme.com", domain::roles::READ_ONLY);
  const auto spain_market = s.market(admin, "Spain - Retail", "ES", "Europe/Madrid");
  const auto france_market = s.market(admin, "France - Retail", "FR", "Europe/Paris");
  s.assign(admin, spain, spain_market);
  s.assign(admin, france, france_market);
  const auto boards = s.baseline(admin, {spain_market, france_market});

  ledger::v1::RecordTokenUsage opening;
  const auto period = domain::token_ledger::period_at(reset_date, system_now());
  opening.set_tokens(99500);
  opening.set_purpose("OPENING_BALANCE");
  *opening.mutable_period_start() = domain::to_proto(period.start);
  *opening.mutable_resets_at() = domain::to_proto(period.resets_at);
  (void)s.ok(rt.commands().record_token_usage(acme_id, opening), "RecordTokenUsage");

  if (!boards.empty()) {
    s.golden_record(spain, s.task_titled(boards.front().second, "Deploy Consent Mode"));
    // A task left TODO: the board is under way. Recorded here as the board lifecycle of a
    // serving process would, so the playground starts settled.
    board::v1::ChangeBoardStatus active;
    active.set_local_board_id(boards.front().second);
    active.set_status(domain::board_statuses::ACTIVE);
    (void)s.ok(rt.commands().change_board_status(acme_id, active), "ChangeBoardStatus");
  }

  s.tenant(globex_id, "Globex Inc", 3, 10, 50000, reset_date);
  auto globex_admin = s.user(domain::system_caller(globex_id), "admin@globex.com", domain::roles::GLOBAL_ADMIN);
  const auto germany = s.market(globex_admin, "Germany - Retail", "DE", "Europe/Berlin");
  s.baseline(globex_admin, {germany});

  if (!s.failure.empty()) return base::unexpected(s.failure);
  return s.report;
}

}  // namespace stradia::app
