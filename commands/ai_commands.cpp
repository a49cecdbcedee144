// AI work (pre-flight scans, Type B generation). The task accepts the request and the
// tenant's ledger reserves an estimate of the call's cost (TOKEN_QUOTA_EXCEEDED once usage
// and open reservations reach 105%), both in one append, so parallel calls cannot pass
// the line together. Then the AI is asked, the reservation is settled with the actual
// cost (charged even when a later step fails, 0 when the AI gave no answer), and the
// answer is recorded on the task.
#include <cstdio>

#include "commands/command_service.hpp"
#include "commands/handler_steps.hpp"
#include "domain/stream_ids.hpp"

namespace stradia::commands {

namespace ids = domain::stream_ids;

namespace {

// The request's answer, extended by what was recorded after it.
command_outcome merged(command_outcome first, command_outcome& later) {
  first.version = later.version;
  first.global_position = std::max(first.global_position, later.global_position);
  for (auto& e : later.events) first.events.push_back(std::move(e));
  return first;
}

}  // namespace

base::expected<command_service::ai_request, command_failure> command_service::request_ai_work(
    const domain::caller& who, const task_aggregate::command& c, const std::string& local_task_id,
    std::string_view command_name, const char* purpose, bool calls_ai) {
  for (int attempt = 1;; ++attempt) {
    auto task = load_stream<task_aggregate>(who.tenant_id, ids::task(local_task_id));
    if (!task) return base::unexpected(task.error());
    const auto ctx = context_for(who);
    auto decided = task_aggregate::decide(task->state, c, ctx);
    if (!decided) return base::unexpected(domain_failure(std::move(decided).error().error));
    auto tenant = load_stream<tenant_aggregate>(who.tenant_id, ids::tenant(who.tenant_id));
    if (!tenant) return base::unexpected(tenant.error());
    const auto period = domain::token_ledger::period_at(tenant->state.token_reset_date, ctx.now);
    auto ledger = load_stream<ledger_aggregate>(who.tenant_id, ids::ledger(who.tenant_id, period.start));
    if (!ledger) return base::unexpected(ledger.error());
    ledger::v1::ReserveTokens reserve;
    reserve.set_tenant_id(who.tenant_id);
    reserve.set_reservation_id(ctx.new_id());
    reserve.set_tokens(options_.ai_reservation_tokens);
    reserve.set_local_task_id(local_task_id);
    reserve.set_purpose(purpose);
    *reserve.mutable_period_start() = domain::to_proto(period.start);
    *reserve.mutable_resets_at() = domain::to_proto(period.resets_at);
    reserve.set_ai_token_quota(tenant->state.ai_token_quota);
    const auto as_service = domain::context{domain::system_caller(who.tenant_id), ctx.now, ctx.new_id, ctx.zones};
    auto reserved = ledger_aggregate::decide(ledger->state, reserve, as_service);
    if (!reserved) return base::unexpected(domain_failure(std::move(reserved).error().error));
    unit_of_work work(who.tenant_id, metadata_for(who, command_name));
    work.record(*task, *decided);
    // With no AI configured the request stays recorded and nothing is reserved: no call
    // would ever settle it.
    if (calls_ai) work.record(*ledger, *reserved);
    auto requested = finish(store_, work, task->stream_id, task->version);
    if (requested)
      return ai_request{std::move(*task), std::move(tenant->state), period, reserve.reservation_id(),
                        std::move(*requested)};
    if (!requested.error().raced || attempt >= options_.attempts) return base::unexpected(requested.error());
  }
}

command_result command_service::settle(const std::string& tenant_id, const ai_request& request, std::int64_t tokens) {
  ledger::v1::SettleTokens settle;
  settle.set_tenant_id(tenant_id);
  settle.set_reservation_id(request.reservation_id);
  settle.set_tokens(tokens);
  const auto stream = ids::ledger(tenant_id, request.period.start);
  return run_single<ledger_aggregate>(domain::system_caller(tenant_id), stream, settle, "SettleTokens");
}

command_result command_service::request_pre_flight_scan(const domain::caller& who, task::v1::RequestPreFlightScan c) {
  auto request = request_ai_work(who, c, c.local_task_id(), "RequestPreFlightScan", "PRE_FLIGHT_SCAN",
                                 options_.scanner != nullptr);
  if (!request) return base::unexpected(request.error());
  if (!options_.scanner) return std::move(request->requested);
  std::vector<std::string> policies;
  const auto platform = request->task.state.definition.target_platform();
  for (const auto& [id, policy] : request->tenant.policies)
    if (policy.is_active && (policy.platform == platform || policy.platform == domain::platforms::NONE))
      policies.push_back(policy.policy_text);
  // The payload scanned is the one the request was decided on: its revision goes with the
  // verdict, which does not count if the payload was edited meanwhile.
  auto verdict = options_.scanner->scan(policies, request->task.state.execution_payload, platform);
  auto charged = settle(who.tenant_id, *request, verdict ? verdict->tokens : 0);
  if (!verdict)
    return base::unexpected(unavailable("The AI service is unavailable; ask again later.", verdict.error()));
  if (!charged) return charged;
  task::v1::RecordPreFlightScanResult result;
  result.set_local_task_id(c.local_task_id());
  result.set_status(verdict->status);
  result.set_findings(verdict->findings);
  result.set_token_cost(verdict->tokens);
  result.set_payload_revision(request->task.state.payload_revision);
  auto recorded = record_pre_flight_scan_result(who.tenant_id, result);
  if (!recorded) return recorded;
  auto out = merged(std::move(request->requested), *recorded);
  out.global_position = std::max(out.global_position, charged->global_position);
  return out;
}

command_result command_service::generate_content(const domain::caller& who, task::v1::GenerateContent c) {
  auto request =
      request_ai_work(who, c, c.local_task_id(), "GenerateContent", "GENERATE_CONTENT", options_.generator != nullptr);
  if (!request) return base::unexpected(request.error());
  if (!options_.generator) return std::move(request->requested);
  const auto& definition = request->task.state.definition;
  auto generated =
      options_.generator->generate(definition.system_prompt(), definition.title(), definition.description());
  auto charged = settle(who.tenant_id, *request, generated ? generated->tokens : 0);
  if (!generated)
    return base::unexpected(unavailable("The AI service is unavailable; ask again later.", generated.error()));
  if (!charged) return charged;
  task::v1::RecordGeneratedContent result;
  result.set_local_task_id(c.local_task_id());
  result.set_content(generated->content);
  result.set_token_cost(generated->tokens);
  auto recorded = record_generated_content(who.tenant_id, result);
  if (!recorded) return recorded;
  auto out = merged(std::move(request->requested), *recorded);
  out.global_position = std::max(out.global_position, charged->global_position);
  return out;
}

}  // namespace stradia::commands
