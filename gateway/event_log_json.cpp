#include "gateway/event_log_json.hpp"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>

#include <array>
#include <memory>

#include "base/json_writer.hpp"
#include "board.pb.h"
#include "commands/event_json.hpp"
#include "domain/clock.hpp"
#include "ledger.pb.h"
#include "market.pb.h"
#include "registry.pb.h"
#include "strategy.pb.h"
#include "task.pb.h"
#include "tenant.pb.h"
#include "user.pb.h"
#include "vault.pb.h"

namespace stradia::gateway {

namespace {

const google::protobuf::Message* prototype_of(const std::string& event_type) {
  // Linking one message per file registers every schema in the generated pool.
  static const std::array<const google::protobuf::Descriptor*, 9> files{
      tenant::v1::TenantCreated::descriptor(),      user::v1::UserInvited::descriptor(),
      market::v1::MarketCreated::descriptor(),      strategy::v1::MasterStrategyCreated::descriptor(),
      board::v1::LocalBoardCreated::descriptor(),   task::v1::LocalTaskCreated::descriptor(),
      ledger::v1::TokenUsageRecorded::descriptor(), vault::v1::VaultCredentialStored::descriptor(),
      registry::v1::EmailReserved::descriptor()};
  for (const auto* any : files) {
    const auto* d = any->file()->FindMessageTypeByName(event_type);
    if (d) return google::protobuf::MessageFactory::generated_factory()->GetPrototype(d);
  }
  return nullptr;
}

}  // namespace

std::string envelope_json(const stradia::envelope::v1::EventEnvelope& e) {
  base::json_writer json;
  json.begin_object();
  json.field("global_position", e.global_position());
  json.field("event_id", e.event_id());
  json.field("event_type", e.event_type());
  json.field("schema_version", static_cast<std::int64_t>(e.schema_version()));
  json.field("stream_id", e.stream_id());
  json.field("stream_version", e.stream_version());
  json.field("tenant_id", e.tenant_id());
  json.field("recorded_at", domain::format_rfc3339(e.recorded_at()));
  json.field("correlation_id", e.correlation_id());
  json.field("causation_id", e.causation_id());
  json.field("user_id", e.user_id());
  json.key("payload").raw(event_json(e));
  json.end_object();
  return json.take();
}

std::string event_json(const stradia::envelope::v1::EventEnvelope& e) {
  const auto* prototype = prototype_of(e.event_type());
  std::unique_ptr<google::protobuf::Message> payload(prototype ? prototype->New() : nullptr);
  if (payload && payload->ParseFromString(e.payload())) return commands::event_json(*payload);
  return "null";
}

}  // namespace stradia::gateway
