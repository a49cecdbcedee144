#include "domain/token_ledger.hpp"

#include "domain/fixtures.hpp"

namespace stradia::testing {
namespace {

namespace tl = domain::token_ledger;
namespace pb = stradia::ledger::v1;
using domain::errc;

constexpr std::int64_t quota = 100000;
const timestamp reset_date = domain::add_months(base_time, 1);

tl::state ledger_with(std::int64_t used) {
  pb::RecordTokenUsage c;
  c.set_tenant_id(tenant_id);
  c.set_tokens(used);
  c.set_purpose("OPENING_BALANCE");
  const auto period = tl::period_at(reset_date, base_time);
  *c.mutable_period_start() = domain::to_proto(period.start);
  *c.mutable_resets_at() = domain::to_proto(period.resets_at);
  auto d = tl::decide({}, c, context_for(as_system()));
  EXPECT_TRUE(d.has_value());
  return fold(tl::state{}, *d, tl::evolve);
}

TEST(TokenLedger, AiWorkIsAllowedAt99500Of100000) {
  EXPECT_TRUE(tl::require_ai_allowance(ledger_with(99500), quota, base_time).has_value());
}

TEST(TokenLedger, AiWorkIsAllowedInsideTheFivePercentOverdraft) {
  EXPECT_TRUE(tl::require_ai_allowance(ledger_with(104999), quota, base_time).has_value());
  EXPECT_EQ(tl::overdraft_at(104999, quota), tl::overdraft_state::overdraft);
}

TEST(TokenLedger, AiWorkIsRefusedAt105PercentAndAbove) {
  for (std::int64_t used : {105000, 105001, 250000}) {
    auto ok = tl::require_ai_allowance(ledger_with(used), quota, base_time);
    ASSERT_FALSE(ok.has_value()) << used;
    EXPECT_EQ(ok.error().code, errc::token_quota_exceeded) << used;
  }
}

TEST(TokenLedger, ARunsActualCostIsRecordedEvenPastTheLine) {
  auto s = ledger_with(104999);
  pb::RecordTokenUsage run;
  run.set_tenant_id(tenant_id);
  run.set_tokens(900);
  run.set_purpose("PRE_FLIGHT_SCAN");
  auto d = tl::decide(s, run, context_for(as_system()));
  ASSERT_TRUE(d.has_value());
  s = fold(s, *d, tl::evolve);
  EXPECT_EQ(s.ai_tokens_used, 105899);
  EXPECT_FALSE(tl::require_ai_allowance(s, quota, base_time).has_value());
}

TEST(TokenLedger, UsageResetsAtTheTokenResetDate) {
  auto s = ledger_with(200000);
  EXPECT_FALSE(tl::require_ai_allowance(s, quota, reset_date - 1us).has_value());
  EXPECT_TRUE(tl::require_ai_allowance(s, quota, reset_date).has_value());
  EXPECT_EQ(tl::used_at(s, reset_date), 0);
}

TEST(TokenLedger, PeriodsAreMonthlyFromTheResetDate) {
  const auto anchor = timestamp{std::chrono::sys_days{std::chrono::year{2026} / 1 / 31} + 12h};
  const auto p = tl::period_at(anchor, anchor + 3h);
  EXPECT_EQ(p.start, anchor);
  EXPECT_EQ(p.resets_at, timestamp{std::chrono::sys_days{std::chrono::year{2026} / 2 / 28} + 12h});
  const auto before = tl::period_at(anchor, anchor - 1us);
  EXPECT_EQ(before.resets_at, anchor);
  EXPECT_EQ(before.start, timestamp{std::chrono::sys_days{std::chrono::year{2025} / 12 / 31} + 12h});
  const auto later = tl::period_at(anchor, anchor + std::chrono::days{400});
  EXPECT_LE(later.start, anchor + std::chrono::days{400});
  EXPECT_GT(later.resets_at, anchor + std::chrono::days{400});
}

TEST(TokenLedger, OnlyTheServiceRecordsUsage) {
  pb::RecordTokenUsage c;
  c.set_tokens(1);
  EXPECT_EQ(refusal_code(tl::decide({}, c, context_for(as_admin()))), errc::forbidden);
}

pb::ReserveTokens reserve(std::string id, std::int64_t tokens) {
  pb::ReserveTokens c;
  c.set_tenant_id(tenant_id);
  c.set_reservation_id(std::move(id));
  c.set_tokens(tokens);
  c.set_ai_token_quota(quota);
  c.set_purpose("GENERATE_CONTENT");
  const auto period = tl::period_at(reset_date, base_time);
  *c.mutable_period_start() = domain::to_proto(period.start);
  *c.mutable_resets_at() = domain::to_proto(period.resets_at);
  return c;
}

pb::SettleTokens settle(std::string id, std::int64_t tokens) {
  pb::SettleTokens c;
  c.set_tenant_id(tenant_id);
  c.set_reservation_id(std::move(id));
  c.set_tokens(tokens);
  return c;
}

tl::state run(tl::state s, const tl::command& c) {
  auto d = tl::decide(s, c, context_for(as_system()));
  EXPECT_TRUE(d.has_value()) << (d ? "" : d.error().error.detail);
  return d ? fold(std::move(s), *d, tl::evolve) : s;
}

// Parallel AI calls each reserve before they call: the open reservations count against
// the 105% line, so they cannot all pass it at once.
TEST(TokenLedger, OpenReservationsCountAgainstTheOverdraftLine) {
  auto s = run(ledger_with(103000), reserve("r1", 2000));
  EXPECT_EQ(s.ai_tokens_reserved, 2000);
  EXPECT_EQ(refusal_code(tl::decide(s, reserve("r2", 2000), context_for(as_system()))), errc::token_quota_exceeded);
  s = run(s, settle("r1", 700));
  EXPECT_EQ(s.ai_tokens_used, 103700);
  EXPECT_EQ(s.ai_tokens_reserved, 0);
  EXPECT_TRUE(tl::decide(s, reserve("r2", 2000), context_for(as_system())).has_value());
}

TEST(TokenLedger, SettlingChargesTheActualCostOnceEvenPastTheLine) {
  auto s = run(run(ledger_with(104000), reserve("r1", 500)), settle("r1", 9000));
  EXPECT_EQ(s.ai_tokens_used, 113000) << "the actual cost is charged, not the estimate";
  auto again = tl::decide(s, settle("r1", 9000), context_for(as_system()));
  ASSERT_TRUE(again.has_value());
  EXPECT_TRUE(again->empty()) << "a retried settlement charges nothing twice";
}

TEST(TokenLedger, ClientsCannotReserveOrSettle) {
  EXPECT_EQ(refusal_code(tl::decide(ledger_with(0), reserve("r1", 10), context_for(as_admin()))), errc::forbidden);
}

}  // namespace
}  // namespace stradia::testing
