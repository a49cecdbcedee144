#include "domain/token_ledger.hpp"

#include "domain/access.hpp"

namespace stradia::domain::token_ledger {

namespace {

using events = std::vector<event>;

struct applier {
  state& s;

  void operator()(const pb::TokenLedgerOpened& e) {
    s.exists = true;
    s.tenant_id = e.tenant_id();
    s.period_start = from_proto(e.period_start());
    s.resets_at = from_proto(e.resets_at());
  }
  void operator()(const pb::TokenUsageRecorded& e) { s.ai_tokens_used = e.ai_tokens_used(); }
  void operator()(const pb::TokensReserved& e) {
    s.reserved[e.reservation_id()] = state::reservation{e.tokens(), e.local_task_id(), e.purpose()};
    s.ai_tokens_reserved = e.ai_tokens_reserved();
  }
  void operator()(const pb::TokenReservationSettled& e) {
    s.reserved.erase(e.reservation_id());
    s.ai_tokens_used = e.ai_tokens_used();
    s.ai_tokens_reserved = e.ai_tokens_reserved();
  }
};

}  // namespace

period period_at(timestamp token_reset_date, timestamp now) {
  // Months between the anchor and now, then corrected by one either way because the
  // day of month and time of day can put `now` before the estimated boundary.
  const auto anchor_ym = std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(token_reset_date)};
  const auto now_ym = std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(now)};
  int k = (static_cast<int>(now_ym.year()) - static_cast<int>(anchor_ym.year())) * 12 +
          (static_cast<int>(static_cast<unsigned>(now_ym.month())) -
           static_cast<int>(static_cast<unsigned>(anchor_ym.month())));
  while (add_months(token_reset_date, k) > now) --k;
  while (add_months(token_reset_date, k + 1) <= now) ++k;
  return period{add_months(token_reset_date, k), add_months(token_reset_date, k + 1)};
}

std::int64_t used_at(const state& s, timestamp now) {
  if (!s.exists || now >= s.resets_at || now < s.period_start) return 0;
  return s.ai_tokens_used;
}

overdraft_state overdraft_at(std::int64_t used, std::int64_t quota) {
  // In 128 bits: a quota near the int64 limit must not overflow into "locked".
  __extension__ using wide = __int128;
  if (static_cast<wide>(used) * 100 >= static_cast<wide>(quota) * (100 + overdraft_percent))
    return overdraft_state::locked;
  if (used > quota) return overdraft_state::overdraft;
  return overdraft_state::ok;
}

check require_ai_allowance(const state& s, std::int64_t quota, timestamp now) {
  const auto used = used_at(s, now);
  const auto reserved = s.exists && now >= s.period_start && now < s.resets_at ? s.ai_tokens_reserved : 0;
  if (overdraft_at(used + reserved, quota) != overdraft_state::locked) return {};
  return refuse(errc::token_quota_exceeded, "AI token quota exceeded: " + std::to_string(used) + " of " +
                                                std::to_string(quota) + " used, past the 5% overdraft.");
}

namespace {

// The ledger's first event of a period, when the stream is new.
void open_if_new(const state& s, const std::string& tenant_id, const google::protobuf::Timestamp& period_start,
                 const google::protobuf::Timestamp& resets_at, events& out) {
  if (s.exists) return;
  pb::TokenLedgerOpened opened;
  opened.set_tenant_id(tenant_id);
  *opened.mutable_period_start() = period_start;
  *opened.mutable_resets_at() = resets_at;
  out.push_back(std::move(opened));
}

class decider {
 public:
  decider(const state& s, const context& ctx) : s_(s), ctx_(ctx) {}

  decision<event> operator()(const pb::RecordTokenUsage& usage) const {
    if (usage.tokens() < 0) return invalid("tokens", "Number must be greater than or equal to 0");
    events out;
    open_if_new(s_, usage.tenant_id(), usage.period_start(), usage.resets_at(), out);
    pb::TokenUsageRecorded recorded;
    recorded.set_tenant_id(usage.tenant_id());
    recorded.set_tokens(usage.tokens());
    recorded.set_ai_tokens_used((s_.exists ? s_.ai_tokens_used : 0) + usage.tokens());
    recorded.set_local_task_id(usage.local_task_id());
    recorded.set_purpose(usage.purpose());
    *recorded.mutable_recorded_at() = to_proto(ctx_.now);
    out.push_back(std::move(recorded));
    return out;
  }

  decision<event> operator()(const pb::ReserveTokens& c) const {
    if (c.tokens() < 0) return invalid("tokens", "Number must be greater than or equal to 0");
    if (auto allowed = require_ai_allowance(s_, c.ai_token_quota(), ctx_.now); !allowed)
      return unexpected(allowed.error());
    events out;
    open_if_new(s_, c.tenant_id(), c.period_start(), c.resets_at(), out);
    pb::TokensReserved e;
    e.set_tenant_id(c.tenant_id());
    e.set_reservation_id(c.reservation_id());
    e.set_tokens(c.tokens());
    e.set_ai_tokens_reserved((s_.exists ? s_.ai_tokens_reserved : 0) + c.tokens());
    e.set_local_task_id(c.local_task_id());
    e.set_purpose(c.purpose());
    *e.mutable_reserved_at() = to_proto(ctx_.now);
    out.push_back(std::move(e));
    return out;
  }

  decision<event> operator()(const pb::SettleTokens& c) const {
    if (c.tokens() < 0) return invalid("tokens", "Number must be greater than or equal to 0");
    const auto open = s_.reserved.find(c.reservation_id());
    if (open == s_.reserved.end()) return events{};  // settled already (a retry)
    pb::TokenReservationSettled e;
    e.set_tenant_id(c.tenant_id());
    e.set_reservation_id(c.reservation_id());
    e.set_reserved(open->second.tokens);
    e.set_tokens(c.tokens());
    e.set_ai_tokens_used(s_.ai_tokens_used + c.tokens());
    e.set_ai_tokens_reserved(std::max<std::int64_t>(0, s_.ai_tokens_reserved - open->second.tokens));
    e.set_local_task_id(open->second.local_task_id);
    e.set_purpose(open->second.purpose);
    *e.mutable_settled_at() = to_proto(ctx_.now);
    return events{std::move(e)};
  }

 private:
  const state& s_;
  const context& ctx_;
};

}  // namespace

decision<event> decide(const state& s, const command& c, const context& ctx) {
  if (auto ok = require_system(ctx); !ok) return unexpected(ok.error());
  return std::visit(decider(s, ctx), c);
}

state evolve(state s, const event& e) { return apply_event<applier>(std::move(s), e); }

}  // namespace stradia::domain::token_ledger
