#include "projections/tenancy.hpp"

#include <algorithm>

#include "domain/clock.hpp"
#include "domain/enums.hpp"
#include "domain/event_codec.hpp"
#include "domain/tenant.hpp"

namespace stradia::projections {

namespace {

namespace tenant_pb = stradia::tenant::v1;
using envelope = stradia::envelope::v1::EventEnvelope;

enum tenant_column {
  t_id,
  t_name,
  t_active,
  t_markets_limit,
  t_seat_limit,
  t_quota,
  t_seats,
  t_active_markets,
  t_position,
  tenant_width
};
enum policy_column {
  p_id,
  p_tenant,
  p_text,
  p_platform,
  p_active,
  p_created_by,
  p_created_at,
  p_created_position,
  p_position,
  policy_width
};

// Adds `id` to (or takes it out of) the set in an array column, as the domain's state does.
void keep(row& r, std::size_t column, const std::string& id, bool held) {
  auto ids = parse_text_array(r[column].value_or("{}"));
  ids.erase(std::remove(ids.begin(), ids.end(), id), ids.end());
  if (held) ids.push_back(id);
  r[column] = format_text_array(ids);
}

}  // namespace

tenancy::tenancy()
    : tenants_("read_tenants",
               {"tenant_id", "name", "is_active", "active_markets_limit", "user_seat_limit", "ai_token_quota",
                "seat_user_ids", "active_market_ids", "position"},
               "uuid"),
      policies_("read_policies",
                {"policy_id", "tenant_id", "policy_text", "platform", "is_active", "created_by", "created_at",
                 "created_position", "position"},
                "uuid") {}

bool tenancy::reads(const envelope& e) const { return !stream_id_of(e, "tenant").empty(); }

void tenancy::load(pqxx::transaction_base& t, const std::vector<const envelope*>& batch) {
  std::vector<std::string> tenants, policies;
  for (const auto* e : batch) {
    tenants.emplace_back(stream_id_of(*e, "tenant"));
    if (e->event_type() != "GovernancePolicyCreated" && e->event_type() != "GovernancePolicyDeactivated") continue;
    if (const auto event = domain::decode_event<domain::tenant::event>(*e)) {
      if (const auto* created = std::get_if<tenant_pb::GovernancePolicyCreated>(&*event))
        policies.push_back(created->policy_id());
      else if (const auto* off = std::get_if<tenant_pb::GovernancePolicyDeactivated>(&*event))
        policies.push_back(off->policy_id());
    }
  }
  tenants_.load(t, tenants);
  policies_.load(t, policies);
}

void tenancy::apply(const envelope& e, const decoded_payload&) {
  auto event = decode_checked<domain::tenant::event>(e);
  if (!event) return;
  const auto tenant_id = entity_key(e, "tenant");
  const auto position = std::to_string(e.global_position());
  if (const auto* created = std::get_if<tenant_pb::TenantCreated>(&*event)) {
    row r(tenant_width);
    r[t_id] = tenant_id;
    r[t_name] = created->name();
    r[t_active] = created->is_active() ? "true" : "false";
    r[t_markets_limit] = std::to_string(created->active_markets_limit());
    r[t_seat_limit] = std::to_string(created->user_seat_limit());
    r[t_quota] = std::to_string(created->ai_token_quota());
    r[t_seats] = "{}";
    r[t_active_markets] = "{}";
    r[t_position] = position;
    tenants_.insert(std::move(r));
    return;
  }
  if (const auto* policy = std::get_if<tenant_pb::GovernancePolicyCreated>(&*event)) {
    row r(policy_width);
    r[p_id] = policy->policy_id();
    r[p_tenant] = tenant_id;
    r[p_text] = policy->policy_text();
    r[p_platform] = std::string(domain::name_of(policy->platform()));
    r[p_active] = policy->is_active() ? "true" : "false";
    r[p_created_by] = policy->created_by();
    r[p_created_at] = domain::format_rfc3339(policy->created_at());
    r[p_created_position] = position;
    r[p_position] = position;
    policies_.insert(std::move(r));
  } else if (const auto* off = std::get_if<tenant_pb::GovernancePolicyDeactivated>(&*event)) {
    if (row* r = policies_.change(off->policy_id())) {
      (*r)[p_active] = "false";
      (*r)[p_position] = position;
    }
  }
  row* r = tenants_.change(tenant_id);
  if (!r) return;
  std::visit(
      [&](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, tenant_pb::TenantPlanUpdated>) {
          (*r)[t_markets_limit] = std::to_string(m.active_markets_limit());
          (*r)[t_seat_limit] = std::to_string(m.user_seat_limit());
          (*r)[t_quota] = std::to_string(m.ai_token_quota());
        } else if constexpr (std::is_same_v<T, tenant_pb::TenantSeatTaken>) {
          keep(*r, t_seats, m.user_id(), true);
        } else if constexpr (std::is_same_v<T, tenant_pb::TenantSeatReleased>) {
          keep(*r, t_seats, m.user_id(), false);
        } else if constexpr (std::is_same_v<T, tenant_pb::TenantMarketRegistered> ||
                             std::is_same_v<T, tenant_pb::TenantMarketSlotTaken>) {
          keep(*r, t_active_markets, m.market_id(), true);
        } else if constexpr (std::is_same_v<T, tenant_pb::TenantMarketSlotReleased> ||
                             std::is_same_v<T, tenant_pb::TenantMarketUnregistered>) {
          keep(*r, t_active_markets, m.market_id(), false);
        }
      },
      *event);
  (*r)[t_position] = position;
}

void tenancy::flush(pqxx::transaction_base& t, write_mode mode) {
  tenants_.flush(t, mode);
  policies_.flush(t, mode);
}

}  // namespace stradia::projections
