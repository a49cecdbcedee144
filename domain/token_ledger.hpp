#pragma once
// TokenLedger aggregate (stream "ledger-<tenant>-<yyyy-mm>"): the AI tokens a tenant used
// in one monthly period. The 5% overdraft: AI work may start while usage plus the open
// reservations is below 105% of the quota; it reserves an estimate before calling the AI,
// and the run's actual cost settles the reservation, even past the line.
#include <cstdint>
#include <map>
#include <string>
#include <variant>

#include "domain/clock.hpp"
#include "domain/context.hpp"
#include "domain/decision.hpp"
#include "ledger.pb.h"

namespace stradia::domain::token_ledger {

namespace pb = stradia::ledger::v1;

inline constexpr std::int64_t overdraft_percent = 5;

using command = std::variant<pb::RecordTokenUsage, pb::ReserveTokens, pb::SettleTokens>;
using event =
    std::variant<pb::TokenLedgerOpened, pb::TokenUsageRecorded, pb::TokensReserved, pb::TokenReservationSettled>;

struct state {
  bool exists = false;
  std::int64_t stream_version = 0;

  std::string tenant_id;
  timestamp period_start;
  timestamp resets_at;
  std::int64_t ai_tokens_used = 0;
  std::int64_t ai_tokens_reserved = 0;  // open reservations
  struct reservation {
    std::int64_t tokens = 0;
    std::string local_task_id;
    std::string purpose;
  };
  std::map<std::string, reservation> reserved;  // by reservation id
};

// A monthly usage period, anchored on the tenant's token_reset_date: periods are
// [anchor + k months, anchor + k+1 months) for every integer k.
struct period {
  timestamp start;
  timestamp resets_at;
};
period period_at(timestamp token_reset_date, timestamp now);

// Tokens used in the period that contains `now` (0 once the ledger's period is over).
std::int64_t used_at(const state& s, timestamp now);

// May AI work start? TOKEN_QUOTA_EXCEEDED once usage and open reservations reach quota * 1.05.
check require_ai_allowance(const state& s, std::int64_t ai_token_quota, timestamp now);

enum class overdraft_state { ok, overdraft, locked };
overdraft_state overdraft_at(std::int64_t used, std::int64_t ai_token_quota);

decision<event> decide(const state& s, const command& c, const context& ctx);
state evolve(state s, const event& e);

}  // namespace stradia::domain::token_ledger
