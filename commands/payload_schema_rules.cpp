#include "commands/payload_schema_rules.hpp"

#include <nlohmann/json.hpp>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include "domain/guardrails.hpp"

namespace stradia::commands {

namespace {

using json = nlohmann::json;
constexpr std::string_view root = "execution_payload";

// valijson's context ("<root>", "[schema]", "[parameter]", "[0]") as a problem path
// ("execution_payload.schema.parameter.0").
std::string path_of(const std::vector<std::string>& context) {
  std::string out(root);
  for (const auto& step : context) {
    if (step == "<root>" || step.size() < 2 || step.front() != '[') continue;
    auto name = step.substr(1, step.size() - 2);
    if (name.size() >= 2 && name.front() == '"') name = name.substr(1, name.size() - 2);
    out += "." + name;
  }
  return out;
}

// The ExecuteTypeCTaskSchema rule for a named value, if the name is one of its fields.
domain::guardrails::problems rule_for(std::string_view name, std::string_view value) {
  if (name == "measurement_id" || name == "measurementId") return domain::guardrails::measurement_id(value);
  if (name == "container_id" || name == "containerId" || name == "publicId")
    return domain::guardrails::container_id(value);
  if (name == "trigger_type" || name == "triggerType") return domain::guardrails::trigger_type(value);
  return {};
}

void add_rule_problems(std::vector<domain::field_error>& out, std::string_view name, const json& value,
                       const std::string& path) {
  if (!value.is_string()) return;
  for (const auto& p : rule_for(name, value.get_ref<const std::string&>())) out.push_back({path, p.message});
}

// Every place the payload names one of those fields, however deep.
void check_named_values(const json& node, const std::string& path, std::vector<domain::field_error>& out) {
  if (node.is_object()) {
    // A Tag Manager parameter: {"type": "template", "key": "measurementId", "value": "G-…"}.
    if (node.contains("key") && node["key"].is_string() && node.contains("value"))
      add_rule_problems(out, node["key"].get_ref<const std::string&>(), node["value"], path + ".value");
    for (const auto& [key, value] : node.items()) {
      add_rule_problems(out, key, value, path + "." + key);
      check_named_values(value, path + "." + key, out);
    }
  } else if (node.is_array()) {
    for (std::size_t i = 0; i < node.size(); ++i) check_named_values(node[i], path + "." + std::to_string(i), out);
  }
}

}  // namespace

std::vector<domain::field_error> payload_schema_rules::problems(std::string_view schema,
                                                                std::string_view payload) const {
  std::vector<domain::field_error> out;
  const auto document = json::parse(payload, nullptr, false);
  if (document.is_discarded() || !document.is_object()) return {{std::string(root), "Expected a JSON object."}};
  if (!schema.empty()) {
    const auto schema_document = json::parse(schema, nullptr, false);
    if (!schema_document.is_discarded()) {
      valijson::Schema compiled;
      valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
      valijson::adapters::NlohmannJsonAdapter schema_adapter(schema_document);
      try {
        parser.populateSchema(schema_adapter, compiled);
        valijson::Validator validator;
        valijson::ValidationResults results;
        valijson::adapters::NlohmannJsonAdapter payload_adapter(document);
        if (!validator.validate(compiled, payload_adapter, &results)) {
          valijson::ValidationResults::Error error;
          // The innermost reason for each path (valijson also reports each enclosing step).
          while (results.popError(error)) {
            auto path = path_of(error.context);
            std::erase_if(out, [&](const auto& e) { return path.rfind(e.path, 0) == 0; });
            if (std::none_of(out.begin(), out.end(), [&](const auto& e) { return e.path.rfind(path, 0) == 0; }))
              out.push_back({std::move(path), error.description});
          }
        }
      } catch (const std::exception&) {
        // A schema valijson cannot read (a GlobalTask written before schemas were checked)
        // constrains nothing rather than blocking every edit.
      }
    }
  }
  check_named_values(document, std::string(root), out);
  return out;
}

}  // namespace stradia::commands
