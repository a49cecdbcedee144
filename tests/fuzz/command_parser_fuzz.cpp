// libFuzzer target: arbitrary bytes as command bodies, as tokens, as WebSocket frames and as
// a paused run's checkpoint.
// The parsers must answer with a message or a failure, never crash, hang or read out of
// bounds.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include "adapters/execution_steps.hpp"
#include "adapters/google_json.hpp"

#include "adapters/execution_steps.hpp"
#include "adapters/google_json.hpp"
#include "gateway/command_parser.hpp"
#include "gateway/jwt.hpp"
#include "gateway/ws_protocol.hpp"
#include "market.pb.h"
#include "strategy.pb.h"
#include "task.pb.h"
#include "user.pb.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const google::protobuf::Message* prototypes[] = {
      &stradia::task::v1::MoveTask::default_instance(),
      &stradia::strategy::v1::AddGlobalTask::default_instance(),
      &stradia::strategy::v1::PublishMasterStrategy::default_instance(),
      &stradia::user::v1::InviteUser::default_instance(),
      &stradia::market::v1::CreateMarket::default_instance(),
      &stradia::task::v1::ExecuteTask::default_instance(),
      &stradia::task::v1::ResumeExecution::default_instance(),
  };
  const auto* prototype = prototypes[data[0] % (sizeof prototypes / sizeof *prototypes)];
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  auto parsed = stradia::gateway::parse_command(body, *prototype, {"password_hash"});
  if (parsed) (void)(*parsed)->ByteSizeLong();
  static const stradia::gateway::jwt_codec codec("fuzzing-secret-0123456789abcdef0123");
  (void)codec.verify(body, 0);
  auto frame = stradia::gateway::ws::parse_client_frame(body);
  if (!frame)
    (void)stradia::gateway::ws::error_frame("VALIDATION_FAILED", frame.error().message,
                                            {frame.error().request_id, "", std::nullopt, frame.error().fields});
  // A paused run's checkpoint as the executor reads it back.
  const auto steps = stradia::adapters::execution_steps::parse(body);
  (void)steps.json();
  (void)stradia::adapters::is_resource_name(body);
  return 0;
}
