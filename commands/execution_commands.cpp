// ExecuteTask (Type C): the task accepts it (lock held, parameters valid, pre-flight
// PASSED for the payload as it is, no run in flight), the market's credential for the
// platform is usable (CREDENTIAL_MISSING, CREDENTIAL_REVOKED), and the request is recorded
// together with the credential's use, in one append: a second run racing this one, or a
// revocation committed first, sends this one back to decide again and be refused. Then
// the token is opened, the platform called, and its answer recorded: 200 completes the
// run, 401 pauses it with a checkpoint.
#include "commands/command_service.hpp"
#include "commands/handler_steps.hpp"
#include "commands/task_executor.hpp"
#include "commands/vault_sealer.hpp"
#include "domain/stream_ids.hpp"

namespace stradia::commands {

namespace ids = domain::stream_ids;

namespace {

constexpr auto checkpoint_lifetime = std::chrono::hours(1);

}  // namespace

command_result command_service::execute_task(const domain::caller& who, task::v1::ExecuteTask c) {
  for (int attempt = 1;; ++attempt) {
    auto task = load_stream<task_aggregate>(who.tenant_id, ids::task(c.local_task_id()));
    if (!task) return base::unexpected(task.error());
    const auto ctx = context_for(who);
    auto decided = task_aggregate::decide(task->state, c, ctx);
    if (!decided) return base::unexpected(domain_failure(std::move(decided).error().error));
    const auto platform = task->state.definition.target_platform();
    auto credential = load_stream<vault_aggregate>(who.tenant_id, ids::vault(task->state.market_id, platform));
    if (!credential) return base::unexpected(credential.error());
    std::string execution_id;
    task::v1::ExecutionParameters parameters;
    for (const auto& e : *decided)
      if (const auto* requested = std::get_if<task::v1::TaskExecutionRequested>(&e)) {
        execution_id = requested->execution_id();
        parameters = requested->parameters();
      }
    vault::v1::UseVaultCredential use;
    use.set_local_task_id(c.local_task_id());
    use.set_execution_id(execution_id);
    const auto as_service = domain::context{domain::system_caller(who.tenant_id), ctx.now, ctx.new_id, ctx.zones};
    auto used = vault_aggregate::decide(credential->state, use, as_service);
    if (!used) return base::unexpected(domain_failure(std::move(used).error().error));

    unit_of_work work(who.tenant_id, metadata_for(who, "ExecuteTask"));
    work.record(*task, *decided);
    work.record(*credential, *used);
    auto requested = finish(store_, work, task->stream_id, task->version);
    if (!requested && requested.error().raced && attempt < options_.attempts) continue;
    if (!requested || !options_.executor || !options_.vault) return requested;

    const auto context = task->state.market_id + "|" + std::string(domain::name_of(platform));
    auto token = options_.vault->open(who.tenant_id, credential->state.encrypted_oauth_token, context);
    if (!token) return base::unexpected(store_failure(token.error()));
    if (!*token)
      return base::unexpected(
          domain_failure({domain::errc::credential_revoked, "The market's credential can no longer be opened.", {}}));
    auto answer = options_.executor->execute(platform, **token, task->state.execution_payload, parameters);
    task::v1::RecordTaskExecution result;
    result.set_local_task_id(c.local_task_id());
    result.set_execution_id(execution_id);
    if (!answer) {
      // No answer (down, timed out): the run is recorded as failed, so it is not left in
      // flight and a new one may start; the reason stays in the log for operators.
      result.set_http_status(0);
      result.set_error_log("The platform did not answer.");
      (void)record_task_execution(who.tenant_id, result);
      return base::unexpected(unavailable("The platform is unavailable; ask again later.", answer.error()));
    }
    result.set_http_status(answer->http_status);
    result.set_error_log(answer->error_log);
    if (!answer->checkpoint_state.empty()) {
      result.set_checkpoint_state(answer->checkpoint_state);
      *result.mutable_checkpoint_expires_at() = domain::to_proto(ctx.now + checkpoint_lifetime);
    }
    auto recorded = record_task_execution(who.tenant_id, result);
    if (!recorded) return recorded;
    auto out = std::move(*requested);
    out.version = recorded->version;
    out.global_position = recorded->global_position;
    for (auto& e : recorded->events) out.events.push_back(std::move(e));
    return out;
  }
}

}  // namespace stradia::commands
