#include "gateway/command_routes.hpp"

namespace stradia::gateway {

namespace {

using commands::command_result;
using commands::command_service;

template <class Command, command_result (command_service::*Handler)(const domain::caller&, Command)>
command_route route(std::string_view name, std::vector<std::string> hidden = {},
                    request_lane lane = request_lane::standard) {
  return command_route{name, &Command::default_instance(), std::move(hidden), lane,
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
      route<tenant::v1::CreateGovernancePolicy, &s::create_governance_policy>("CreateGovernancePolicy"),
      route<tenant::v1::DeactivateGovernancePolicy, &s::deactivate_governance_policy>("DeactivateGovernancePolicy"),
      route<user::v1::InviteUser, &s::invite_user>("InviteUser", {"password_hash"}, request_lane::hashing),
      route<user::v1::ChangeUserRole, &s::change_user_role>("ChangeUserRole"),
      route<user::v1::DeactivateUser, &s::deactivate_user>("DeactivateUser"),
      route<user::v1::DeleteUser, &s::delete_user>("DeleteUser"),
      route<user::v1::AssignUserToMarket, &s::assign_user_to_market>("AssignUserToMarket"),
      route<user::v1::UnassignUserFromMarket, &s::unassign_user_from_market>("UnassignUserFromMarket"),
      route<user::v1::ChangeOwnPassword, &s::change_own_password>("ChangeOwnPassword", {"password_hash"},
                                                                  request_lane::hashing),
      route<user::v1::ChangeOwnLanguage, &s::change_own_language>("ChangeOwnLanguage"),
      route<market::v1::CreateMarket, &s::create_market>("CreateMarket"),
      route<market::v1::ActivateMarket, &s::activate_market>("ActivateMarket"),
      route<market::v1::DeactivateMarket, &s::deactivate_market>("DeactivateMarket"),
      route<market::v1::DeleteMarket, &s::delete_market>("DeleteMarket"),
      route<market::v1::RenameMarket, &s::rename_market>("RenameMarket"),
      route<market::v1::ChangeMarketTimezone, &s::change_market_timezone>("ChangeMarketTimezone"),
      route<strategy::v1::CreateMasterStrategy, &s::create_master_strategy>("CreateMasterStrategy"),
      route<strategy::v1::AddGlobalTask, &s::add_global_task>("AddGlobalTask"),
      route<strategy::v1::UpdateGlobalTask, &s::update_global_task>("UpdateGlobalTask"),
      route<strategy::v1::RemoveGlobalTask, &s::remove_global_task>("RemoveGlobalTask"),
      route<strategy::v1::PublishMasterStrategy, &s::publish_master_strategy>("PublishMasterStrategy"),
      route<strategy::v1::DeployStrategyToMarket, &s::deploy_strategy_to_market>("DeployStrategyToMarket"),
      route<board::v1::CreateCustomLocalTask, &s::create_custom_local_task>("CreateCustomLocalTask"),
      route<task::v1::MoveTask, &s::move_task>("MoveTask"),
      route<task::v1::AcquireLock, &s::acquire_lock>("AcquireLock"),
      route<task::v1::ReleaseLock, &s::release_lock>("ReleaseLock"),
      route<task::v1::UpdateExecutionPayload, &s::update_execution_payload>("UpdateExecutionPayload"),
      route<task::v1::AddTaskNote, &s::add_task_note>("AddTaskNote"),
      route<task::v1::AcceptGhostCard, &s::accept_ghost_card>("AcceptGhostCard"),
      route<task::v1::RequestPreFlightScan, &s::request_pre_flight_scan>("RequestPreFlightScan", {},
                                                                         request_lane::outbound),
      route<task::v1::GenerateContent, &s::generate_content>("GenerateContent", {}, request_lane::outbound),
      route<task::v1::ExecuteTask, &s::execute_task>("ExecuteTask", {}, request_lane::outbound),
      route<vault::v1::StoreVaultCredential, &s::store_vault_credential>(
          "StoreVaultCredential", {"credential_id", "encrypted_oauth_token", "encrypted_refresh_token", "key_id"}),
      route<vault::v1::RevokeVaultCredential, &s::revoke_vault_credential>("RevokeVaultCredential"),
      route<task::v1::RejectGhostCard, &s::reject_ghost_card>("RejectGhostCard"),
  };
  return all;
}

const command_route* find_command_route(std::string_view name) {
  for (const auto& r : command_routes())
    if (r.name == name) return &r;
  return nullptr;
}

}  // namespace stradia::gateway
