// AI work (pre-flight scans, Type B generation): the task accepts the request, the
// tenant's ledger allows it (TOKEN_QUOTA_EXCEEDED past the 5% overdraft), the request is
// recorded, the AI is asked, and its answer and actual token cost are recorded, even when
// the cost crosses the line.
#include "commands/command_service.hpp"
#include "commands/handler_steps.hpp"
#include "domain/stream_ids.hpp"

namespace stradia::commands {

namespace ids = domain::stream_ids;

namespace {

command_failure ai_unavailable(const std::string& why) {
  return command_failure{{domain::errc::validation_failed,
                          "The AI service is unavailable (" + why + "); the request is recorded, ask again later.",
                          {}},
                         true,
                         false};
}

// The request's answer, extended by what was recorded after it.
command_outcome merged(command_outcome first, command_outcome& later) {
  first.version = later.version;
  first.global_position = std::max(first.global_position, later.global_position);
  for (auto& e : later.events) first.events.push_back(std::move(e));
  return first;
}

}  // namespace

domain::expected<command_service::ai_request, command_failure> command_service::request_ai_work(
    const domain::caller& who, const task_aggregate::command& c, const std::string& local_task_id,
    std::string_view command_name) {
  for (int attempt = 1;; ++attempt) {
    auto task = load_stream<task_aggregate>(who.tenant_id, ids::task(local_task_id));
    if (!task) return domain::unexpected(task.error());
    const auto ctx = context_for(who);
    auto decided = task_aggregate::decide(task->state, c, ctx);
    if (!decided) return domain::unexpected(domain_failure(std::move(decided).error().error));
    auto tenant = load_stream<tenant_aggregate>(who.tenant_id, ids::tenant(who.tenant_id));
    if (!tenant) return domain::unexpected(tenant.error());
    const auto period = domain::token_ledger::period_at(tenant->state.token_reset_date, ctx.now);
    auto ledger = load_stream<ledger_aggregate>(who.tenant_id, ids::ledger(who.tenant_id, period.start));
    if (!ledger) return domain::unexpected(ledger.error());
    if (auto allowed = domain::token_ledger::require_ai_allowance(ledger->state, tenant->state.ai_token_quota, ctx.now);
        !allowed)
      return domain::unexpected(domain_failure(allowed.error()));
    unit_of_work work(who.tenant_id, metadata_for(who, command_name));
    work.record(*task, *decided);
    auto requested = finish(store_, work, task->stream_id, task->version);
    if (requested) return ai_request{std::move(*task), std::move(tenant->state), period, std::move(*requested)};
    if (!requested.error().raced || attempt >= options_.attempts) return domain::unexpected(requested.error());
  }
}

command_result command_service::charge(const std::string& tenant_id, const std::string& local_task_id,
                                       std::int64_t tokens, const char* purpose,
                                       const domain::token_ledger::period& period) {
  ledger::v1::RecordTokenUsage usage;
  usage.set_tokens(tokens);
  usage.set_local_task_id(local_task_id);
  usage.set_purpose(purpose);
  *usage.mutable_period_start() = domain::to_proto(period.start);
  *usage.mutable_resets_at() = domain::to_proto(period.resets_at);
  return record_token_usage(tenant_id, usage);
}

command_result command_service::request_pre_flight_scan(const domain::caller& who, task::v1::RequestPreFlightScan c) {
  auto request = request_ai_work(who, c, c.local_task_id(), "RequestPreFlightScan");
  if (!request) return domain::unexpected(request.error());
  if (!options_.scanner) return std::move(request->requested);
  std::vector<std::string> policies;
  const auto platform = request->task.state.definition.target_platform();
  for (const auto& [id, policy] : request->tenant.policies)
    if (policy.is_active && (policy.platform == platform || policy.platform == domain::platforms::NONE))
      policies.push_back(policy.policy_text);
  auto verdict = options_.scanner->scan(policies, request->task.state.execution_payload, platform);
  if (!verdict) return domain::unexpected(ai_unavailable(verdict.error()));
  task::v1::RecordPreFlightScanResult result;
  result.set_local_task_id(c.local_task_id());
  result.set_status(verdict->status);
  result.set_findings(verdict->findings);
  result.set_token_cost(verdict->tokens);
  auto recorded = record_pre_flight_scan_result(who.tenant_id, result);
  if (!recorded) return recorded;
  auto charged = charge(who.tenant_id, c.local_task_id(), verdict->tokens, "PRE_FLIGHT_SCAN", request->period);
  if (!charged) return charged;
  auto out = merged(std::move(request->requested), *recorded);
  out.global_position = std::max(out.global_position, charged->global_position);
  return out;
}

command_result command_service::generate_content(const domain::caller& who, task::v1::GenerateContent c) {
  auto request = request_ai_work(who, c, c.local_task_id(), "GenerateContent");
  if (!request) return domain::unexpected(request.error());
  if (!options_.generator) return std::move(request->requested);
  const auto& definition = request->task.state.definition;
  auto generated =
      options_.generator->generate(definition.system_prompt(), definition.title(), definition.description());
  if (!generated) return domain::unexpected(ai_unavailable(generated.error()));
  task::v1::RecordGeneratedContent result;
  result.set_local_task_id(c.local_task_id());
  result.set_content(generated->content);
  result.set_token_cost(generated->tokens);
  auto recorded = record_generated_content(who.tenant_id, result);
  if (!recorded) return recorded;
  auto charged = charge(who.tenant_id, c.local_task_id(), generated->tokens, "GENERATE_CONTENT", request->period);
  if (!charged) return charged;
  auto out = merged(std::move(request->requested), *recorded);
  out.global_position = std::max(out.global_position, charged->global_position);
  return out;
}

}  // namespace stradia::commands
