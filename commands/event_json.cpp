#include "commands/event_json.hpp"

#include <google/protobuf/util/json_util.h>

#include <array>
#include <memory>
#include <string_view>

namespace stradia::commands {

namespace {

constexpr std::array<std::string_view, 5> hidden_fields = {"system_prompt", "checkpoint_state", "password_hash",
                                                           "encrypted_oauth_token", "encrypted_refresh_token"};

}  // namespace

void redact(google::protobuf::Message& message) {
  const auto* descriptor = message.GetDescriptor();
  const auto* reflection = message.GetReflection();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const auto* field = descriptor->field(i);
    for (auto hidden : hidden_fields)
      if (field->name() == hidden) reflection->ClearField(&message, field);
    if (field->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) continue;
    if (field->is_repeated()) {
      for (int j = 0; j < reflection->FieldSize(message, field); ++j)
        redact(*reflection->MutableRepeatedMessage(&message, field, j));
    } else if (reflection->HasField(message, field)) {
      redact(*reflection->MutableMessage(&message, field));
    }
  }
}

std::string event_json(const google::protobuf::Message& event) {
  std::unique_ptr<google::protobuf::Message> copy(event.New());
  copy->CopyFrom(event);
  redact(*copy);
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  std::string fields;
  (void)google::protobuf::util::MessageToJsonString(*copy, &fields, options);
  std::string out = "{\"type\":\"" + event.GetDescriptor()->name() + "\"";
  if (fields.size() > 2)
    out += "," + fields.substr(1);
  else
    out += "}";
  return out;
}

}  // namespace stradia::commands
