#include "commands/command_service.hpp"

#include <cstdio>
#include <thread>

#include "commands/aggregates.hpp"
#include "commands/handler_steps.hpp"
#include "domain/stream_ids.hpp"

namespace stradia::commands {

namespace ids = domain::stream_ids;

command_failure store_failure(const eventstore::store_error& error) {
  switch (error.code) {
    case eventstore::store_errc::version_conflict:
      return {{domain::errc::version_conflict, "Another change came first.", {}}, false, true};
    case eventstore::store_errc::foreign_stream:
      // A client-chosen id of another tenant's entity: as if it did not exist (API.md §2).
      return {{domain::errc::not_found, "No such entity.", {}}, false, false};
    case eventstore::store_errc::event_id_conflict:
      return {{domain::errc::version_conflict, "The change was already recorded differently.", {}}, false, false};
    case eventstore::store_errc::invalid_request:
      return {{domain::errc::validation_failed, error.message, {}}, false, false};
    case eventstore::store_errc::retryable: break;
  }
  return {{domain::errc::validation_failed, "The event store is unavailable; try again.", {}}, true, false};
}

command_failure unavailable(std::string detail, const std::string& reason) {
  std::fprintf(stderr, "stradia: %s (%s)\n", detail.c_str(), reason.c_str());
  return command_failure{{domain::errc::validation_failed, std::move(detail), {}}, true, false};
}

command_result finish(eventstore::event_log& store, unit_of_work& work, const std::string& stream,
                      std::int64_t version_before, std::vector<std::pair<std::string, std::string>> created) {
  command_outcome out{work.metadata().correlation_id, stream, version_before, 0, {}, std::move(created)};
  if (work.empty()) return out;
  auto committed = work.commit(store);
  if (!committed) return base::unexpected(committed.error());
  for (const auto& s : committed->streams)
    if (s.stream_id == stream) out.version = s.last_version;
  out.global_position = committed->last_position;
  out.events = std::move(work.events_json());
  return out;
}

command_service::command_service(eventstore::event_log& store, command_service_options options)
    : store_(store), options_(std::move(options)) {}

domain::context command_service::context_for(const domain::caller& who) const {
  return domain::context{who, options_.clock(), [] { return new_uuid(); }, options_.zones, &payload_rules_};
}

event_metadata command_service::metadata_for(const domain::caller& who, std::string_view command) const {
  if (!who.idempotent_command_id.empty())
    return event_metadata{who.idempotent_command_id, "", who.user_id, std::string(command), true};
  return event_metadata{new_uuid(), "", who.user_id, std::string(command)};
}

command_result command_service::with_retries(const std::function<command_result()>& attempt) const {
  for (int i = 1;; ++i) {
    auto result = attempt();
    if (result || !result.error().raced || i >= options_.attempts) return result;
    std::this_thread::sleep_for(std::chrono::microseconds(200 * i));
  }
}

// One stream. First on the state this process last saw, without reading: when that
// decision changes something, the append's expected version proves the state was
// current (or the race sends us to the checked path). Refusals and no-ops are only
// answered from a fresh read, since nothing would prove a stale state wrong.
template <class Aggregate>
command_result command_service::run_single(const domain::caller& who, std::string stream_id,
                                           typename Aggregate::command c, std::string_view command_name) {
  auto& cache = std::get<stream_cache<Aggregate>>(caches_);
  const auto key = who.tenant_id + "/" + stream_id;
  // Records the events; on success the evolved state becomes what this process last saw.
  auto commit = [&](loaded<Aggregate> stream, const std::vector<typename Aggregate::event>& events,
                    const event_metadata& metadata) {
    unit_of_work work(who.tenant_id, metadata);
    work.record(stream, events);
    auto result = finish(store_, work, stream.stream_id, stream.version);
    if (result && !events.empty()) {
      for (const auto& e : events) stream.state = Aggregate::evolve(std::move(stream.state), e);
      stream.version = result->version;
      cache.keep(key, std::move(stream));
    } else if (!result && result.error().raced) {
      cache.keep(key, std::move(stream));  // still a true prefix: the checked path reads only what came after
    }
    return result;
  };
  if (auto cached = cache.take(key)) {
    auto decided = cached->state.exists
                       ? Aggregate::decide(cached->state, c, context_for(who))
                       : domain::decision<typename Aggregate::event>{std::vector<typename Aggregate::event>{}};
    if (decided && !decided->empty()) {
      auto result = commit(std::move(*cached), *decided, metadata_for(who, command_name));
      if (result || !result.error().raced) return result;
    } else {
      cache.keep(key, std::move(*cached));  // the checked path below starts from it
    }
  }
  return with_retries([&]() -> command_result {
    auto stream = load_stream<Aggregate>(who.tenant_id, stream_id);
    if (!stream) return base::unexpected(stream.error());
    const auto metadata = metadata_for(who, command_name);
    auto decided = Aggregate::decide(stream->state, c, context_for(who));
    if (!decided) return refuse_recording(store_, *stream, std::move(decided).error(), metadata, who.tenant_id);
    return commit(std::move(*stream), *decided, metadata);
  });
}

// ---- tenancy and governance ----

command_result command_service::create_tenant(const domain::caller& who, tenant::v1::CreateTenant c) {
  // Refused before anything is read: the client's tenant id must not become a read context.
  if (!who.is_system)
    return base::unexpected(domain_failure({domain::errc::forbidden, "Only the service itself may do this.", {}}));
  if (c.tenant_id().empty()) c.set_tenant_id(new_uuid());
  // The tenant being created is the one this system caller acts in.
  domain::caller in_tenant = who;
  in_tenant.tenant_id = c.tenant_id();
  auto result = run_single<tenant_aggregate>(in_tenant, ids::tenant(c.tenant_id()), c, "CreateTenant");
  if (result) result->created.emplace_back("tenant_id", c.tenant_id());
  return result;
}

command_result command_service::deactivate_tenant(const std::string& tenant_id) {
  tenant::v1::DeactivateTenant c;
  c.set_tenant_id(tenant_id);
  return run_single<tenant_aggregate>(domain::system_caller(tenant_id), ids::tenant(tenant_id), c, "DeactivateTenant");
}

command_result command_service::activate_tenant(const std::string& tenant_id) {
  tenant::v1::ActivateTenant c;
  c.set_tenant_id(tenant_id);
  return run_single<tenant_aggregate>(domain::system_caller(tenant_id), ids::tenant(tenant_id), c, "ActivateTenant");
}

command_result command_service::update_tenant_plan(const domain::caller& who, tenant::v1::UpdateTenantPlan c) {
  return run_single<tenant_aggregate>(who, ids::tenant(who.tenant_id), c, "UpdateTenantPlan");
}

command_result command_service::create_governance_policy(const domain::caller& who,
                                                         tenant::v1::CreateGovernancePolicy c) {
  if (c.policy_id().empty()) c.set_policy_id(new_uuid());
  auto result = run_single<tenant_aggregate>(who, ids::tenant(who.tenant_id), c, "CreateGovernancePolicy");
  if (result) result->created.emplace_back("policy_id", c.policy_id());
  return result;
}

command_result command_service::deactivate_governance_policy(const domain::caller& who,
                                                             tenant::v1::DeactivateGovernancePolicy c) {
  return run_single<tenant_aggregate>(who, ids::tenant(who.tenant_id), c, "DeactivateGovernancePolicy");
}

// ---- board ----

command_result command_service::move_task(const domain::caller& who, task::v1::MoveTask c) {
  return run_single<task_aggregate>(who, ids::task(c.local_task_id()), c, "MoveTask");
}

command_result command_service::acquire_lock(const domain::caller& who, task::v1::AcquireLock c) {
  return run_single<task_aggregate>(who, ids::task(c.local_task_id()), c, "AcquireLock");
}

command_result command_service::release_lock(const domain::caller& who, task::v1::ReleaseLock c) {
  return run_single<task_aggregate>(who, ids::task(c.local_task_id()), c, "ReleaseLock");
}

command_result command_service::update_execution_payload(const domain::caller& who,
                                                         task::v1::UpdateExecutionPayload c) {
  return run_single<task_aggregate>(who, ids::task(c.local_task_id()), c, "UpdateExecutionPayload");
}

command_result command_service::add_task_note(const domain::caller& who, task::v1::AddTaskNote c) {
  return run_single<task_aggregate>(who, ids::task(c.local_task_id()), c, "AddTaskNote");
}

command_result command_service::accept_ghost_card(const domain::caller& who, task::v1::AcceptGhostCard c) {
  return run_single<task_aggregate>(who, ids::task(c.local_task_id()), c, "AcceptGhostCard");
}

command_result command_service::reject_ghost_card(const domain::caller& who, task::v1::RejectGhostCard c) {
  return run_single<task_aggregate>(who, ids::task(c.local_task_id()), c, "RejectGhostCard");
}

command_result command_service::record_pre_flight_scan_result(const std::string& tenant_id,
                                                              task::v1::RecordPreFlightScanResult c) {
  return run_single<task_aggregate>(domain::system_caller(tenant_id), ids::task(c.local_task_id()), c,
                                    "RecordPreFlightScanResult");
}

command_result command_service::record_generated_content(const std::string& tenant_id,
                                                         task::v1::RecordGeneratedContent c) {
  return run_single<task_aggregate>(domain::system_caller(tenant_id), ids::task(c.local_task_id()), c,
                                    "RecordGeneratedContent");
}

command_result command_service::record_task_execution(const std::string& tenant_id, task::v1::RecordTaskExecution c) {
  return run_single<task_aggregate>(domain::system_caller(tenant_id), ids::task(c.local_task_id()), c,
                                    "RecordTaskExecution");
}

command_result command_service::record_token_usage(const std::string& tenant_id, ledger::v1::RecordTokenUsage c) {
  c.set_tenant_id(tenant_id);
  const auto stream = ids::ledger(tenant_id, domain::from_proto(c.period_start()));
  return run_single<ledger_aggregate>(domain::system_caller(tenant_id), stream, c, "RecordTokenUsage");
}

command_result command_service::expire_lock(const std::string& tenant_id, task::v1::ExpireLock c) {
  return run_single<task_aggregate>(domain::system_caller(tenant_id), ids::task(c.local_task_id()), c, "ExpireLock");
}

command_result command_service::change_board_status(const std::string& tenant_id, board::v1::ChangeBoardStatus c) {
  return run_single<board_aggregate>(domain::system_caller(tenant_id), ids::board(c.local_board_id()), c,
                                     "ChangeBoardStatus");
}

command_result command_service::create_custom_local_task(const domain::caller& who,
                                                         board::v1::CreateCustomLocalTask c) {
  if (c.local_task_id().empty()) c.set_local_task_id(new_uuid());
  return with_retries([&]() -> command_result {
    auto board = load_stream<board_aggregate>(who.tenant_id, ids::board(c.local_board_id()));
    if (!board) return base::unexpected(board.error());
    auto task = load_stream<task_aggregate>(who.tenant_id, ids::task(c.local_task_id()));
    if (!task) return base::unexpected(task.error());
    const auto ctx = context_for(who);
    auto on_board = board_aggregate::decide(board->state, c, ctx);
    if (!on_board) return base::unexpected(domain_failure(std::move(on_board).error().error));
    const auto& added = std::get<domain::local_board::pb::BoardTaskAdded>(on_board->front());
    task::v1::CreateLocalTask create;
    create.set_local_task_id(added.local_task_id());
    create.set_local_board_id(board->state.id);
    create.set_market_id(board->state.market_id);
    *create.mutable_definition() = added.definition();
    create.set_is_custom_local_task(true);
    auto created = task_aggregate::decide(
        task->state, create, domain::context{domain::system_caller(who.tenant_id), ctx.now, ctx.new_id, ctx.zones});
    if (!created) return base::unexpected(domain_failure(std::move(created).error().error));
    unit_of_work work(who.tenant_id, metadata_for(who, "CreateCustomLocalTask"));
    work.record(*board, *on_board);
    work.record(*task, *created);
    return finish(store_, work, task->stream_id, task->version, {{"local_task_id", c.local_task_id()}});
  });
}

}  // namespace stradia::commands

namespace stradia::commands {

// The other handler files use these instantiations.
template command_result command_service::run_single<strategy_aggregate>(const domain::caller&, std::string,
                                                                        strategy_aggregate::command, std::string_view);
template command_result command_service::run_single<user_aggregate>(const domain::caller&, std::string,
                                                                    user_aggregate::command, std::string_view);
template command_result command_service::run_single<vault_aggregate>(const domain::caller&, std::string,
                                                                     vault_aggregate::command, std::string_view);
template command_result command_service::run_single<market_aggregate>(const domain::caller&, std::string,
                                                                      market_aggregate::command, std::string_view);

}  // namespace stradia::commands
