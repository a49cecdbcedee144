#include "projections/token_usage.hpp"

#include "domain/clock.hpp"
#include "domain/event_codec.hpp"
#include "domain/tenant.hpp"
#include "domain/token_ledger.hpp"

namespace stradia::projections {

namespace {

namespace tenant_pb = stradia::tenant::v1;
namespace ledger_pb = stradia::ledger::v1;
using envelope = stradia::envelope::v1::EventEnvelope;

enum quota_column { q_tenant, q_quota, q_reset_date, q_position, quota_width };
enum period_column { p_stream, p_tenant, p_start, p_resets_at, p_used, p_position, period_width };

}  // namespace

token_usage::token_usage()
    : quotas_("read_token_quotas", {"tenant_id", "ai_token_quota", "token_reset_date", "position"}, "uuid"),
      periods_("read_token_periods",
               {"ledger_stream_id", "tenant_id", "period_start", "resets_at", "ai_tokens_used", "position"}, "text") {}

bool token_usage::reads(const envelope& e) const {
  return e.event_type() == "TenantCreated" || e.event_type() == "TenantPlanUpdated" ||
         !stream_id_of(e, "ledger").empty();
}

void token_usage::load(pqxx::transaction_base& t, const std::vector<const envelope*>& batch) {
  std::vector<std::string> tenants, ledgers;
  for (const auto* e : batch) {
    if (!stream_id_of(*e, "ledger").empty())
      ledgers.push_back(e->stream_id());
    else if (auto tenant = stream_id_of(*e, "tenant"); !tenant.empty())
      tenants.emplace_back(tenant);
  }
  quotas_.load(t, tenants);
  periods_.load(t, ledgers);
}

void token_usage::apply(const envelope& e, const decoded_payload&) {
  const auto position = std::to_string(e.global_position());
  if (!stream_id_of(e, "ledger").empty()) {
    auto event = decode_checked<domain::token_ledger::event>(e);
    if (!event) return;
    if (const auto* opened = std::get_if<ledger_pb::TokenLedgerOpened>(&*event)) {
      row r(period_width);
      r[p_stream] = e.stream_id();
      r[p_tenant] = opened->tenant_id();
      r[p_start] = domain::format_rfc3339(opened->period_start());
      r[p_resets_at] = domain::format_rfc3339(opened->resets_at());
      r[p_used].emplace(1, '0');
      r[p_position] = position;
      periods_.insert(std::move(r));
    } else if (const auto* recorded = std::get_if<ledger_pb::TokenUsageRecorded>(&*event)) {
      if (row* r = periods_.change(e.stream_id())) {
        (*r)[p_used] = std::to_string(recorded->ai_tokens_used());
        (*r)[p_position] = position;
      }
    } else if (const auto* settled = std::get_if<ledger_pb::TokenReservationSettled>(&*event)) {
      if (row* r = periods_.change(e.stream_id())) {
        (*r)[p_used] = std::to_string(settled->ai_tokens_used());
        (*r)[p_position] = position;
      }
    }
    return;
  }
  auto event = decode_checked<domain::tenant::event>(e);
  if (!event) return;
  if (const auto* created = std::get_if<tenant_pb::TenantCreated>(&*event)) {
    row r(quota_width);
    r[q_tenant] = entity_key(e, "tenant");
    r[q_quota] = std::to_string(created->ai_token_quota());
    r[q_reset_date] = domain::format_rfc3339(created->token_reset_date());
    r[q_position] = position;
    quotas_.insert(std::move(r));
  } else if (const auto* updated = std::get_if<tenant_pb::TenantPlanUpdated>(&*event)) {
    if (row* r = quotas_.change(entity_key(e, "tenant"))) {
      (*r)[q_quota] = std::to_string(updated->ai_token_quota());
      (*r)[q_position] = position;
    }
  }
}

void token_usage::flush(pqxx::transaction_base& t, write_mode mode) {
  quotas_.flush(t, mode);
  periods_.flush(t, mode);
}

}  // namespace stradia::projections
