// ExecuteTask and ResumeExecution (Type C): the task accepts the run (lock held, parameters
// valid, pre-flight PASSED for the payload as it is; for a resume, a paused run whose
// checkpoint lasts), the market's credential for the platform is usable
// (CREDENTIAL_MISSING, CREDENTIAL_REVOKED), and the request is recorded together with the
// credential's use, in one append: a second run racing this one, or a revocation
// committed first, sends this one back to decide again and be refused. Then the token is
// opened and the executor walks the platform's steps. A 401 refreshes the token once (the
// new one sealed and recorded as a rotation); a refused refresh pauses the run with the
// steps done as its checkpoint. The answer is recorded: 200 completes the run.
#include <sodium.h>

#include "commands/command_service.hpp"
#include "commands/handler_steps.hpp"
#include "commands/oauth_refresher.hpp"
#include "commands/task_executor.hpp"
#include "commands/vault_sealer.hpp"
#include "domain/stream_ids.hpp"

namespace stradia::commands {

namespace ids = domain::stream_ids;

namespace {

constexpr auto checkpoint_lifetime = std::chrono::hours(1);

void wipe(std::string& secret) {
  sodium_memzero(secret.data(), secret.size());
  secret.clear();
}

}  // namespace

// The market's credential during one run. A refresh exchanges the sealed refresh token at
// the OAuth endpoint, seals both tokens again and records the rotation (as the system,
// deciding against the credential's latest state, so a revocation that came first wins).
class command_service::run_credential final : public platform_credential {
 public:
  run_credential(command_service& service, std::string tenant_id, std::string market_id,
                 domain::target_platform platform, std::string access_token, std::string sealed_access_token)
      : service_(service),
        tenant_id_(std::move(tenant_id)),
        market_id_(std::move(market_id)),
        platform_(platform),
        access_token_(std::move(access_token)),
        sealed_access_token_(std::move(sealed_access_token)) {}
  ~run_credential() override { wipe(access_token_); }
  run_credential(const run_credential&) = delete;
  run_credential& operator=(const run_credential&) = delete;

  const std::string& access_token() const override { return access_token_; }

  base::expected<void, std::string> refresh() override {
    auto* refresher = service_.options_.refresher;
    auto* vault = service_.options_.vault;
    if (!refresher || !vault) return base::unexpected(std::string("OAuth refresh is not configured."));
    const auto stream = ids::vault(market_id_, platform_);
    auto credential = service_.load_stream<vault_aggregate>(tenant_id_, stream);
    if (!credential) return base::unexpected(credential.error().error.detail);
    if (auto usable = domain::vault_credential::require_usable(credential->state); !usable)
      return base::unexpected(usable.error().detail);
    if (credential->state.encrypted_oauth_token != sealed_access_token_)
      return base::unexpected(std::string("The market's credential was stored again during the run."));
    if (credential->state.encrypted_refresh_token.empty())
      return base::unexpected(std::string("The market's credential has no refresh token."));
    const auto context = market_id_ + "|" + std::string(domain::name_of(platform_));
    auto refresh_token = vault->open(tenant_id_, credential->state.encrypted_refresh_token, context + "|refresh");
    if (!refresh_token || !*refresh_token)
      return base::unexpected(std::string("The market's refresh token can no longer be opened."));
    auto tokens = refresher->refresh(**refresh_token);
    if (!tokens) {
      wipe(**refresh_token);
      return base::unexpected("The OAuth refresh was refused: " + tokens.error());
    }
    auto sealed_access = vault->seal(tenant_id_, tokens->access_token, context);
    auto sealed_refresh = vault->seal(
        tenant_id_, tokens->refresh_token.empty() ? **refresh_token : tokens->refresh_token, context + "|refresh");
    wipe(**refresh_token);
    wipe(tokens->refresh_token);
    if (!sealed_access || !sealed_refresh) {
      wipe(tokens->access_token);
      return base::unexpected(std::string("The refreshed token could not be sealed."));
    }
    vault::v1::RefreshVaultCredential rotate;
    rotate.set_encrypted_oauth_token(*sealed_access);
    rotate.set_encrypted_refresh_token(*sealed_refresh);
    rotate.set_key_id(vault_key_id);
    rotate.set_replaces_encrypted_oauth_token(sealed_access_token_);
    auto recorded = service_.run_single<vault_aggregate>(domain::system_caller(tenant_id_), stream, rotate,
                                                         "RefreshVaultCredential");
    if (!recorded) {
      wipe(tokens->access_token);
      return base::unexpected("The refreshed token was not recorded: " + recorded.error().error.detail);
    }
    wipe(access_token_);
    access_token_ = std::move(tokens->access_token);
    sealed_access_token_ = std::move(*sealed_access);
    return {};
  }

