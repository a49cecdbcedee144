#include "commands/event_json.hpp"

#include <google/protobuf/timestamp.pb.h>

#include <array>
#include <memory>
#include <string_view>

#include "base/encoding.hpp"
#include "base/json_text.hpp"
#include "base/json_writer.hpp"
#include "domain/clock.hpp"
#include "domain/field_rules.hpp"

namespace stradia::commands {

namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

constexpr std::array<std::string_view, 5> hidden_fields = {"system_prompt", "checkpoint_state", "password_hash",
                                                           "encrypted_oauth_token", "encrypted_refresh_token"};

void write_value(base::json_writer& json, const Message& m, const FieldDescriptor* f, int index);
// The message's fields as members of the object `json` is in (no braces, no redaction).
void write_message_fields(base::json_writer& json, const Message& m);

void write_message(base::json_writer& json, const Message& m) {
  if (m.GetDescriptor()->full_name() == google::protobuf::Timestamp::descriptor()->full_name()) {
    google::protobuf::Timestamp t;
    t.CopyFrom(m);
    json.value(domain::format_rfc3339(t));
    return;
  }
  json.begin_object();
  write_message_fields(json, m);
  json.end_object();
}

template <class Get, class GetRepeated>
auto read(const Message& m, const FieldDescriptor* f, int index, Get get, GetRepeated get_repeated) {
  const auto* r = m.GetReflection();
  return index < 0 ? (r->*get)(m, f) : (r->*get_repeated)(m, f, index);
}

void write_value(base::json_writer& json, const Message& m, const FieldDescriptor* f, int index) {
  using R = google::protobuf::Reflection;
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      json.value(std::int64_t{read(m, f, index, &R::GetInt32, &R::GetRepeatedInt32)});
      break;
    case FieldDescriptor::CPPTYPE_INT64:
      json.value(std::int64_t{read(m, f, index, &R::GetInt64, &R::GetRepeatedInt64)});
      break;
    case FieldDescriptor::CPPTYPE_UINT32:
      json.value(std::int64_t{read(m, f, index, &R::GetUInt32, &R::GetRepeatedUInt32)});
      break;
    case FieldDescriptor::CPPTYPE_UINT64:
      json.value(static_cast<std::int64_t>(read(m, f, index, &R::GetUInt64, &R::GetRepeatedUInt64)));
      break;
    case FieldDescriptor::CPPTYPE_DOUBLE: json.value(read(m, f, index, &R::GetDouble, &R::GetRepeatedDouble)); break;
    case FieldDescriptor::CPPTYPE_FLOAT:
      json.value(static_cast<double>(read(m, f, index, &R::GetFloat, &R::GetRepeatedFloat)));
      break;
    case FieldDescriptor::CPPTYPE_BOOL: json.value(read(m, f, index, &R::GetBool, &R::GetRepeatedBool)); break;
    case FieldDescriptor::CPPTYPE_ENUM: json.value(read(m, f, index, &R::GetEnum, &R::GetRepeatedEnum)->name()); break;
    case FieldDescriptor::CPPTYPE_STRING: {
      const std::string text = read(m, f, index, &R::GetString, &R::GetRepeatedString);
      if (f->type() == FieldDescriptor::TYPE_BYTES) {
        json.value(base::base64url_encode(text));
      } else if (auto compact = domain::holds_json_text(*f) ? base::compact_json(text) : std::nullopt) {
        json.raw(*compact);  // compact, so an NDJSON line stays one line
      } else {
        json.value(text);
      }
      break;
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      write_message(
          json, index < 0 ? m.GetReflection()->GetMessage(m, f) : m.GetReflection()->GetRepeatedMessage(m, f, index));
      break;
  }
}

void write_message_fields(base::json_writer& json, const Message& m) {
  const auto* descriptor = m.GetDescriptor();
  const auto* reflection = m.GetReflection();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const auto* f = descriptor->field(i);
    if (f->is_repeated()) {
      json.key(f->name()).begin_array();
      for (int j = 0; j < reflection->FieldSize(m, f); ++j) write_value(json, m, f, j);
      json.end_array();
      continue;
    }
    // Unset messages and unset optional scalars are left out, as the Protobuf JSON mapping does.
    if (f->has_presence() && !reflection->HasField(m, f)) continue;
    json.key(f->name());
    write_value(json, m, f, -1);
  }
}

}  // namespace

void redact(Message& message) {
  const auto* descriptor = message.GetDescriptor();
  const auto* reflection = message.GetReflection();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const auto* field = descriptor->field(i);
    for (auto hidden : hidden_fields)
      if (field->name() == hidden) reflection->ClearField(&message, field);
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
    if (field->is_repeated()) {
      for (int j = 0; j < reflection->FieldSize(message, field); ++j)
        redact(*reflection->MutableRepeatedMessage(&message, field, j));
    } else if (reflection->HasField(message, field)) {
      redact(*reflection->MutableMessage(&message, field));
    }
  }
}

std::string event_json(const Message& event) {
  std::unique_ptr<Message> copy(event.New());
  copy->CopyFrom(event);
  redact(*copy);
  base::json_writer json;
  json.begin_object().field("type", event.GetDescriptor()->name());
  write_message_fields(json, *copy);
  json.end_object();
  return json.take();
}

}  // namespace stradia::commands
