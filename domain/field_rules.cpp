#include "domain/field_rules.hpp"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <algorithm>
#include <array>
#include <unordered_map>

#include "base/uuid_text.hpp"
#include "domain/context.hpp"

namespace stradia::domain {

namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

// Ids chosen outside Stradia, with their own formats and guardrails.
constexpr std::array<std::string_view, 4> foreign_ids{"measurement_id", "container_id", "stripe_customer_id", "key_id"};

bool ends_with(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

bool has_control_character(std::string_view text) {
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t' && c != '\n' && c != '\r') || u == 0x7F) return true;
  }
  return false;
}

// What to check in each field of a message type, worked out once per type (and thread):
// the walk then touches only string and message fields, with no allocation for a clean
// message (it runs on every command and on every event a read model folds).
struct field_step {
  const FieldDescriptor* field;
  enum { entity_id, text, message } kind;
};

const std::vector<field_step>& plan_for(const google::protobuf::Descriptor* d) {
  thread_local std::unordered_map<const google::protobuf::Descriptor*, std::vector<field_step>> plans;
  auto [found, fresh] = plans.try_emplace(d);
  if (!fresh) return found->second;
  for (int i = 0; i < d->field_count(); ++i) {
    const auto* f = d->field(i);
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE)
      found->second.push_back({f, field_step::message});
    else if (f->cpp_type() == FieldDescriptor::CPPTYPE_STRING && f->type() != FieldDescriptor::TYPE_BYTES)
      found->second.push_back({f, holds_entity_ids(*f) ? field_step::entity_id : field_step::text});
  }
  return found->second;
}

// Walks a message's string and message fields; a field's path is spelled out only when it
// breaks a rule.
class checker {
 public:
  explicit checker(field_rule_options options) : options_(options) {}

  void check(const Message& message) {
    const auto* reflection = message.GetReflection();
    for (const auto& step : plan_for(message.GetDescriptor())) {
      const auto* f = step.field;
      if (f->is_repeated()) {
        const int count = reflection->FieldSize(message, f);
        for (int i = 0; i < count; ++i) {
          enter(f, i);
          if (step.kind == field_step::message)
            check(reflection->GetRepeatedMessage(message, f, i));
          else
            check_text(step, reflection->GetRepeatedStringReference(message, f, i, &scratch_));
          --depth_;
        }
        continue;
      }
      if (step.kind == field_step::message && !reflection->HasField(message, f)) continue;
      enter(f, -1);
      if (step.kind == field_step::message)
        check(reflection->GetMessage(message, f));
      else
        check_text(step, reflection->GetStringReference(message, f, &scratch_));
      --depth_;
    }
  }

  std::vector<field_error> problems;

 private:
  struct step {
    const FieldDescriptor* field;
    int index;  // -1 for a singular field
  };

  void check_text(const field_step& s, const std::string& value) {
    if (s.kind == field_step::entity_id) {
      const bool system_author = options_.system_user_allowed && value == system_user_id;
      if (!value.empty() && !base::is_uuid(value) && !system_author) problems.push_back({path(), "Invalid uuid"});
      return;
    }
    if (has_control_character(value)) problems.push_back({path(), "Control characters are not allowed."});
  }

  // The path so far lives in a fixed array: no allocation on the way down. Commands and
  // events nest a few levels; deeper levels still count, only their names are left out.
  void enter(const FieldDescriptor* f, int index) {
    if (depth_ < path_.size()) path_[depth_] = {f, index};
    ++depth_;
  }

  std::string path() const {
    std::string out;
    for (std::size_t d = 0; d < std::min(depth_, path_.size()); ++d) {
      const auto& s = path_[d];
      if (!out.empty()) out += '.';
      out += s.field->name();
      if (s.index >= 0) out += "." + std::to_string(s.index);
    }
    return out;
  }

  field_rule_options options_;
  std::array<step, 16> path_{};
  std::size_t depth_ = 0;
  std::string scratch_;
};

}  // namespace

bool holds_json_text(const google::protobuf::FieldDescriptor& field) {
  return field.name() == "execution_payload" || field.name() == "expected_payload_schema" ||
         field.name() == "execution_steps";
}

bool holds_entity_ids(const FieldDescriptor& field) {
  if (field.cpp_type() != FieldDescriptor::CPPTYPE_STRING) return false;
  const std::string_view name = field.name();
  for (const auto foreign : foreign_ids)
    if (name == foreign) return false;
  return name == "id" || ends_with(name, "_id") || ends_with(name, "_ids");
}

std::vector<field_error> field_rule_problems(const Message& message, field_rule_options options) {
  checker c(options);
  c.check(message);
  return std::move(c.problems);
}

}  // namespace stradia::domain
