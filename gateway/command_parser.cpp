#include "gateway/command_parser.hpp"

#include <simdjson.h>

#include <algorithm>

#include "base/json_text.hpp"
#include "domain/field_rules.hpp"

namespace stradia::gateway {

namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
namespace od = simdjson::ondemand;

constexpr int max_depth = 8;

std::string json_type_name(od::json_type t) {
  switch (t) {
    case od::json_type::array: return "array";
    case od::json_type::object: return "object";
    case od::json_type::number: return "number";
    case od::json_type::string: return "string";
    case od::json_type::boolean: return "boolean";
    case od::json_type::null: return "null";
  }
  return "unknown";
}

std::string expected_type(const FieldDescriptor* f) {
  if (f->is_repeated()) return "array";
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
    case FieldDescriptor::CPPTYPE_ENUM: return "string";
    case FieldDescriptor::CPPTYPE_BOOL: return "boolean";
    case FieldDescriptor::CPPTYPE_MESSAGE: return "object";
    default: return "number";
  }
}

class reader {
 public:
  explicit reader(const std::vector<std::string>& hidden) : hidden_(hidden) {}

  // False when the JSON itself is broken (simdjson error): the caller answers MALFORMED_JSON.
  bool read_object(od::object object, Message& message, const std::string& prefix, int depth) {
    if (depth > max_depth) {
      problems.push_back({prefix, "Too deeply nested."});
      return true;
    }
    const auto* descriptor = message.GetDescriptor();
    for (auto member : object) {
      std::string_view key;
      if (member.unescaped_key().get(key)) return false;
      const std::string path = prefix.empty() ? std::string(key) : prefix + "." + std::string(key);
      const auto* field = descriptor->FindFieldByName(std::string(key));
      if (!field || std::find(hidden_.begin(), hidden_.end(), std::string(key)) != hidden_.end()) {
        od::value ignored;
        if (member.value().get(ignored)) return false;
        unknown.push_back(std::string(key));
        continue;
      }
      od::value value;
      if (member.value().get(value)) return false;
      if (depth == 0) {
        od::json_type type;
        if (value.type().get(type)) return false;
        if (type != od::json_type::null) present.push_back(std::string(key));
      }
      if (!read_field(value, message, field, path, depth)) return false;
    }
    return true;
  }

  std::vector<domain::field_error> problems;        // values the command does not accept (422)
  std::vector<domain::field_error> shape_problems;  // wrong JSON types (400)
  std::vector<std::string> unknown;
  std::vector<std::string> present;  // top-level members with a value

 private:
  bool mismatch(od::value& value, const FieldDescriptor* f, const std::string& path) {
    od::json_type type;
    if (value.type().get(type)) return false;
    shape_problems.push_back({path, "Expected " + expected_type(f) + ", received " + json_type_name(type)});
    return true;
  }

