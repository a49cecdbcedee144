#pragma once
// Who is asking and when: everything a decider needs from outside, injected so that
// every rule is a plain unit test (no database, no system clock, no random ids).
#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "domain/clock.hpp"
#include "domain/enums.hpp"
#include "domain/payload_rules.hpp"
#include "domain/zone_catalog.hpp"

namespace stradia::domain {

// The user id the system writes under (auto-save notes, lock expiry, AI results).
inline constexpr std::string_view system_user_id = "system";

struct caller {
  caller() = default;
  caller(std::string user, std::string tenant, user_role r = roles::UNSPECIFIED, std::vector<std::string> markets = {},
         bool system = false)
      : user_id(std::move(user)),
        tenant_id(std::move(tenant)),
        role(r),
        assigned_market_ids(std::move(markets)),
        is_system(system) {}

  std::string user_id;
  std::string tenant_id;
  user_role role = roles::UNSPECIFIED;
  std::vector<std::string> assigned_market_ids;
  bool is_system = false;  // the service itself: bootstrap, expiry sweeps, AI callbacks
  // The command id the gateway chose for an idempotent request (its events carry it, so a
  // retry can find them); empty: each command gets a fresh one.
  std::string idempotent_command_id;

  bool assigned_to(std::string_view market_id) const {
    return std::find(assigned_market_ids.begin(), assigned_market_ids.end(), market_id) != assigned_market_ids.end();
  }
};

struct context {
  caller who;
  timestamp now;
  std::function<std::string()> new_id;      // fresh UUIDs for entities a decision creates
  const zone_catalog* zones = nullptr;      // required by market decisions
  const payload_rules* payloads = nullptr;  // required by payload edits
};

caller system_caller(std::string tenant_id);

}  // namespace stradia::domain
