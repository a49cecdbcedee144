#include "gateway/command_routes.hpp"

namespace stradia::gateway {

namespace {

using commands::command_result;
using commands::command_service;

template <class Command, command_result (command_service::*Handler)(const domain::caller&, Command)>
command_route route(std::string_view name, std::vector<std::string> required = {}, std::vector<std::string> hidden = {},
                    request_lane lane = request_lane::standard) {
  return command_route{name,
                       &Command::default_instance(),
                       std::move(hidden),
                       std::move(required),
                       lane,
                       [](command_service& service, const domain::caller& who, const google::protobuf::Message& m) {
                         return (service.*Handler)(who, static_cast<const Command&>(m));
                       }};
}

}  // namespace

const std::vector<command_route>& command_routes() {
  using s = command_service;
  static const std::vector<command_route> all{
      route<tenant::v1::CreateTenant, &s::create_tenant>("CreateTenant"),
      route<tenant::v1::UpdateTenantPlan, &s::update_tenant_plan>("UpdateTenantPlan"),
      route<tenant::v1::CreateGovernancePolicy, &s::create_governance_policy>("CreateGovernancePolicy",
                                                                              {"policy_text", "platform"}),
      route<tenant::v1::DeactivateGovernancePolicy, &s::deactivate_governance_policy>("DeactivateGovernancePolicy",
                                                                                      {"policy_id"}),
      route<user::v1::InviteUser, &s::invite_user>("InviteUser", {"email", "role", "password"}, {"password_hash"},
                                                   request_lane::hashing),
      route<user::v1::ChangeUserRole, &s::change_user_role>("ChangeUserRole", {"user_id", "role"}),
      route<user::v1::DeactivateUser, &s::deactivate_user>("DeactivateUser", {"user_id"}),
      route<user::v1::DeleteUser, &s::delete_user>("DeleteUser", {"user_id"}),
      route<user::v1::AssignUserToMarket, &s::assign_user_to_market>("AssignUserToMarket", {"user_id", "market_id"}),
      route<user::v1::UnassignUserFromMarket, &s::unassign_user_from_market>("UnassignUserFromMarket",
                                                                             {"user_id", "market_id"}),
      route<user::v1::ChangeOwnPassword, &s::change_own_password>(
          "ChangeOwnPassword", {"current_password", "new_password"}, {"password_hash"}, request_lane::hashing),
      route<user::v1::ChangeOwnLanguage, &s::change_own_language>("ChangeOwnLanguage", {"language_preference"}),
      route<market::v1::CreateMarket, &s::create_market>("CreateMarket", {"name", "region_code", "timezone"}),
      route<market::v1::ActivateMarket, &s::activate_market>("ActivateMarket", {"market_id"}),
      route<market::v1::DeactivateMarket, &s::deactivate_market>("DeactivateMarket", {"market_id"}),
      route<market::v1::DeleteMarket, &s::delete_market>("DeleteMarket", {"market_id"}),
      route<market::v1::RenameMarket, &s::rename_market>("RenameMarket", {"market_id", "name"}),
      route<market::v1::ChangeMarketTimezone, &s::change_market_timezone>("ChangeMarketTimezone",
                                                                          {"market_id", "timezone"}),
      route<strategy::v1::CreateMasterStrategy, &s::create_master_strategy>("CreateMasterStrategy", {"title"}),
      route<strategy::v1::AddGlobalTask, &s::add_global_task>("AddGlobalTask", {"master_strategy_id", "task"}),
      route<strategy::v1::UpdateGlobalTask, &s::update_global_task>("UpdateGlobalTask", {"master_strategy_id", "task"}),
      route<strategy::v1::RemoveGlobalTask, &s::remove_global_task>("RemoveGlobalTask",
                                                                    {"master_strategy_id", "global_task_id"}),
      route<strategy::v1::PublishMasterStrategy, &s::publish_master_strategy>("PublishMasterStrategy",
                                                                              {"master_strategy_id"}),
      route<strategy::v1::DeployStrategyToMarket, &s::deploy_strategy_to_market>("DeployStrategyToMarket",
                                                                                 {"master_strategy_id", "market_id"}),
      route<board::v1::CreateCustomLocalTask, &s::create_custom_local_task>("CreateCustomLocalTask",
                                                                            {"local_board_id", "title"}),
      route<task::v1::MoveTask, &s::move_task>("MoveTask", {"local_task_id", "new_status", "expected_previous_status"}),
      route<task::v1::AcquireLock, &s::acquire_lock>("AcquireLock", {"local_task_id"}),
      route<task::v1::ReleaseLock, &s::release_lock>("ReleaseLock", {"local_task_id"}),
      route<task::v1::UpdateExecutionPayload, &s::update_execution_payload>("UpdateExecutionPayload",
                                                                            {"local_task_id", "execution_payload"}),
      route<task::v1::AddTaskNote, &s::add_task_note>("AddTaskNote", {"local_task_id", "content"}),
      route<task::v1::AcceptGhostCard, &s::accept_ghost_card>("AcceptGhostCard", {"local_task_id"}),
      route<task::v1::RequestPreFlightScan, &s::request_pre_flight_scan>("RequestPreFlightScan", {"local_task_id"}, {},
                                                                         request_lane::outbound),
      route<task::v1::GenerateContent, &s::generate_content>("GenerateContent", {"local_task_id"}, {},
                                                             request_lane::outbound),
      route<task::v1::ExecuteTask, &s::execute_task>("ExecuteTask", {"local_task_id"}, {}, request_lane::outbound),
      route<task::v1::ResumeExecution, &s::resume_execution>("ResumeExecution", {"local_task_id"}, {},
                                                             request_lane::outbound),
      route<vault::v1::StoreVaultCredential, &s::store_vault_credential>(
          "StoreVaultCredential", {"market_id", "platform", "oauth_token"},
          {"credential_id", "encrypted_oauth_token", "encrypted_refresh_token", "key_id"}),
      route<vault::v1::RevokeVaultCredential, &s::revoke_vault_credential>("RevokeVaultCredential",
                                                                           {"market_id", "platform"}),
      route<task::v1::RejectGhostCard, &s::reject_ghost_card>("RejectGhostCard", {"local_task_id", "justification"}),
  };
  return all;
}

const command_route* find_command_route(std::string_view name) {
  for (const auto& r : command_routes())
    if (r.name == name) return &r;
  return nullptr;
}

}  // namespace stradia::gateway