  bool read_field(od::value& value, Message& message, const FieldDescriptor* f, const std::string& path, int depth) {
    const auto* reflection = message.GetReflection();
    od::json_type type;
    if (value.type().get(type)) return false;
    if (type == od::json_type::null) return true;  // absent
    if (f->is_repeated()) {
      if (type != od::json_type::array || f->cpp_type() != FieldDescriptor::CPPTYPE_STRING)
        return mismatch(value, f, path);
      od::array array;
      if (value.get_array().get(array)) return false;
      std::size_t i = 0;
      for (auto element : array) {
        std::string_view text;
        if (element.get_string().get(text)) {
          shape_problems.push_back({path + "." + std::to_string(i), "Expected string"});
          return true;
        }
        reflection->AddString(&message, f, std::string(text));
        ++i;
      }
      return true;
    }
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING: {
        if (domain::holds_json_text(*f)) return read_json_text(value, type, message, f, path);
        std::string_view text;
        if (type != od::json_type::string) return mismatch(value, f, path);
        if (value.get_string().get(text)) return false;
        reflection->SetString(&message, f, std::string(text));
        return true;
      }
      case FieldDescriptor::CPPTYPE_ENUM: {
        std::string_view name;
        if (type != od::json_type::string) return mismatch(value, f, path);
        if (value.get_string().get(name)) return false;
        const auto* v = f->enum_type()->FindValueByName(std::string(name));
        if (!v || v->number() == 0) {
          std::string expected;
          for (int i = 1; i < f->enum_type()->value_count(); ++i)
            expected += (i > 1 ? " | '" : "'") + f->enum_type()->value(i)->name() + "'";
          problems.push_back(
              {path, "Invalid enum value. Expected " + expected + ", received '" + std::string(name) + "'"});
          return true;
        }
        reflection->SetEnum(&message, f, v);
        return true;
      }
      case FieldDescriptor::CPPTYPE_BOOL: {
        bool flag;
        if (type != od::json_type::boolean) return mismatch(value, f, path);
        if (value.get_bool().get(flag)) return false;
        reflection->SetBool(&message, f, flag);
        return true;
      }
      case FieldDescriptor::CPPTYPE_INT32:
      case FieldDescriptor::CPPTYPE_INT64: {
        std::int64_t number;
        if (type != od::json_type::number) return mismatch(value, f, path);
        if (value.get_int64().get(number)) {
          shape_problems.push_back({path, "Expected integer, received float"});
          return true;
        }
        if (f->cpp_type() == FieldDescriptor::CPPTYPE_INT32) {
          if (number < INT32_MIN || number > INT32_MAX) {
            problems.push_back({path, "Number out of range"});
            return true;
          }
          reflection->SetInt32(&message, f, static_cast<std::int32_t>(number));
        } else {
          reflection->SetInt64(&message, f, number);
        }
        return true;
      }
      case FieldDescriptor::CPPTYPE_MESSAGE: {
        if (type != od::json_type::object) return mismatch(value, f, path);
        od::object object;
        if (value.get_object().get(object)) return false;
        return read_object(object, *reflection->MutableMessage(&message, f), path, depth + 1);
      }
      default: return mismatch(value, f, path);
    }
  }

  // A Json field of the model (an execution payload, a payload schema): a JSON object, kept
  // compact as text; a string holding one is taken too.
  bool read_json_text(od::value& value, od::json_type type, Message& message, const FieldDescriptor* f,
                      const std::string& path) {
    std::string_view raw;
    if (type == od::json_type::object) {
      od::object object;
      if (value.get_object().get(object) || object.raw_json().get(raw)) return false;
    } else if (type == od::json_type::string) {
      if (value.get_string().get(raw)) return false;
    } else {
      shape_problems.push_back({path, "Expected object, received " + json_type_name(type)});
      return true;
    }
    auto compact = base::compact_json(raw);
    if (!compact || compact->front() != '{') {
      problems.push_back({path, "Expected a JSON object."});
      return true;
    }
    message.GetReflection()->SetString(&message, f, std::move(*compact));
    return true;
  }

  const std::vector<std::string>& hidden_;
};

}  // namespace

parsed_message parse_command(std::string_view body, const Message& prototype, const std::vector<std::string>& hidden,
                             const std::vector<std::string>& required) {
  const auto malformed = [](std::string detail) {
    return base::unexpected(parse_failure{problem_code::malformed_json, std::move(detail), {}});
  };
  simdjson::ondemand::parser parser;
  const simdjson::padded_string text(body);
  od::document document;
  if (parser.iterate(text).get(document)) return malformed("The body is not JSON.");
  od::object object;
  if (document.get_object().get(object)) return malformed("The body must be a JSON object.");
  std::unique_ptr<Message> message(prototype.New());
  reader r(hidden);
  if (!r.read_object(object, *message, "", 0)) return malformed("The body is not valid JSON.");
  // Past the object only whitespace may follow (on-demand parsing stops at its end).
  if (document.current_location().error() != simdjson::OUT_OF_BOUNDS)
    return malformed("The body holds more than one JSON value.");
  for (const auto& k : r.unknown) r.shape_problems.push_back({k, "Unrecognized key '" + k + "'"});
  if (!r.shape_problems.empty())
    return base::unexpected(parse_failure{problem_code::validation_failed,
                                          "The body has members the command does not know, or of the wrong type.",
                                          std::move(r.shape_problems), 400});
  for (const auto& name : required)
    if (std::find(r.present.begin(), r.present.end(), name) == r.present.end())
      r.problems.push_back({name, "Required"});
  if (!r.problems.empty())
    return base::unexpected(
        parse_failure{problem_code::validation_failed, "The command has invalid fields.", std::move(r.problems)});
  for (auto& p : domain::field_rule_problems(*message)) r.problems.push_back(std::move(p));
  if (!r.problems.empty())
    return base::unexpected(
        parse_failure{problem_code::validation_failed, "The command has invalid fields.", std::move(r.problems)});
  return message;
}

}  // namespace stradia::gateway
