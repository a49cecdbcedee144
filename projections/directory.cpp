#include "projections/directory.hpp"

#include <algorithm>

#include "domain/clock.hpp"
#include "domain/event_codec.hpp"
#include "domain/market.hpp"
#include "domain/user.hpp"

namespace stradia::projections {

namespace {

namespace market_pb = stradia::market::v1;
namespace user_pb = stradia::user::v1;
using envelope = stradia::envelope::v1::EventEnvelope;

enum market_column { m_id, m_tenant, m_name, m_region, m_timezone, m_active, m_deleted_at, m_position, market_width };
enum user_column {
  u_id,
  u_tenant,
  u_email,
  u_role,
  u_active,
  u_deleted_at,
  u_markets,
  u_last_login_at,
  u_language,
  u_position,
  user_width
};

}  // namespace

directory::directory()
    : markets_("read_markets",
               {"market_id", "tenant_id", "name", "region_code", "timezone", "is_active", "deleted_at", "position"},
               "uuid"),
      users_("read_users",
             {"user_id", "tenant_id", "email", "role", "is_active", "deleted_at", "assigned_market_ids",
              "last_login_at", "language_preference", "position"},
             "uuid") {}

bool directory::reads(const envelope& e) const {
  return !stream_id_of(e, "market").empty() || !stream_id_of(e, "user").empty();
}

void directory::load(pqxx::transaction_base& t, const std::vector<const envelope*>& batch) {
  std::vector<std::string> markets, users;
  for (const auto* e : batch) {
    if (auto id = stream_id_of(*e, "market"); !id.empty()) markets.emplace_back(id);
    if (auto id = stream_id_of(*e, "user"); !id.empty()) users.emplace_back(id);
  }
  markets_.load(t, markets);
  users_.load(t, users);
}

void directory::apply(const envelope& e, const decoded_payload&) {
  if (!stream_id_of(e, "market").empty())
    apply_market(e);
  else
    apply_user(e);
}

void directory::flush(pqxx::transaction_base& t, write_mode mode) {
  markets_.flush(t, mode);
  users_.flush(t, mode);
}

void directory::apply_market(const envelope& e) {
  auto event = decode_checked<domain::market::event>(e);
  if (!event) return;
  const auto id = entity_key(e, "market");
  if (const auto* created = std::get_if<market_pb::MarketCreated>(&*event)) {
    row r(market_width);
    r[m_id] = id;
    r[m_tenant] = created->tenant_id();
    r[m_name] = created->name();
    r[m_region] = created->region_code();
    r[m_timezone] = created->timezone();
    r[m_active] = created->is_active() ? "true" : "false";
    r[m_position] = std::to_string(e.global_position());
    markets_.insert(std::move(r));
    return;
  }
  row* r = markets_.change(id);
  if (!r) return;
  if (std::holds_alternative<market_pb::MarketActivated>(*event)) {
    (*r)[m_active] = "true";
  } else if (std::holds_alternative<market_pb::MarketDeactivated>(*event)) {
    (*r)[m_active] = "false";
  } else if (const auto* renamed = std::get_if<market_pb::MarketRenamed>(&*event)) {
    (*r)[m_name] = renamed->name();
  } else if (const auto* moved = std::get_if<market_pb::MarketTimezoneChanged>(&*event)) {
    (*r)[m_timezone] = moved->timezone();
  } else if (const auto* deleted = std::get_if<market_pb::MarketDeleted>(&*event)) {
    (*r)[m_active] = "false";
    (*r)[m_deleted_at] = domain::format_rfc3339(deleted->deleted_at());
  }
  (*r)[m_position] = std::to_string(e.global_position());
}

void directory::apply_user(const envelope& e) {
  auto event = decode_checked<domain::user::event>(e);
  if (!event) return;
  const auto id = entity_key(e, "user");
  if (const auto* invited = std::get_if<user_pb::UserInvited>(&*event)) {
    row r(user_width);
    r[u_id] = id;
    r[u_tenant] = invited->tenant_id();
    r[u_email] = invited->email();
    r[u_role] = std::string(domain::name_of(invited->role()));
    r[u_active] = "true";
    r[u_markets] = "{}";
    r[u_language] = invited->language_preference().empty() ? "en" : invited->language_preference();
    r[u_position] = std::to_string(e.global_position());
    users_.insert(std::move(r));
    return;
  }
  row* r = users_.change(id);
  if (!r) return;
  std::visit(
      [&](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, user_pb::UserRoleChanged>) {
          (*r)[u_role] = std::string(domain::name_of(m.role()));
        } else if constexpr (std::is_same_v<T, user_pb::UserDeactivated>) {
          (*r)[u_active] = "false";
        } else if constexpr (std::is_same_v<T, user_pb::UserDeleted>) {
          (*r)[u_active] = "false";
          (*r)[u_deleted_at] = domain::format_rfc3339(m.deleted_at());
        } else if constexpr (std::is_same_v<T, user_pb::UserAssignedToMarket> ||
                             std::is_same_v<T, user_pb::UserUnassignedFromMarket>) {
          auto markets = parse_text_array(r->at(u_markets).value_or("{}"));
          markets.erase(std::remove(markets.begin(), markets.end(), m.market_id()), markets.end());
          if constexpr (std::is_same_v<T, user_pb::UserAssignedToMarket>) markets.push_back(m.market_id());
          (*r)[u_markets] = format_text_array(markets);
        } else if constexpr (std::is_same_v<T, user_pb::UserLoggedIn>) {
          (*r)[u_last_login_at] = domain::format_rfc3339(m.last_login_at());
        } else if constexpr (std::is_same_v<T, user_pb::UserLanguageChanged>) {
          (*r)[u_language] = m.language_preference();
        }
      },
      *event);
  (*r)[u_position] = std::to_string(e.global_position());
}

}  // namespace stradia::projections
