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
  if (overdraft_at(used, quota) != overdraft_state::locked) return {};
  return refuse(errc::token_quota_exceeded, "AI token quota exceeded: " + std::to_string(used) + " of " +
                                                std::to_string(quota) + " used, past the 5% overdraft.");
}

decision<event> decide(const state& s, const command& c, const context& ctx) {
  const auto& usage = std::get<pb::RecordTokenUsage>(c);
  if (auto ok = require_system(ctx); !ok) return unexpected(ok.error());
  if (usage.tokens() < 0) return invalid("tokens", "Number must be greater than or equal to 0");
  events out;
  std::int64_t used = s.ai_tokens_used;
  if (!s.exists) {
    pb::TokenLedgerOpened opened;
    opened.set_tenant_id(usage.tenant_id());
    *opened.mutable_period_start() = usage.period_start();
    *opened.mutable_resets_at() = usage.resets_at();
    out.push_back(std::move(opened));
    used = 0;
  }
  pb::TokenUsageRecorded recorded;
  recorded.set_tenant_id(usage.tenant_id());
  recorded.set_tokens(usage.tokens());
  recorded.set_ai_tokens_used(used + usage.tokens());
  recorded.set_local_task_id(usage.local_task_id());
  recorded.set_purpose(usage.purpose());
  *recorded.mutable_recorded_at() = to_proto(ctx.now);
  out.push_back(std::move(recorded));
  return out;
}

state evolve(state s, const event& e) { return apply_event<applier>(std::move(s), e); }

}  // namespace stradia::domain::token_ledger
