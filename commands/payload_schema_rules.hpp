#pragma once
// The payload rules with valijson (JSON Schema draft 7) over nlohmann::json: the task's
// expected payload schema, then the model's ExecuteTypeCTaskSchema rules wherever the
// payload names a measurement id, a container id or a trigger type (as a member, snake or
// camel case, or as a Tag Manager parameter {"key": "measurementId", "value": ...}).
// Stateless and thread-safe; a schema is compiled on each call (they are small).
#include "domain/payload_rules.hpp"

namespace stradia::commands {

class payload_schema_rules final : public domain::payload_rules {
 public:
  std::vector<domain::field_error> problems(std::string_view schema, std::string_view payload) const override;
};

}  // namespace stradia::commands
