#pragma once
// Shared test fixtures: fixed ids, callers of every role, a settable clock and a
// deterministic id source, and fold() to rebuild a state from events.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "domain/context.hpp"
#include "domain/decision.hpp"

namespace stradia::testing {

using namespace std::chrono_literals;
using domain::timestamp;

inline const std::string tenant_id = "5b0d8a56-6a2e-4c49-9e1c-0d6a7d3b2a01";
inline const std::string other_tenant_id = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
inline const std::string admin_id = "1f8a4e6e-2b40-4e0c-8d4b-0a9e3f6c0001";
inline const std::string second_admin_id = "1f8a4e6e-2b40-4e0c-8d4b-0a9e3f6c0002";
inline const std::string supervisor_id = "1f8a4e6e-2b40-4e0c-8d4b-0a9e3f6c0003";
inline const std::string spain_user_id = "1f8a4e6e-2b40-4e0c-8d4b-0a9e3f6c0004";
inline const std::string france_user_id = "1f8a4e6e-2b40-4e0c-8d4b-0a9e3f6c0005";
inline const std::string auditor_id = "1f8a4e6e-2b40-4e0c-8d4b-0a9e3f6c0006";
inline const std::string spain_market_id = "2a7c1d3e-5f60-4a8b-9c0d-1e2f3a4b0001";
inline const std::string france_market_id = "2a7c1d3e-5f60-4a8b-9c0d-1e2f3a4b0002";
inline const std::string spain_board_id = "3b8d2e4f-6071-4b9c-8d1e-2f3a4b5c0001";
inline const std::string strategy_id = "4c9e3f50-7182-4cad-9e2f-3a4b5c6d0001";
inline const std::string global_task_id = "5dae4061-8293-4dbe-8f30-4b5c6d7e0001";
inline const std::string local_task_id = "6ebf5172-93a4-4ecf-9041-5c6d7e8f0001";

// 2026-02-22T10:00:00Z
inline const timestamp base_time = timestamp{std::chrono::sys_days{std::chrono::year{2026} / 2 / 22} + 10h};

inline domain::caller as_admin() { return {admin_id, tenant_id, domain::roles::GLOBAL_ADMIN, {}, false}; }
inline domain::caller as_second_admin() { return {second_admin_id, tenant_id, domain::roles::GLOBAL_ADMIN, {}, false}; }
inline domain::caller as_supervisor() { return {supervisor_id, tenant_id, domain::roles::SUPERVISOR, {}, false}; }
inline domain::caller as_spain_user() {
  return {spain_user_id, tenant_id, domain::roles::LOCAL_USER, {spain_market_id}, false};
}
inline domain::caller as_france_user() {
  return {france_user_id, tenant_id, domain::roles::LOCAL_USER, {france_market_id}, false};
}
inline domain::caller as_auditor() { return {auditor_id, tenant_id, domain::roles::READ_ONLY, {}, false}; }
inline domain::caller as_other_tenant_admin() {
  return {"9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a", other_tenant_id, domain::roles::GLOBAL_ADMIN, {}, false};
}
inline domain::caller as_system() { return domain::system_caller(tenant_id); }

// The payload rules as the domain sees them (the JSON work is commands/, tested there):
// a payload holding "forbidden" breaks them at execution_payload.forbidden; the schema
// last asked about is kept, so a test can see the task's own schema was used.
class payload_rules_double final : public domain::payload_rules {
 public:
  std::vector<domain::field_error> problems(std::string_view schema, std::string_view payload) const override {
    last_schema = std::string(schema);
    if (payload.find("forbidden") == std::string_view::npos) return {};
    return {{"execution_payload.forbidden", "Not allowed by the schema."}};
  }
  mutable std::string last_schema;
};

inline payload_rules_double& payload_rules() {
  static payload_rules_double rules;
  return rules;
}

// A context whose new ids are UUIDs ending in 1, 2, ..., unique across the test process.
inline domain::context context_for(domain::caller who, timestamp now = base_time) {
  static int counter = 0;
  return domain::context{std::move(who), now,
                         [] {
                           const auto n = std::to_string(++counter);
                           return "00000000-0000-4000-8000-" + std::string(12 - n.size(), '0') + n;
                         },
                         nullptr, &payload_rules()};
}

template <class State, class Event, class Evolve>
State fold(State s, const std::vector<Event>& events, Evolve evolve) {
  for (const auto& e : events) s = evolve(std::move(s), e);
  return s;
}

// The error code of a refused decision, or a test failure if it was accepted.
template <class Event>
domain::errc refusal_code(const domain::decision<Event>& d) {
  EXPECT_FALSE(d.has_value()) << "the command was accepted";
  return d.has_value() ? domain::errc{} : d.error().error.code;
}

template <class Event>
std::vector<domain::field_error> field_errors(const domain::decision<Event>& d) {
  EXPECT_FALSE(d.has_value()) << "the command was accepted";
  return d.has_value() ? std::vector<domain::field_error>{} : d.error().error.errors;
}

}  // namespace stradia::testing
