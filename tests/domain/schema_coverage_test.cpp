// Every field of every entity of the domain model has a home in some event: this table
// names it, and the test checks the named event field exists in the compiled schemas.
#include <gtest/gtest.h>

#include <google/protobuf/descriptor.h>

#include "board.pb.h"
#include "domain/event_type.hpp"
#include "domain/local_task.hpp"
#include "domain/stream_ids.hpp"
#include "envelope.pb.h"
#include "ledger.pb.h"
#include "market.pb.h"
#include "strategy.pb.h"
#include "task.pb.h"
#include "tenant.pb.h"
#include "user.pb.h"
#include "vault.pb.h"

namespace stradia::testing {
namespace {

struct home {
  const char* entity_field;
  const char* message;  // full protobuf name
  const char* field;
};

constexpr home homes[] = {
    {"Tenant.id", "stradia.tenant.v1.TenantCreated", "tenant_id"},
    {"Tenant.name", "stradia.tenant.v1.TenantCreated", "name"},
    {"Tenant.stripe_customer_id", "stradia.tenant.v1.TenantPlanUpdated", "stripe_customer_id"},
    {"Tenant.active_markets_limit", "stradia.tenant.v1.TenantPlanUpdated", "active_markets_limit"},
    {"Tenant.user_seat_limit", "stradia.tenant.v1.TenantPlanUpdated", "user_seat_limit"},
    {"Tenant.ai_token_quota", "stradia.tenant.v1.TenantPlanUpdated", "ai_token_quota"},
    {"Tenant.ai_tokens_used", "stradia.ledger.v1.TokenUsageRecorded", "ai_tokens_used"},
    {"Tenant.token_reset_date", "stradia.tenant.v1.TenantCreated", "token_reset_date"},
    {"Tenant.is_active", "stradia.tenant.v1.TenantCreated", "is_active"},
    {"Tenant.created_at", "stradia.tenant.v1.TenantCreated", "created_at"},
    {"User.id", "stradia.user.v1.UserInvited", "user_id"},
    {"User.tenant_id", "stradia.user.v1.UserInvited", "tenant_id"},
    {"User.email", "stradia.user.v1.UserInvited", "email"},
    {"User.password_hash", "stradia.user.v1.UserInvited", "password_hash"},
    {"User.role", "stradia.user.v1.UserRoleChanged", "role"},
    {"User.language_preference", "stradia.user.v1.UserInvited", "language_preference"},
    {"User.last_login_at", "stradia.user.v1.UserLoggedIn", "last_login_at"},
    {"Market.id", "stradia.market.v1.MarketCreated", "market_id"},
    {"Market.tenant_id", "stradia.market.v1.MarketCreated", "tenant_id"},
    {"Market.name", "stradia.market.v1.MarketCreated", "name"},
    {"Market.region_code", "stradia.market.v1.MarketCreated", "region_code"},
    {"Market.timezone", "stradia.market.v1.MarketCreated", "timezone"},
    {"Market.is_active", "stradia.market.v1.MarketCreated", "is_active"},
    {"Market.deleted_at", "stradia.market.v1.MarketDeleted", "deleted_at"},
    {"UserMarket.user_id", "stradia.user.v1.UserAssignedToMarket", "user_id"},
    {"UserMarket.market_id", "stradia.user.v1.UserAssignedToMarket", "market_id"},
    {"MasterStrategy.id", "stradia.strategy.v1.MasterStrategyCreated", "master_strategy_id"},
    {"MasterStrategy.tenant_id", "stradia.strategy.v1.MasterStrategyCreated", "tenant_id"},
    {"MasterStrategy.title", "stradia.strategy.v1.MasterStrategyCreated", "title"},
    {"MasterStrategy.description", "stradia.strategy.v1.MasterStrategyCreated", "description"},
    {"MasterStrategy.version", "stradia.strategy.v1.MasterStrategyPublished", "version"},
    {"MasterStrategy.is_published", "stradia.strategy.v1.MasterStrategyCreated", "is_published"},
    {"MasterStrategy.created_by", "stradia.strategy.v1.MasterStrategyCreated", "created_by"},
    {"GlobalTask.id", "stradia.common.v1.GlobalTask", "global_task_id"},
    {"GlobalTask.master_strategy_id", "stradia.strategy.v1.GlobalTaskAdded", "master_strategy_id"},
    {"GlobalTask.task_type", "stradia.common.v1.GlobalTask", "task_type"},
    {"GlobalTask.title", "stradia.common.v1.GlobalTask", "title"},
    {"GlobalTask.description", "stradia.common.v1.GlobalTask", "description"},
    {"GlobalTask.system_prompt", "stradia.common.v1.GlobalTask", "system_prompt"},
    {"GlobalTask.order_index", "stradia.common.v1.GlobalTask", "order_index"},
    {"GlobalTask.weight", "stradia.common.v1.GlobalTask", "weight"},
    {"GlobalTask.target_platform", "stradia.common.v1.GlobalTask", "target_platform"},
    {"GlobalTask.expected_payload_schema", "stradia.common.v1.GlobalTask", "expected_payload_schema"},
    {"GovernancePolicy.id", "stradia.tenant.v1.GovernancePolicyCreated", "policy_id"},
    {"GovernancePolicy.policy_text", "stradia.tenant.v1.GovernancePolicyCreated", "policy_text"},
    {"GovernancePolicy.platform", "stradia.tenant.v1.GovernancePolicyCreated", "platform"},
    {"GovernancePolicy.is_active", "stradia.tenant.v1.GovernancePolicyCreated", "is_active"},
    {"LocalBoard.id", "stradia.board.v1.LocalBoardCreated", "local_board_id"},
    {"LocalBoard.market_id", "stradia.board.v1.LocalBoardCreated", "market_id"},
    {"LocalBoard.master_strategy_id", "stradia.board.v1.LocalBoardCreated", "master_strategy_id"},
    {"LocalBoard.status", "stradia.board.v1.BoardStatusChanged", "status"},
    // heatmap_score is derived: sum of weights of DONE tasks / sum of weights.
    {"LocalBoard.heatmap_score (weights)", "stradia.board.v1.BoardTaskAdded", "definition"},
    {"LocalBoard.heatmap_score (statuses)", "stradia.task.v1.TaskMoved", "new_status"},
    {"LocalTask.id", "stradia.task.v1.LocalTaskCreated", "local_task_id"},
    {"LocalTask.local_board_id", "stradia.task.v1.LocalTaskCreated", "local_board_id"},
    {"LocalTask.global_task_id", "stradia.task.v1.LocalTaskCreated", "global_task_id"},
    {"LocalTask.status", "stradia.task.v1.TaskMoved", "new_status"},
    {"LocalTask.is_custom_local_task", "stradia.task.v1.LocalTaskCreated", "is_custom_local_task"},
    {"LocalTask.is_ghost_card", "stradia.task.v1.LocalTaskCreated", "is_ghost_card"},
    {"LocalTask.execution_payload", "stradia.task.v1.ExecutionPayloadUpdated", "execution_payload"},
    {"LocalTask.pre_flight_scan_status", "stradia.task.v1.PreFlightScanCompleted", "status"},
    {"LocalTask.gemini_token_cost", "stradia.task.v1.PreFlightScanCompleted", "token_cost"},
    {"LocalTask.error_log", "stradia.task.v1.TaskExecutionCompleted", "error_log"},
    {"LocalTask.locked_by", "stradia.task.v1.TaskLockAcquired", "locked_by"},
    {"LocalTask.locked_at", "stradia.task.v1.TaskLockAcquired", "locked_at"},
    {"LocalTask.checkpoint_state", "stradia.task.v1.TaskExecutionPaused", "checkpoint_state"},
    {"LocalTask.checkpoint_expires_at", "stradia.task.v1.TaskExecutionPaused", "checkpoint_expires_at"},
    {"LocalTask.last_executed_at", "stradia.task.v1.TaskExecutionCompleted", "last_executed_at"},
    {"LocalTaskNote.id", "stradia.task.v1.TaskNoteAdded", "note_id"},
    {"LocalTaskNote.local_task_id", "stradia.task.v1.TaskNoteAdded", "local_task_id"},
    {"LocalTaskNote.user_id", "stradia.task.v1.TaskNoteAdded", "user_id"},
    {"LocalTaskNote.content", "stradia.task.v1.TaskNoteAdded", "content"},
    {"LocalTaskNote.created_at", "stradia.task.v1.TaskNoteAdded", "created_at"},
    {"TaskRejection.id", "stradia.task.v1.GhostCardRejected", "rejection_id"},
    {"TaskRejection.local_task_id", "stradia.task.v1.GhostCardRejected", "local_task_id"},
    {"TaskRejection.user_id", "stradia.task.v1.GhostCardRejected", "user_id"},
    {"TaskRejection.justification", "stradia.task.v1.GhostCardRejected", "justification"},
    {"TaskRejection.rejected_at", "stradia.task.v1.GhostCardRejected", "rejected_at"},
    {"VaultCredential.id", "stradia.vault.v1.VaultCredentialStored", "credential_id"},
    {"VaultCredential.market_id", "stradia.vault.v1.VaultCredentialStored", "market_id"},
    {"VaultCredential.platform", "stradia.vault.v1.VaultCredentialStored", "platform"},
    {"VaultCredential.encrypted_oauth_token", "stradia.vault.v1.VaultCredentialRotated", "encrypted_oauth_token"},
    {"VaultCredential.refresh_token", "stradia.vault.v1.VaultCredentialRotated", "encrypted_refresh_token"},
    {"VaultCredential.is_revoked", "stradia.vault.v1.VaultCredentialRevoked", "credential_id"},
    {"VaultCredential.updated_at", "stradia.vault.v1.VaultCredentialRevoked", "updated_at"},
};

TEST(Schemas, EveryEntityFieldOfTheDomainModelHasAHomeInAnEvent) {
  // Touch one message per file so every generated descriptor is linked in.
  (void)stradia::tenant::v1::TenantCreated::descriptor();
  (void)stradia::user::v1::UserInvited::descriptor();
  (void)stradia::market::v1::MarketCreated::descriptor();
  (void)stradia::strategy::v1::MasterStrategyCreated::descriptor();
  (void)stradia::board::v1::LocalBoardCreated::descriptor();
  (void)stradia::task::v1::LocalTaskCreated::descriptor();
  (void)stradia::ledger::v1::TokenUsageRecorded::descriptor();
  (void)stradia::vault::v1::VaultCredentialStored::descriptor();
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  for (const auto& h : homes) {
    const auto* message = pool->FindMessageTypeByName(h.message);
    ASSERT_NE(message, nullptr) << h.entity_field << ": no message " << h.message;
    EXPECT_NE(message->FindFieldByName(h.field), nullptr)
        << h.entity_field << ": " << h.message << " has no " << h.field;
  }
}

TEST(Schemas, TheEnvelopeCarriesEveryFieldTheStoreAndKafkaNeed) {
  const auto* envelope = stradia::envelope::v1::EventEnvelope::descriptor();
  for (const char* field : {"event_id", "event_type", "schema_version", "stream_id", "stream_version", "tenant_id",
                            "global_position", "recorded_at", "correlation_id", "causation_id", "user_id", "payload"})
    EXPECT_NE(envelope->FindFieldByName(field), nullptr) << field;
}

TEST(Schemas, EnumValuesAreSpelledAsTheDomainModel) {
  EXPECT_EQ(stradia::common::v1::TaskStatus::Value_Name(stradia::common::v1::TaskStatus::IN_PROGRESS), "IN_PROGRESS");
  EXPECT_EQ(stradia::common::v1::UserRole::Value_Name(stradia::common::v1::UserRole::GLOBAL_ADMIN), "GLOBAL_ADMIN");
  EXPECT_EQ(stradia::common::v1::TaskType::Value_Name(stradia::common::v1::TaskType::C_EXECUTIVE), "C_EXECUTIVE");
}

TEST(Schemas, EventTypeIsTheMessagesShortName) {
  domain::local_task::event e = stradia::task::v1::TaskLockExpired{};
  EXPECT_EQ(domain::event_type(e), "TaskLockExpired");
}

TEST(Schemas, StreamIdsFollowTheDesign) {
  using namespace std::chrono;
  EXPECT_EQ(domain::stream_ids::task("abc"), "task-abc");
  EXPECT_EQ(domain::stream_ids::ledger("t1", domain::timestamp{sys_days{year{2026} / 3 / 27}}), "ledger-t1-2026-03");
}

}  // namespace
}  // namespace stradia::testing
