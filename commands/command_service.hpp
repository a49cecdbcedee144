#pragma once
// The command handlers of API.md §3: each authorizes through its aggregates' deciders,
// loads the streams it needs, decides, and appends every stream it changes in one
// atomic append with the versions it read. When another command wins a race for one of
// those streams, the handler loads and decides again (bounded), so the loser gets the
// domain's answer (TASK_LOCKED, SEAT_LIMIT_REACHED, ...) rather than a bare conflict.
// Thread-safe: handlers share nothing but the store.
#include <functional>
#include <string>
#include <tuple>

#include "board.pb.h"
#include "commands/aggregates.hpp"
#include "commands/command_result.hpp"
#include "commands/event_codec.hpp"
#include "commands/payload_schema_rules.hpp"
#include "commands/pre_flight_scanner.hpp"
#include "commands/unit_of_work.hpp"
#include "domain/context.hpp"
#include "domain/master_strategy.hpp"
#include "domain/zone_catalog.hpp"
#include "eventstore/event_log.hpp"
#include "ledger.pb.h"
#include "market.pb.h"
#include "strategy.pb.h"
#include "task.pb.h"
#include "tenant.pb.h"
#include "user.pb.h"
#include "vault.pb.h"

namespace stradia::commands {

class vault_sealer;
class pre_flight_scanner;
class content_generator;
class task_executor;
class oauth_refresher;

struct command_service_options {
  std::function<domain::timestamp()> clock;
  const domain::zone_catalog* zones = nullptr;
  int attempts = 8;                           // decide-and-append attempts when racing other commands
  vault_sealer* vault = nullptr;              // without it, vault commands answer "unavailable"
  pre_flight_scanner* scanner = nullptr;      // without it, scans stay requested (PENDING)
  content_generator* generator = nullptr;     // without it, generation stays requested
  task_executor* executor = nullptr;          // without it, executions stay requested
  oauth_refresher* refresher = nullptr;       // without it, an expired token pauses the run
  std::int64_t ai_reservation_tokens = 2000;  // reserved on the ledger before each AI call, settled after
};

class command_service {
 public:
  command_service(eventstore::event_log& store, command_service_options options);

  // tenancy and governance
  command_result create_tenant(const domain::caller& who, tenant::v1::CreateTenant c);
  // The service's (operators): a deactivated tenant's logins and tokens answer 401.
  command_result deactivate_tenant(const std::string& tenant_id);
  command_result activate_tenant(const std::string& tenant_id);
  command_result update_tenant_plan(const domain::caller& who, tenant::v1::UpdateTenantPlan c);
  command_result create_governance_policy(const domain::caller& who, tenant::v1::CreateGovernancePolicy c);
  command_result deactivate_governance_policy(const domain::caller& who, tenant::v1::DeactivateGovernancePolicy c);
  // users
  command_result invite_user(const domain::caller& who, user::v1::InviteUser c);
  command_result change_user_role(const domain::caller& who, user::v1::ChangeUserRole c);
  command_result deactivate_user(const domain::caller& who, user::v1::DeactivateUser c);
  command_result delete_user(const domain::caller& who, user::v1::DeleteUser c);
  command_result assign_user_to_market(const domain::caller& who, user::v1::AssignUserToMarket c);
  // The caller's own profile (the password arrives hashed; the gateway checked the old one).
  command_result change_own_password(const domain::caller& who, user::v1::ChangeOwnPassword c);
  command_result change_own_language(const domain::caller& who, user::v1::ChangeOwnLanguage c);
  command_result unassign_user_from_market(const domain::caller& who, user::v1::UnassignUserFromMarket c);
  command_result record_user_login(const domain::caller& who, user::v1::RecordUserLogin c);
  // markets
  command_result create_market(const domain::caller& who, market::v1::CreateMarket c);
  command_result rename_market(const domain::caller& who, market::v1::RenameMarket c);
  command_result change_market_timezone(const domain::caller& who, market::v1::ChangeMarketTimezone c);
  command_result activate_market(const domain::caller& who, market::v1::ActivateMarket c);
  command_result deactivate_market(const domain::caller& who, market::v1::DeactivateMarket c);
  command_result delete_market(const domain::caller& who, market::v1::DeleteMarket c);
  // strategy
  command_result create_master_strategy(const domain::caller& who, strategy::v1::CreateMasterStrategy c);
  command_result add_global_task(const domain::caller& who, strategy::v1::AddGlobalTask c);
  command_result update_global_task(const domain::caller& who, strategy::v1::UpdateGlobalTask c);
  command_result remove_global_task(const domain::caller& who, strategy::v1::RemoveGlobalTask c);
  command_result publish_master_strategy(const domain::caller& who, strategy::v1::PublishMasterStrategy c);
  command_result deploy_strategy_to_market(const domain::caller& who, strategy::v1::DeployStrategyToMarket c);
  // board
  command_result create_custom_local_task(const domain::caller& who, board::v1::CreateCustomLocalTask c);
  command_result move_task(const domain::caller& who, task::v1::MoveTask c);
  command_result acquire_lock(const domain::caller& who, task::v1::AcquireLock c);
  command_result release_lock(const domain::caller& who, task::v1::ReleaseLock c);
  command_result update_execution_payload(const domain::caller& who, task::v1::UpdateExecutionPayload c);
  command_result add_task_note(const domain::caller& who, task::v1::AddTaskNote c);
  command_result accept_ghost_card(const domain::caller& who, task::v1::AcceptGhostCard c);
  command_result reject_ghost_card(const domain::caller& who, task::v1::RejectGhostCard c);
  command_result request_pre_flight_scan(const domain::caller& who, task::v1::RequestPreFlightScan c);
  command_result generate_content(const domain::caller& who, task::v1::GenerateContent c);
  command_result execute_task(const domain::caller& who, task::v1::ExecuteTask c);
  command_result resume_execution(const domain::caller& who, task::v1::ResumeExecution c);
  command_result record_task_execution(const std::string& tenant_id, task::v1::RecordTaskExecution c);
  command_result record_generated_content(const std::string& tenant_id, task::v1::RecordGeneratedContent c);
  // vault
  command_result store_vault_credential(const domain::caller& who, vault::v1::StoreVaultCredential c);
  command_result revoke_vault_credential(const domain::caller& who, vault::v1::RevokeVaultCredential c);
  // system: the lock expiry sweep, AI results, token usage
  command_result expire_lock(const std::string& tenant_id, task::v1::ExpireLock c);
  command_result change_board_status(const std::string& tenant_id, board::v1::ChangeBoardStatus c);
  command_result record_pre_flight_scan_result(const std::string& tenant_id, task::v1::RecordPreFlightScanResult c);
  command_result record_token_usage(const std::string& tenant_id, ledger::v1::RecordTokenUsage c);

