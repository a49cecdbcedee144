#pragma once
// Market aggregate (stream "market-<id>"): a localized operational environment. Its
// name must be unique in the tenant and activation must fit the plan: both are counted
// on the Tenant stream, appended together with this one.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "domain/clock.hpp"
#include "domain/context.hpp"
#include "domain/decision.hpp"
#include "market.pb.h"

namespace stradia::domain::market {

namespace pb = stradia::market::v1;

using command = std::variant<pb::CreateMarket, pb::ActivateMarket, pb::DeactivateMarket, pb::DeleteMarket,
                             pb::RenameMarket, pb::ChangeMarketTimezone>;
using event = std::variant<pb::MarketCreated, pb::MarketActivated, pb::MarketDeactivated, pb::MarketDeleted,
                           pb::MarketRenamed, pb::MarketTimezoneChanged>;

struct state {
  bool exists = false;
  std::int64_t stream_version = 0;

  std::string id;
  std::string tenant_id;
  std::string name;
  std::string region_code;
  std::string timezone;
  bool is_active = false;
  std::optional<timestamp> deleted_at;

  bool visible() const { return exists && !deleted_at; }
};

decision<event> decide(const state& s, const command& c, const context& ctx);
state evolve(state s, const event& e);

// A market users, boards and credentials may be attached to: it exists in the caller's
// tenant and is not deleted (else NOT_FOUND).
check require_usable(const state& s, const context& ctx);

}  // namespace stradia::domain::market
