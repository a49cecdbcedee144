// Every command of the route table and every query that takes an id, called by every role
// of one tenant with the other tenant's ids: only 403 or 404 comes back, never 200 or a
// 5xx, and the event log does not change.
#include <google/protobuf/descriptor.h>

#include <set>

#include "domain/field_rules.hpp"
#include "gateway/command_routes.hpp"
#include "security/playground.hpp"

namespace stradia::testing {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

// The victim's id for an id field, by the field's name.
std::string foreign_id(const std::string& field, const tenant_ids& victim) {
  if (field == "local_task_id") return victim.task;
  if (field == "local_board_id") return victim.board;
  if (field == "market_id" || field == "market_ids") return victim.market;
  if (field == "master_strategy_id") return victim.strategy;
  if (field == "global_task_id") return victim.global_task;
  if (field == "user_id") return victim.user;
  if (field == "policy_id") return victim.policy;
  if (field == "tenant_id") return victim.tenant;
  return victim.task;  // any id of the victim's
}

// A plausible value for a field that holds no id, so validation does not refuse the body
// before the id is looked at.
std::optional<std::string> sample(const FieldDescriptor& f) {
  static const std::map<std::string, std::string> values{
      {"content", R"("probe")"},
      {"title", R"("Probe")"},
      {"name", R"("Probe Market")"},
      {"region_code", R"("IT")"},
      {"timezone", R"("Europe/Rome")"},
      {"email", R"("probe-cross-tenant@example.com")"},
      {"password", R"("long-enough-1")"},
      {"justification", R"("Not for this market, sorry.")"},
      {"execution_payload", R"("{\"a\":1}")"},
      {"oauth_token", R"("ya29.probe")"},
      {"policy_text", R"("Never track minors.")"},
      {"container_id", R"("GTM-ABC1")"},
  };
  if (const auto v = values.find(f.name()); v != values.end()) return v->second;
  if (f.cpp_type() == FieldDescriptor::CPPTYPE_ENUM) {
    if (f.name() == "expected_previous_status") return R"("TODO")";
    if (f.name() == "new_status") return R"("IN_PROGRESS")";
    if (f.name() == "platform" || f.name() == "target_platform") return R"("GTM")";
    return "\"" + f.enum_type()->value(1)->name() + "\"";
  }
  return std::nullopt;
}

std::string body_for(const Descriptor& d, const tenant_ids& victim, const std::vector<std::string>& hidden) {
  std::string body = "{";
  for (int i = 0; i < d.field_count(); ++i) {
    const auto& f = *d.field(i);
    if (std::find(hidden.begin(), hidden.end(), f.name()) != hidden.end() || f.name() == "expected_version") continue;
    std::optional<std::string> value;
    if (domain::holds_entity_ids(f))
      value =
          f.is_repeated() ? "[\"" + foreign_id(f.name(), victim) + "\"]" : "\"" + foreign_id(f.name(), victim) + "\"";
    else if (f.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && !f.is_repeated() &&
             f.message_type()->full_name().rfind("google.", 0) != 0)
      value = body_for(*f.message_type(), victim, hidden);
    else
      value = sample(f);
    if (!value) continue;
    if (body.size() > 1) body += ",";
    body += "\"" + f.name() + "\":" + *value;
  }
  return body + "}";
}

bool names_an_entity(const Descriptor& d) {
  for (int i = 0; i < d.field_count(); ++i) {
    const auto& f = *d.field(i);
    if (domain::holds_entity_ids(f)) return true;
    if (f.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && f.message_type()->full_name().rfind("google.", 0) != 0 &&
        names_an_entity(*f.message_type()))
      return true;
  }
  return false;
}

class CrossTenant : public playground {};

TEST_F(CrossTenant, EveryCommandAndQueryWithAnotherTenantsIdsIsRefusedAndTheLogStaysAsItWas) {
  struct attacker {
    std::string email;
    const tenant_ids* victim;
  };
  const std::vector<attacker> attackers{{"admin@acme.com", &globex_},   {"supervisor@acme.com", &globex_},
                                        {"spain@acme.com", &globex_},   {"france@acme.com", &globex_},
                                        {"auditor@acme.com", &globex_}, {"admin@globex.com", &acme_}};
  std::map<std::string, std::string> tokens;
  for (const auto& a : attackers) tokens[a.email] = token(a.email);  // logins append events: before the count
  // A policy id lives inside its own tenant's stream: CreateGovernancePolicy with another
  // tenant's policy id makes the caller's own policy, touching nothing of the other tenant
  // (checked below by the other tenant's log). UpdateTenantPlan names no entity at all.
  const std::set<std::string> own_tenant_only{"CreateGovernancePolicy"};
  const auto before = events_in_log();
  std::size_t probes = 0;
  for (const auto& a : attackers) {
    for (const auto& route : gateway::command_routes()) {
      const auto& d = *route.prototype->GetDescriptor();
      if (!names_an_entity(d) || own_tenant_only.count(std::string(route.name))) continue;
      const auto body = body_for(d, *a.victim, route.hidden);
      const auto r = command(std::string(route.name), body, tokens[a.email]);
      EXPECT_TRUE(r.status == 403 || r.status == 404)
          << a.email << " " << route.name << " " << body << " -> " << r.status << " " << r.body;
      ++probes;
    }
    const auto& v = *a.victim;
    for (const auto& path :
         {"/api/v1/boards/" + v.board, "/api/v1/tasks/" + v.task, "/api/v1/boards?market_id=" + v.market,
          "/api/v1/heatmap?strategy_id=" + v.strategy, "/api/v1/heatmap.svg?strategy_id=" + v.strategy,
          "/api/v1/streams/task-" + v.task, "/api/v1/streams/board-" + v.board, "/api/v1/streams/market-" + v.market,
          "/api/v1/streams/tenant-" + v.tenant, "/api/v1/streams/user-" + v.user,
          "/api/v1/streams/strategy-" + v.strategy, "/api/v1/events?stream_id=task-" + v.task,
          "/api/v1/tasks/" + v.task + "?min_position=1", "/api/v1/strategies/" + v.strategy,
          "/api/v1/heatmap?strategy_id=" + v.strategy + "&as_of=2999-01-01T00:00:00Z",
          "/api/v1/analytics/heatmap-history?strategy_id=" + v.strategy,
          "/api/v1/analytics/heatmap-history.svg?strategy_id=" + v.strategy + "&bucket=week"}) {
      const auto r = get(path, tokens[a.email]);
      EXPECT_TRUE(r.status == 403 || r.status == 404)
          << a.email << " GET " << path << " -> " << r.status << " " << r.body;
      ++probes;
    }
    // Tenant-wide analytics answer the caller's own tenant: nothing of the victim's market.
    for (const char* path : {"/api/v1/analytics/flow", "/api/v1/analytics/ai-usage?format=csv",
                             "/api/v1/analytics/ghost-cards", "/api/v1/analytics/flow?from=2000-01-01&to=2001-12-31"}) {
      const auto r = get(path, tokens[a.email]);
      EXPECT_TRUE(r.status == 200 || r.status == 403) << a.email << " GET " << path << " -> " << r.status;
      EXPECT_EQ(r.body.find(v.market), std::string::npos) << a.email << " GET " << path << ": " << r.body;
      ++probes;
    }
  }
  EXPECT_GT(probes, 200u);
  EXPECT_EQ(events_in_log(), before) << "no probe may record anything";

  // The one command that may succeed: it makes the caller's own policy under that id, and
  // nothing of it reaches the tenant the id came from.
  const auto acme_before = store_->read_tenant_log(acme, {0, 100000, {}, {}})->size();
  const auto own =
      command("CreateGovernancePolicy",
              R"({"policy_id":")" + acme_.policy + R"(","policy_text":"Never track minors.","platform":"GA4"})",
              tokens["admin@globex.com"]);
  EXPECT_EQ(own.status, 200) << own.body;
  EXPECT_EQ(store_->read_tenant_log(acme, {0, 100000, {}, {}})->size(), acme_before);
}

// Ids are lowercase UUIDs at the door (API.md §3), over HTTP and in WebSocket frames alike;
// the read models key on them, so an uppercase or made-up id must never be recorded.
TEST_F(CrossTenant, MalformedAndUppercaseIdsAre422AndRecordNothing) {
  const auto spain = token("spain@acme.com");
  const auto before = events_in_log();
  const std::vector<std::string> ids{"poison-1",
                                     "AAAAAAAA-AAAA-4AAA-8AAA-AAAAAAAAAAAA",
                                     "",
                                     "../../etc/passwd",
                                     std::string(5000, 'a'),
                                     "6ebf5172-93a4-4ecf-9041-5c6d7e8f000g"};
  for (const auto& id : ids) {
    const auto r =
        command("CreateCustomLocalTask",
                R"({"local_board_id":")" + acme_.board + R"(","local_task_id":")" + id + R"(","title":"x"})", spain);
    if (id.empty()) continue;  // empty means "choose one for me": allowed
    EXPECT_EQ(r.status, 422) << id << " " << r.body;
    EXPECT_EQ(code_of(r), "VALIDATION_FAILED");
    EXPECT_NE(r.body.find(R"("path":"local_task_id")"), std::string::npos) << r.body;
  }
  EXPECT_EQ(events_in_log(), before + 2) << "only the id-less creation (board + task) was recorded";
  auto nul = command("AddTaskNote", R"({"local_task_id":")" + acme_.task + R"(","content":"a\u0000b"})", spain);
  EXPECT_EQ(nul.status, 422) << nul.body;
  auto trailing = command("AddTaskNote", R"({"local_task_id":")" + acme_.task + R"(","content":"ok"} {})", spain);
  EXPECT_EQ(trailing.status, 400) << trailing.body;
  EXPECT_EQ(get("/api/v1/heatmap?strategy_id=NOT-A-UUID", spain).status, 422);
}

}  // namespace
}  // namespace stradia::testing
