#include "domain/market.hpp"

#include <stdexcept>

#include "domain/access.hpp"
#include "domain/guardrails.hpp"

namespace stradia::domain::market {

namespace {

using events = std::vector<event>;

template <class Command>
check expected_version(const state& s, const Command& c) {
  if (!c.has_expected_version() || c.expected_version() == s.stream_version) return {};
  return refuse(errc::version_conflict,
                "The market changed since version " + std::to_string(c.expected_version()) + ".");
}

class decider {
 public:
  decider(const state& s, const context& ctx) : s_(s), ctx_(ctx) {}

  decision<event> operator()(const pb::CreateMarket& c) const {
    if (s_.exists) return refuse(errc::version_conflict, "The market already exists.");
    if (ctx_.zones == nullptr) throw std::logic_error("market decisions need the zone catalog in the context");
    auto problems = guardrails::entity_id("market_id", c.market_id());
    guardrails::collect(problems, guardrails::market_name(c.name()));
    guardrails::collect(problems, guardrails::region_code(c.region_code()));
    guardrails::collect(problems, guardrails::timezone(c.timezone(), *ctx_.zones));
    if (!problems.empty()) return invalid(std::move(problems));
    pb::MarketCreated e;
    e.set_market_id(c.market_id());
    e.set_tenant_id(ctx_.who.tenant_id);
    e.set_name(c.name());
    e.set_region_code(c.region_code());
    e.set_timezone(c.timezone());
    e.set_is_active(true);
    *e.mutable_created_at() = to_proto(ctx_.now);
    return events{std::move(e)};
  }

  decision<event> operator()(const pb::ActivateMarket& c) const {
    if (auto ok = expected_version(s_, c); !ok) return unexpected(ok.error());
    if (s_.is_active) return events{};
    pb::MarketActivated e;
    e.set_market_id(s_.id);
    *e.mutable_activated_at() = to_proto(ctx_.now);
    return events{std::move(e)};
  }

  decision<event> operator()(const pb::DeactivateMarket& c) const {
    if (auto ok = expected_version(s_, c); !ok) return unexpected(ok.error());
    if (!s_.is_active) return events{};
    pb::MarketDeactivated e;
    e.set_market_id(s_.id);
    *e.mutable_deactivated_at() = to_proto(ctx_.now);
    return events{std::move(e)};
  }

  decision<event> operator()(const pb::DeleteMarket& c) const {
    if (auto ok = expected_version(s_, c); !ok) return unexpected(ok.error());
    pb::MarketDeleted e;
    e.set_market_id(s_.id);
    *e.mutable_deleted_at() = to_proto(ctx_.now);
    return events{std::move(e)};
  }

  decision<event> operator()(const pb::RenameMarket& c) const {
    if (auto ok = expected_version(s_, c); !ok) return unexpected(ok.error());
    if (auto problems = guardrails::market_name(c.name()); !problems.empty()) return invalid(std::move(problems));
    if (c.name() == s_.name) return events{};
    pb::MarketRenamed e;
    e.set_market_id(s_.id);
    e.set_name(c.name());
    *e.mutable_renamed_at() = to_proto(ctx_.now);
    return events{std::move(e)};
  }

  decision<event> operator()(const pb::ChangeMarketTimezone& c) const {
    if (auto ok = expected_version(s_, c); !ok) return unexpected(ok.error());
    if (ctx_.zones == nullptr) throw std::logic_error("market decisions need the zone catalog in the context");
    if (auto problems = guardrails::timezone(c.timezone(), *ctx_.zones); !problems.empty())
      return invalid(std::move(problems));
    if (c.timezone() == s_.timezone) return events{};
    pb::MarketTimezoneChanged e;
    e.set_market_id(s_.id);
    e.set_timezone(c.timezone());
    *e.mutable_changed_at() = to_proto(ctx_.now);
    return events{std::move(e)};
  }

 private:
  const state& s_;
  const context& ctx_;
};

struct applier {
  state& s;

  void operator()(const pb::MarketCreated& e) {
    s.exists = true;
    s.id = e.market_id();
    s.tenant_id = e.tenant_id();
    s.name = e.name();
    s.region_code = e.region_code();
    s.timezone = e.timezone();
    s.is_active = e.is_active();
  }
  void operator()(const pb::MarketActivated&) { s.is_active = true; }
  void operator()(const pb::MarketDeactivated&) { s.is_active = false; }
  void operator()(const pb::MarketRenamed& e) { s.name = e.name(); }
  void operator()(const pb::MarketTimezoneChanged& e) { s.timezone = e.timezone(); }
  void operator()(const pb::MarketDeleted& e) {
    s.is_active = false;
    s.deleted_at = from_proto(e.deleted_at());
  }
};

}  // namespace

check require_usable(const state& s, const context& ctx) {
  if (!s.visible()) return refuse(errc::not_found, "No such market.");
  return require_tenant(ctx, s.tenant_id);
}

decision<event> decide(const state& s, const command& c, const context& ctx) {
  if (!std::holds_alternative<pb::CreateMarket>(c)) {
    if (auto ok = require_usable(s, ctx); !ok) return unexpected(ok.error());
  }
  if (auto ok = require_admin(ctx); !ok) return unexpected(ok.error());
  return std::visit(decider(s, ctx), c);
}

state evolve(state s, const event& e) { return apply_event<applier>(std::move(s), e); }

}  // namespace stradia::domain::market
