#include "adapters/tag_manager_flow.hpp"

#include "adapters/google_json.hpp"
#include "base/json_writer.hpp"

namespace stradia::adapters {

namespace {

constexpr const char* api = "/tagmanager/v2/";

// What the payload asks Tag Manager for: {"schema":{"name","type","parameter":[…]}} and,
// for a Custom Event trigger, "event_name" (default: the tag's name).
struct tag_request {
  std::string name;
  std::string type;
  std::string parameters = "[]";  // JSON array, as the payload has it
  std::string event_name;
};

std::optional<tag_request> tag_request_of(const std::string& payload) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  simdjson::dom::element schema;
  if (parser.parse(payload).get(root) || root["schema"].get(schema) || !schema.is_object()) return std::nullopt;
  tag_request out;
  auto name = text_at(schema, "name");
  auto type = text_at(schema, "type");
  if (!name || !type || name->empty() || type->empty()) return std::nullopt;
  out.name = *name;
  out.type = *type;
  simdjson::dom::array parameters;
  if (!schema["parameter"].get(parameters)) out.parameters = simdjson::minify(parameters);
  out.event_name = text_at(root, "event_name").value_or(out.name);
  return out;
}

// The item of a list answer (`items` member) whose `key` is `value`; every page is read.
struct found_item {
  bool ok = true;  // false: a page could not be read (see reply)
  http_result reply;
  std::optional<execution_steps::result> item;
};

found_item find_in_list(google_session& session, const std::string& list_path, std::string_view items,
                        std::string_view key, std::string_view value, std::initializer_list<std::string_view> fields) {
  found_item out;
  out.ok = session.each_listed(list_path, items, out.reply, [&](simdjson::dom::element element) {
    if (text_at(element, key) != std::string(value)) return false;
    execution_steps::result item;
    for (auto field : fields)
      if (auto text = text_at(element, field)) item.emplace(std::string(field), *text);
    out.item = std::move(item);
    return true;
  });
  return out;
}

// Reads the fields of a created or updated resource; nullopt when the answer lacks `path`.
std::optional<execution_steps::result> resource_of(const http_result& reply, std::string_view member,
                                                   std::initializer_list<std::string_view> fields) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(reply.body).get(root)) return std::nullopt;
  if (!member.empty() && root[member].get(root)) return std::nullopt;
  execution_steps::result out;
  for (auto field : fields)
    if (auto text = text_at(root, field)) out.emplace(std::string(field), *text);
  const auto path = out.find("path");
  if (path == out.end() || !is_resource_name(path->second)) return std::nullopt;
  return out;
}

}  // namespace

