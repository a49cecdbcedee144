#pragma once
// The answers of the end-to-end tests held to schemas/openapi.yaml, as a generated client
// would read them: the operation found by method and path, the response by status (a status
// the contract does not list is a failure), and a JSON body checked against the response's
// schema with valijson. OpenAPI 3.0 schemas become JSON Schema draft 7 on the way
// (a `nullable: true` schema becomes "null, or the schema").
#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include <cctype>
#include <charconv>
#include <regex>
#include <string>
#include <string_view>

namespace stradia::testing {

class openapi_contract {
 public:
  static const openapi_contract& loaded() {
    static const openapi_contract contract(STRADIA_SOURCE_DIR "/schemas/openapi.yaml");
    return contract;
  }

  // Empty when the answer keeps to the contract; otherwise what does not.
  std::string check(std::string method, std::string_view target, int status, std::string_view content_type,
                    const std::string& body) const {
    for (auto& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const std::string path(target.substr(0, target.find('?')));
    const nlohmann::json* operation = nullptr;
    for (const auto& [pattern, item] : doc_["paths"].items())
      if (std::regex_match(path, std::regex(std::regex_replace(pattern, std::regex(R"(\{[^}]+\})"), "[^/]+"))) &&
          item.contains(method))
        operation = &item[method];
    const std::string what = method + " " + path + " " + std::to_string(status);
    if (!operation) return what + ": no such operation in openapi.yaml";
    const auto& responses = (*operation)["responses"];
    const auto code = std::to_string(status);
    if (!responses.contains(code)) return what + ": the status is not in openapi.yaml";
    const auto& response = resolve(responses[code]);
    const std::string media(content_type.substr(0, content_type.find(';')));
    if (!response.contains("content") || (media != "application/json" && media != "application/problem+json"))
      return "";  // no body to check (NDJSON, SVG, text and empty answers are not JSON documents)
    if (!response["content"].contains(media)) return what + ": openapi.yaml has no " + media + " answer";
    const auto& media_type = response["content"][media];
    if (!media_type.contains("schema")) return "";
    return validate(media_type["schema"], body, what);
  }

 private:
  explicit openapi_contract(const char* file) : doc_(draft7(json_of(YAML::LoadFile(file)))) {}

  // YAML as JSON: plain scalars that read as booleans, null or numbers become those.
  static nlohmann::json json_of(const YAML::Node& node) {
    switch (node.Type()) {
      case YAML::NodeType::Map: {
        auto out = nlohmann::json::object();
        for (const auto& kv : node) out[kv.first.as<std::string>()] = json_of(kv.second);
        return out;
      }
      case YAML::NodeType::Sequence: {
        auto out = nlohmann::json::array();
        for (const auto& item : node) out.push_back(json_of(item));
        return out;
      }
      case YAML::NodeType::Scalar: {
        const auto& text = node.Scalar();
        if (node.Tag() == "!") return text;  // quoted
        if (text == "true" || text == "false") return text == "true";
        if (text == "null" || text == "~") return nullptr;
        std::int64_t integer;
        if (auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), integer);
            ec == std::errc() && end == text.data() + text.size())
          return integer;
        return text;
      }
      default: return nullptr;
    }
  }

  // OpenAPI 3.0 → draft 7: a `nullable: true` schema becomes "null, or the schema".
  static nlohmann::json draft7(nlohmann::json j) {
    if (j.is_object()) {
      for (auto& [key, value] : j.items()) value = draft7(std::move(value));
      if (j.value("nullable", false)) {
        j.erase("nullable");
        return {{"anyOf", nlohmann::json::array({{{"type", "null"}}, std::move(j)})}};
      }
    } else if (j.is_array()) {
      for (auto& item : j) item = draft7(std::move(item));
    }
    return j;
  }

  const nlohmann::json& resolve(const nlohmann::json& j) const {
    if (!j.contains("$ref")) return j;
    return doc_.at(nlohmann::json::json_pointer(j["$ref"].get<std::string>().substr(1)));
  }

  std::string validate(const nlohmann::json& schema, const std::string& body, const std::string& what) const {
    // The schema with the contract's components beside it, so its $refs resolve.
    nlohmann::json root = {{"allOf", nlohmann::json::array({schema})}, {"components", doc_["components"]}};
    valijson::Schema compiled;
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    valijson::adapters::NlohmannJsonAdapter schema_adapter(root);
    parser.populateSchema(schema_adapter, compiled);
    const auto answer = nlohmann::json::parse(body, nullptr, false);
    if (answer.is_discarded()) return what + ": the body is not JSON";
    valijson::Validator validator;
    valijson::ValidationResults results;
    valijson::adapters::NlohmannJsonAdapter answer_adapter(answer);
    if (validator.validate(compiled, answer_adapter, &results)) return "";
    std::string out = what + ": the answer does not match openapi.yaml:";
    valijson::ValidationResults::Error error;
    while (results.popError(error)) {
      std::string at;
      for (const auto& step : error.context) at += step;
      out += "\n  " + at + ": " + error.description;
    }
    return out;
  }

  nlohmann::json doc_;
};

}  // namespace stradia::testing
