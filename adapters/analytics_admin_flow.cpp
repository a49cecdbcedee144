#include "adapters/analytics_admin_flow.hpp"

#include "adapters/google_json.hpp"
#include "base/json_writer.hpp"

namespace stradia::adapters {

namespace {

constexpr const char* api = "/v1beta/";

// What the payload asks Analytics for: {"schema":{"name","type", and per type
// "parameter_name" and "scope", "event_name", or "default_uri"}}.
struct analytics_request {
  std::string name;
  std::string type;
  std::string parameter_name;
  std::string scope = "EVENT";
  std::string event_name;
  std::string default_uri;
};

std::optional<analytics_request> analytics_request_of(const std::string& payload) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  simdjson::dom::element schema;
  if (parser.parse(payload).get(root) || root["schema"].get(schema) || !schema.is_object()) return std::nullopt;
  analytics_request out;
  auto name = text_at(schema, "name");
  auto type = text_at(schema, "type");
  if (!name || !type || name->empty()) return std::nullopt;
  out.name = *name;
  out.type = *type;
  out.parameter_name = text_at(schema, "parameter_name").value_or(out.name);
  out.scope = text_at(schema, "scope").value_or("EVENT");
  out.event_name = text_at(schema, "event_name").value_or(out.name);
  out.default_uri = text_at(schema, "default_uri").value_or("");
  return out;
}

}  // namespace

commands::execution_answer run_on_analytics_admin(google_session& session, const commands::execution_run& run,
                                                  execution_steps& steps) {
  const auto request = analytics_request_of(run.execution_payload);
  if (!request) return refused_step("change", "the payload names no change (schema.name and schema.type)");
  const auto& measurement_id = run.parameters.measurement_id();

  if (!steps.find("data_stream")) {
    std::vector<std::string> properties;
    http_result reply;
    if (!session.each_listed(std::string(api) + "accountSummaries?pageSize=200", "accountSummaries", reply,
                             [&](simdjson::dom::element account) {
                               simdjson::dom::array summaries;
                               if (!account["propertySummaries"].get(summaries))
                                 for (auto summary : summaries)
                                   if (auto property = text_at(summary, "property");
                                       property && is_resource_name(*property) && properties.size() < 1000)
                                     properties.push_back(*property);
                               return false;
                             }))
      return failed_step(session, "data_stream", reply);
    std::optional<execution_steps::result> stream;
    for (const auto& property : properties) {
      if (!session.each_listed(api + property + "/dataStreams", "dataStreams", reply, [&](simdjson::dom::element s) {
            simdjson::dom::element web;
            if (s["webStreamData"].get(web) || text_at(web, "measurementId") != measurement_id) return false;
            auto name = text_at(s, "name");
            if (!name || !is_resource_name(*name)) return false;
            stream =
                execution_steps::result{{"property", property}, {"name", *name}, {"measurementId", measurement_id}};
            return true;
          }))
        return failed_step(session, "data_stream", reply);
      if (stream) break;
    }
    if (!stream)
      return {404, "data_stream: no web data stream of " + measurement_id + " is visible to the credential", {}, false};
    steps.record("data_stream", std::move(*stream));
  }
  const auto& stream = *steps.find("data_stream");
  const auto& property = stream.at("property");

  if (!steps.find("change")) {
    std::string collection, key, value;
    base::json_writer body;
    if (request->type == "custom_dimension") {
      collection = "customDimensions";
      key = "parameterName";
      value = request->parameter_name;
      body.begin_object().field("parameterName", value).field("displayName", request->name);
      body.field("scope", request->scope).end_object();
    } else if (request->type == "key_event") {
      collection = "keyEvents";
      key = "eventName";
      value = request->event_name;
      body.begin_object().field("eventName", value).field("countingMethod", "ONCE_PER_EVENT").end_object();
    }
    if (collection.empty()) {
      std::string mask = "displayName";
      body.begin_object().field("displayName", request->name);
      if (!request->default_uri.empty()) {
        mask += ",webStreamData.defaultUri";
        body.key("webStreamData").begin_object().field("defaultUri", request->default_uri).end_object();
      }
      body.end_object();
      const auto reply = session.call("PATCH", api + stream.at("name") + "?updateMask=" + url_encode(mask), body.str());
      if (reply.status != 200) return failed_step(session, "change", reply);
      steps.record("change", {{"name", stream.at("name")}, {"updateMask", mask}});
    } else {
      std::optional<std::string> existing;
      http_result reply;
      if (!session.each_listed(api + property + "/" + collection, collection, reply, [&](simdjson::dom::element item) {
            if (text_at(item, key) != value) return false;
            existing = text_at(item, "name");
            return true;
          }))
        return failed_step(session, "change", reply);
      std::string name;
      if (existing) {
        name = *existing;
      } else {
        reply = session.call("POST", api + property + "/" + collection, body.str());
        if (reply.status != 200) return failed_step(session, "change", reply);
        simdjson::dom::parser parser;
        simdjson::dom::element root;
        if (parser.parse(reply.body).get(root)) return unreadable("change");
        name = text_at(root, "name").value_or("");
        if (!is_resource_name(name)) return unreadable("change");
      }
      steps.record("change", {{"name", name}, {"created", existing ? "false" : "true"}, {key, value}});
    }
  }
  return {200, {}, {}, false};
}

}  // namespace stradia::adapters