commands::execution_answer run_on_tag_manager(google_session& session, const commands::execution_run& run,
                                              execution_steps& steps) {
  const auto request = tag_request_of(run.execution_payload);
  if (!request) return refused_step("tag", "the payload names no tag (schema.name and schema.type)");

  if (!steps.find("container")) {
    const auto reply = session.call(
        "GET", std::string(api) + "accounts/containers:lookup?tagId=" + url_encode(run.parameters.container_id()));
    if (reply.status != 200) return failed_step(session, "container", reply);
    auto container = resource_of(reply, "", {"path", "accountId", "containerId", "publicId", "fingerprint"});
    if (!container) return unreadable("container");
    steps.record("container", std::move(*container));
  }
  const auto container_path = steps.find("container")->at("path");

  if (!steps.find("workspace")) {
    auto found = find_in_list(session, api + container_path + "/workspaces", "workspace", "name", stradia_workspace,
                              {"path", "workspaceId", "fingerprint"});
    if (!found.ok) return failed_step(session, "workspace", found.reply);
    if (!found.item || !is_resource_name(found.item->operator[]("path"))) {
      base::json_writer body;
      body.begin_object().field("name", stradia_workspace);
      body.field("description", "Changes made by Stradia's executive tasks").end_object();
      const auto reply = session.call("POST", api + container_path + "/workspaces", body.take());
      if (reply.status != 200) return failed_step(session, "workspace", reply);
      found.item = resource_of(reply, "", {"path", "workspaceId", "fingerprint"});
      if (!found.item) return unreadable("workspace");
    }
    steps.record("workspace", std::move(*found.item));
  }
  const auto workspace_path = steps.find("workspace")->at("path");

  if (!steps.find("trigger")) {
    const bool custom_event = run.parameters.trigger_type() == "CustomEvent";
    if (!custom_event) {
      steps.record("trigger", {{"triggerId", all_pages_trigger_id}, {"name", "All Pages"}});
    } else {
      const auto name = "Stradia - " + request->event_name;
      auto found = find_in_list(session, api + workspace_path + "/triggers", "trigger", "name", name,
                                {"path", "triggerId", "fingerprint", "name"});
      if (!found.ok) return failed_step(session, "trigger", found.reply);
      if (!found.item) {
        base::json_writer body;
        body.begin_object().field("name", name).field("type", "customEvent");
        body.key("customEventFilter").begin_array().begin_object().field("type", "equals");
        body.key("parameter").begin_array();
        body.begin_object().field("type", "template").field("key", "arg0").field("value", "{{_event}}").end_object();
        body.begin_object().field("type", "template").field("key", "arg1").field("value", request->event_name);
        body.end_object().end_array().end_object().end_array().end_object();
        const auto reply = session.call("POST", api + workspace_path + "/triggers", body.take());
        if (reply.status != 200) return failed_step(session, "trigger", reply);
        found.item = resource_of(reply, "", {"path", "triggerId", "fingerprint", "name"});
        if (!found.item) return unreadable("trigger");
      }
      if (!found.item->count("triggerId")) return unreadable("trigger");
      steps.record("trigger", std::move(*found.item));
    }
  }
  const auto trigger_id = steps.find("trigger")->at("triggerId");

  if (!steps.find("tag")) {
    base::json_writer body;
    body.begin_object().field("name", request->name).field("type", request->type);
    body.key("parameter").raw(request->parameters);
    body.key("firingTriggerId").begin_array().value(trigger_id).end_array().end_object();
    auto found = find_in_list(session, api + workspace_path + "/tags", "tag", "name", request->name,
                              {"path", "tagId", "fingerprint"});
    if (!found.ok) return failed_step(session, "tag", found.reply);
    http_result reply;
    if (found.item && is_resource_name((*found.item)["path"]))
      reply = session.call(
          "PUT", api + (*found.item)["path"] + "?fingerprint=" + url_encode((*found.item)["fingerprint"]), body.str());
    else
      reply = session.call("POST", api + workspace_path + "/tags", body.str());
    if (reply.status != 200) return failed_step(session, "tag", reply);
    auto tag = resource_of(reply, "", {"path", "tagId", "fingerprint", "name"});
    if (!tag) return unreadable("tag");
    tag->emplace("created", found.item ? "false" : "true");
    steps.record("tag", std::move(*tag));
  }

  if (!steps.find("version")) {
    base::json_writer body;
    body.begin_object().field("name", "Stradia: " + run.task_title);
    body.field("notes", "Stradia execution " + run.execution_id).end_object();
    const auto reply = session.call("POST", api + workspace_path + ":create_version", body.take());
    if (reply.status != 200) return failed_step(session, "version", reply);
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    bool compiler_error = false;
    if (!parser.parse(reply.body).get(root) && !root["compilerError"].get(compiler_error) && compiler_error)
      return {400, "version: Tag Manager reported a compiler error in the workspace", {}, false};
    auto version = resource_of(reply, "containerVersion", {"path", "containerVersionId", "fingerprint"});
    if (!version) return unreadable("version");
    steps.record("version", std::move(*version));
  }

  if (!steps.find("publish")) {
    const auto& version = *steps.find("version");
    const auto fingerprint = version.count("fingerprint") ? version.at("fingerprint") : std::string();
    const auto reply =
        session.call("POST", api + version.at("path") + ":publish?fingerprint=" + url_encode(fingerprint));
    if (reply.status != 200) return failed_step(session, "publish", reply);
    auto published = resource_of(reply, "containerVersion", {"path", "containerVersionId", "fingerprint"});
    if (!published) return unreadable("publish");
    steps.record("publish", std::move(*published));
  }
  return {200, {}, {}, false};
}

}  // namespace stradia::adapters