 private:
  domain::context context_for(const domain::caller& who) const;
  event_metadata metadata_for(const domain::caller& who, std::string_view command) const;
  command_result with_retries(const std::function<command_result()>& attempt) const;
  template <class Aggregate>
  command_result run_single(const domain::caller& who, std::string stream_id, typename Aggregate::command c,
                            std::string_view command_name);
  template <class Command>
  command_result run_tenant_and_user(const domain::caller& who, const Command& c, std::string_view command_name);
  // InviteUser and DeleteUser: the user, the tenant's seats and the email's reservation.
  template <class Command, class Reservation>
  command_result run_user_with_email(const domain::caller& who, const Command& c, std::string_view command_name);
  template <class Command>
  command_result run_tenant_and_market(const domain::caller& who, const Command& c, std::string_view command_name);
  command_result deploy(const domain::caller& who, const std::string& strategy_id,
                        const std::function<domain::decision<domain::master_strategy::event>(
                            const domain::master_strategy::state&, const domain::context&)>& decide_strategy,
                        std::string_view command_name);

  struct ai_request {
    loaded<task_aggregate> task;
    domain::tenant::state tenant;
    domain::token_ledger::period period;
    std::string reservation_id;
    command_outcome requested;
  };
  base::expected<ai_request, command_failure> request_ai_work(const domain::caller& who,
                                                              const task_aggregate::command& c,
                                                              const std::string& local_task_id,
                                                              std::string_view command_name, const char* purpose,
                                                              bool calls_ai);
  // Closes the request's reservation with the call's actual cost.
  command_result settle(const std::string& tenant_id, const ai_request& request, std::int64_t tokens);
  template <class Aggregate>
  base::expected<loaded<Aggregate>, command_failure> load_stream(const std::string& tenant_id, std::string stream_id);
  // ExecuteTask and ResumeExecution: record the run with the credential's use, then walk it.
  command_result run_execution(const domain::caller& who, const std::string& local_task_id,
                               const task_aggregate::command& command, std::string_view name);
  class run_credential;

  eventstore::event_log& store_;
  command_service_options options_;
  payload_schema_rules payload_rules_;  // what a saved execution payload must be
  std::tuple<stream_cache<tenant_aggregate>, stream_cache<user_aggregate>, stream_cache<market_aggregate>,
             stream_cache<strategy_aggregate>, stream_cache<board_aggregate>, stream_cache<task_aggregate>,
             stream_cache<ledger_aggregate>, stream_cache<vault_aggregate>, stream_cache<email_aggregate>>
      caches_;
};

template <class Aggregate>
base::expected<loaded<Aggregate>, command_failure> command_service::load_stream(const std::string& tenant_id,
                                                                                std::string stream_id) {
  return load<Aggregate>(store_, tenant_id, std::move(stream_id), &std::get<stream_cache<Aggregate>>(caches_));
}

}  // namespace stradia::commands
