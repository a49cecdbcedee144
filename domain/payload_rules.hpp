#pragma once
// What an execution payload must be: valid against its GlobalTask's expected payload schema
// (JSON Schema draft 7) and, wherever it names a measurement id, container id or trigger
// type, as the model's ExecuteTypeCTaskSchema says. The domain only asks; the JSON work
// happens outside it (commands/payload_schema_rules).
#include <string_view>
#include <vector>

#include "domain/domain_error.hpp"

namespace stradia::domain {

class payload_rules {
 public:
  virtual ~payload_rules() = default;
  // One problem per offending path (under "execution_payload"), none when the payload keeps
  // to them; `schema` is empty when the task has none.
  virtual std::vector<field_error> problems(std::string_view schema, std::string_view payload) const = 0;
};

}  // namespace stradia::domain