 private:
  command_service& service_;
  std::string tenant_id_;
  std::string market_id_;
  domain::target_platform platform_;
  std::string access_token_;
  std::string sealed_access_token_;  // the ciphertext `access_token_` came from
};

command_result command_service::execute_task(const domain::caller& who, task::v1::ExecuteTask c) {
  const auto task_id = c.local_task_id();
  return run_execution(who, task_id, std::move(c), "ExecuteTask");
}

command_result command_service::resume_execution(const domain::caller& who, task::v1::ResumeExecution c) {
  const auto task_id = c.local_task_id();
  return run_execution(who, task_id, std::move(c), "ResumeExecution");
}

command_result command_service::run_execution(const domain::caller& who, const std::string& local_task_id,
                                              const task_aggregate::command& command, std::string_view name) {
  for (int attempt = 1;; ++attempt) {
    auto task = load_stream<task_aggregate>(who.tenant_id, ids::task(local_task_id));
    if (!task) return base::unexpected(task.error());
    const auto ctx = context_for(who);
    auto decided = task_aggregate::decide(task->state, command, ctx);
    if (!decided) return base::unexpected(domain_failure(std::move(decided).error().error));
    const auto platform = task->state.definition.target_platform();
    auto credential = load_stream<vault_aggregate>(who.tenant_id, ids::vault(task->state.market_id, platform));
    if (!credential) return base::unexpected(credential.error());
    execution_run run;
    run.platform = platform;
    run.task_title = task->state.definition.title();
    run.execution_payload = task->state.execution_payload;
    for (const auto& e : *decided)
      if (const auto* requested = std::get_if<task::v1::TaskExecutionRequested>(&e)) {
        run.execution_id = requested->execution_id();
        run.parameters = requested->parameters();
      } else if (const auto* resumed = std::get_if<task::v1::TaskExecutionResumed>(&e)) {
        run.execution_id = resumed->execution_id();
        run.parameters = task->state.executions.back().parameters;
        run.completed_steps = task->state.checkpoint_state;
      }
    vault::v1::UseVaultCredential use;
    use.set_local_task_id(local_task_id);
    use.set_execution_id(run.execution_id);
    const auto as_service = domain::context{domain::system_caller(who.tenant_id), ctx.now, ctx.new_id, ctx.zones};
    auto used = vault_aggregate::decide(credential->state, use, as_service);
    if (!used) return base::unexpected(domain_failure(std::move(used).error().error));

    unit_of_work work(who.tenant_id, metadata_for(who, name));
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
    run_credential session(*this, who.tenant_id, task->state.market_id, platform, std::move(**token),
                           credential->state.encrypted_oauth_token);
    const auto answer = options_.executor->execute(run, session);
    task::v1::RecordTaskExecution result;
    result.set_local_task_id(local_task_id);
    result.set_execution_id(run.execution_id);
    result.set_http_status(answer.http_status);
    result.set_error_log(answer.error_log);
    if (answer.paused) {
      result.set_checkpoint_state(answer.steps.empty() ? "{}" : answer.steps);
      *result.mutable_checkpoint_expires_at() = domain::to_proto(options_.clock() + checkpoint_lifetime);
    } else {
      result.set_execution_steps(answer.steps);
    }
    auto recorded = record_task_execution(who.tenant_id, result);
    // No answer (down, timed out): the run is recorded as failed, so it is not left in
    // flight and a new one may start; the reason stays in the log for operators.
    if (answer.http_status == 0 && !answer.paused)
      return base::unexpected(unavailable("The platform is unavailable; ask again later.", answer.error_log));
    if (!recorded) return recorded;
    auto out = std::move(*requested);
    out.version = recorded->version;
    out.global_position = recorded->global_position;
    for (auto& e : recorded->events) out.events.push_back(std::move(e));
    return out;
  }
}

}  // namespace stradia::commands
