#include "domain/field_rules.hpp"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <array>

#include "domain/context.hpp"
#include "domain/uuid_text.hpp"

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

// Walks a message's set fields; a field's path is spelled out only when it breaks a rule,
// so a clean message (the common case, on hot paths) allocates nothing but the field list.
class checker {
 public:
  explicit checker(field_rule_options options) : options_(options) {}

  void check(const Message& message) {
    const auto* reflection = message.GetReflection();
    std::vector<const FieldDescriptor*> fields;
    reflection->ListFields(message, &fields);
    for (const auto* f : fields) {
      const bool repeated = f->is_repeated();
      const int count = repeated ? reflection->FieldSize(message, f) : 1;
      for (int i = 0; i < count; ++i) {
        path_.push_back({f, repeated ? i : -1});
        if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE)
          check(repeated ? reflection->GetRepeatedMessage(message, f, i) : reflection->GetMessage(message, f));
        else if (f->cpp_type() == FieldDescriptor::CPPTYPE_STRING && f->type() != FieldDescriptor::TYPE_BYTES)
          check_text(*f, repeated ? reflection->GetRepeatedStringReference(message, f, i, &scratch_)
                                  : reflection->GetStringReference(message, f, &scratch_));
        path_.pop_back();
      }
    }
  }

  std::vector<field_error> problems;

 private:
  struct step {
    const FieldDescriptor* field;
    int index;  // -1 for a singular field
  };

  void check_text(const FieldDescriptor& f, const std::string& value) {
    if (holds_entity_ids(f)) {
      const bool system_author = options_.system_user_allowed && value == system_user_id;
      if (!value.empty() && !is_uuid(value) && !system_author) problems.push_back({path(), "Invalid uuid"});
      return;
    }
    if (has_control_character(value)) problems.push_back({path(), "Control characters are not allowed."});
  }

  std::string path() const {
    std::string out;
    for (const auto& s : path_) {
      if (!out.empty()) out += '.';
      out += s.field->name();
      if (s.index >= 0) out += "." + std::to_string(s.index);
    }
    return out;
  }

  field_rule_options options_;
  std::vector<step> path_;
  std::string scratch_;
};

}  // namespace

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
