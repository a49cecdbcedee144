#include "adapters/sandbox/google_sandbox.hpp"

#include <algorithm>
#include <sstream>

namespace stradia::adapters::sandbox {

namespace {

using json = nlohmann::json;

sandbox_response answer(int status, const json& body) { return {status, body.dump(), "application/json", {}}; }

// Google's error body: {"error":{"code","message","status"}}.
sandbox_response google_error(int code, const std::string& status, const std::string& message) {
  return answer(code, {{"error", {{"code", code}, {"message", message}, {"status", status}}}});
}

sandbox_response not_found() { return google_error(404, "NOT_FOUND", "Not found or permission denied."); }

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> out;
  std::string part;
  std::istringstream in(text);
  while (std::getline(in, part, separator)) out.push_back(part);
  return out;
}

std::string url_decode(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += text[i] == '+' ? ' ' : text[i];
    }
  }
  return out;
}

std::map<std::string, std::string> form_of(const std::string& text) {
  std::map<std::string, std::string> out;
  for (const auto& pair : split(text, '&')) {
    const auto eq = pair.find('=');
    if (eq == std::string::npos) continue;
    try {
      out[url_decode(pair.substr(0, eq))] = url_decode(pair.substr(eq + 1));
    } catch (const std::exception&) {
    }
  }
  return out;
}

// A resource without the sandbox's own bookkeeping members.
json view(json resource) {
  for (const auto* inner :
       {"tag", "trigger", "workspaces", "versions", "next_entity", "next_workspace", "next_version", "liveVersionId"})
    resource.erase(inner);
  return resource;
}

json* find_by(json& list, const std::string& key, const std::string& value) {
  for (auto& item : list)
    if (item.value(key, "") == value) return &item;
  return nullptr;
}

std::optional<json> parsed(const std::string& body) {
  auto value = json::parse(body, nullptr, false);
  if (value.is_discarded() || !value.is_object()) return std::nullopt;
  return value;
}

sandbox_response bad_json() { return google_error(400, "INVALID_ARGUMENT", "Invalid JSON payload received."); }

}  // namespace

google_sandbox::google_sandbox(sandbox_setup setup) : setup_(std::move(setup)) { reset(); }

void google_sandbox::reset() {
  faults_ = setup_.faults;
  calls_ = json::array();
  seen_tokens_.clear();
  issued_ = json::array();
  expired_tokens_.clear();
  gtm_ = {{"containers", json::array()}};
  int n = 0;
  for (const auto& public_id : setup_.containers) {
    const auto id = std::to_string(7000001 + n++);
    json c = {{"accountId", "6000001"},
              {"containerId", id},
              {"publicId", public_id},
              {"name", "Playground " + public_id},
              {"path", "accounts/6000001/containers/" + id},
              {"usageContext", {"web"}},
              {"fingerprint", fingerprint()},
              {"workspaces", json::array()},
              {"versions", json::array()},
              {"liveVersionId", ""},
              {"next_entity", 1},
              {"next_workspace", 1},
              {"next_version", 1}};
    new_workspace(c, "Default Workspace", "");
    gtm_["containers"].push_back(std::move(c));
  }
  analytics_ = {{"properties", json::array()}};
  n = 0;
  for (const auto& measurement_id : setup_.measurement_ids) {
    const auto property = "properties/" + std::to_string(400001 + n);
    json stream = {{"name", property + "/dataStreams/" + std::to_string(500001 + n)},
                   {"type", "WEB_DATA_STREAM"},
                   {"displayName", "Playground web stream"},
                   {"webStreamData", {{"measurementId", measurement_id}, {"defaultUri", "https://example.com"}}},
                   {"createTime", "2026-01-01T00:00:00Z"},
                   {"updateTime", "2026-01-01T00:00:00Z"}};
    analytics_["properties"].push_back({{"property", property},
                                        {"displayName", "Playground property " + measurement_id},
                                        {"propertyType", "PROPERTY_TYPE_ORDINARY"},
                                        {"parent", "accounts/100"},
                                        {"dataStreams", json::array({stream})},
                                        {"customDimensions", json::array()},
                                        {"keyEvents", json::array()}});
    ++n;
  }
}

std::string google_sandbox::fingerprint() { return std::to_string(1767225600000 + ++counter_); }

json google_sandbox::new_workspace(json& container, const std::string& name, const std::string& description) {
  const auto id = std::to_string(container["next_workspace"].get<int>());
  container["next_workspace"] = container["next_workspace"].get<int>() + 1;
  json w = {{"path", container["path"].get<std::string>() + "/workspaces/" + id},
            {"accountId", container["accountId"]},
            {"containerId", container["containerId"]},
            {"workspaceId", id},
            {"name", name},
            {"description", description},
            {"fingerprint", fingerprint()},
            {"tag", json::array()},
            {"trigger", json::array()}};
  // A new workspace starts from the latest version, as in Tag Manager.
  if (!container["versions"].empty()) {
    const auto& latest = container["versions"].back();
    for (auto tag : latest["tag"]) {
      tag["workspaceId"] = id;
      tag["path"] = w["path"].get<std::string>() + "/tags/" + tag["tagId"].get<std::string>();
      w["tag"].push_back(tag);
    }
    for (auto trigger : latest["trigger"]) {
      trigger["workspaceId"] = id;
      trigger["path"] = w["path"].get<std::string>() + "/triggers/" + trigger["triggerId"].get<std::string>();
      w["trigger"].push_back(trigger);
    }
  }
  container["workspaces"].push_back(w);
  return w;
}

json& google_sandbox::container_at(const std::string& account, const std::string& container) {
  static json none;
  for (auto& c : gtm_["containers"])
    if (c["accountId"] == account && c["containerId"] == container) return c;
  none = nullptr;
  return none;
}

sandbox_response google_sandbox::handle(const sandbox_request& request) {
  std::lock_guard lock(mutex_);
  const auto question = request.target.find('?');
  const auto path = request.target.substr(0, question);
  const auto query = question == std::string::npos ? std::map<std::string, std::string>{}
                                                   : form_of(request.target.substr(question + 1));
  if (path.rfind("/_sandbox/", 0) == 0) return control(request, path);
  if (path == "/token") return token(request);
  sandbox_response out;
  try {
    out = api(request, path, query);
  } catch (const json::exception&) {
    out = bad_json();  // a member of the wrong type, as Google answers it
  }
  calls_.push_back({{"method", request.method}, {"path", request.target}, {"status", out.status}});
  out.delay = std::chrono::milliseconds(faults_.slow_ms);
  return out;
}

sandbox_response google_sandbox::api(const sandbox_request& request, const std::string& path,
                                     const std::map<std::string, std::string>& query) {
  if (faults_.rate_limited > 0) {
    --faults_.rate_limited;
    return google_error(429, "RESOURCE_EXHAUSTED", "Quota exceeded for quota metric 'Queries'.");
  }
  if (faults_.server_errors > 0) {
    --faults_.server_errors;
    return google_error(503, "UNAVAILABLE", "The service is currently unavailable.");
  }
  if (path.rfind("/v1beta/models/", 0) == 0) return gemini(request);
  sandbox_response refusal;
  const bool tag_manager = path.rfind("/tagmanager/v2/", 0) == 0;
  if (!tag_manager && path.rfind("/v1beta/", 0) != 0) return not_found();
  if (!authorized(request, refusal)) return refusal;
  return tag_manager ? tag_manager_call(request, split(path.substr(15), '/'), query)
                     : analytics_call(request, split(path.substr(8), '/'), query);
}

bool google_sandbox::authorized(const sandbox_request& request, sandbox_response& refusal) {
  const std::string bearer = request.authorization.rfind("Bearer ", 0) == 0 ? request.authorization.substr(7) : "";
  if (faults_.expire_token_at_call > 0 && --faults_.expire_token_at_call == 0) {
    // The token expires now: this call and every later one with it (or an older one) get 401.
    expired_tokens_.insert(seen_tokens_.begin(), seen_tokens_.end());
    expired_tokens_.insert(bearer);
  }
  if (bearer.empty() || expired_tokens_.count(bearer)) {
    refusal = google_error(401, "UNAUTHENTICATED",
                           "Request had invalid authentication credentials. Expected OAuth 2 access token, login "
                           "cookie or other valid authentication credential.");
    return false;
  }
  seen_tokens_.insert(bearer);
  return true;
}

sandbox_response google_sandbox::token(const sandbox_request& request) {
  if (request.method != "POST") return google_error(405, "METHOD_NOT_ALLOWED", "POST the form.");
  auto form = form_of(request.body);
  if (form["grant_type"] != "refresh_token" || form["refresh_token"].empty() || form["client_id"].empty())
    return answer(400, {{"error", "invalid_request"}, {"error_description", "Missing required parameter."}});
  if (faults_.refuse_refresh)
    return answer(400, {{"error", "invalid_grant"}, {"error_description", "Token has been expired or revoked."}});
  const auto access = "ya29.sandbox-" + std::to_string(++counter_) + "-" + fingerprint();
  issued_.push_back(access);
  return answer(200, {{"access_token", access},
                      {"expires_in", 3599},
                      {"scope", "https://www.googleapis.com/auth/tagmanager.edit.containers"},
                      {"token_type", "Bearer"}});
}

sandbox_response google_sandbox::gemini(const sandbox_request& request) {
  if (request.api_key.empty())
    return google_error(403, "PERMISSION_DENIED", "Method doesn't allow unregistered callers.");
  auto body = parsed(request.body);
  if (!body || !body->contains("contents")) return bad_json();
  const auto text = body->dump();
  std::string reply;
  if (body->value("/generationConfig/responseSchema"_json_pointer, json()).is_object()) {
    const bool fail = !faults_.fail_marker.empty() && text.find(faults_.fail_marker) != std::string::npos;
    reply = json{{"verdict", fail ? "FAIL" : "PASS"},
                 {"findings", fail ? json::array({"The payload carries the marker " + faults_.fail_marker +
                                                  " that the sandbox treats as a policy breach."})
                                   : json::array()}}
                .dump();
  } else {
    reply = "Sandbox draft: " + body->value("/contents/0/parts/0/text"_json_pointer, std::string()).substr(0, 200);
  }
  const int prompt = static_cast<int>(text.size() / 4), answered = static_cast<int>(reply.size() / 4);
  return answer(
      200,
      {{"candidates", {{{"content", {{"parts", {{{"text", reply}}}}, {"role", "model"}}}, {"finishReason", "STOP"}}}},
       {"usageMetadata",
        {{"promptTokenCount", prompt}, {"candidatesTokenCount", answered}, {"totalTokenCount", prompt + answered}}},
       {"modelVersion", "sandbox"}});
}

sandbox_response google_sandbox::tag_manager_call(const sandbox_request& request, const std::vector<std::string>& p,
                                                  const std::map<std::string, std::string>& query) {
  const auto& m = request.method;
  if (p.size() == 2 && p[0] == "accounts" && p[1] == "containers:lookup" && m == "GET") {
    const auto tag_id = query.count("tagId") ? query.at("tagId") : "";
    auto* c = find_by(gtm_["containers"], "publicId", tag_id);
    return c ? answer(200, view(*c)) : not_found();
  }
  if (p.size() < 5 || p[0] != "accounts" || p[2] != "containers") return not_found();
  auto& container = container_at(p[1], p[3]);
  if (container.is_null()) return not_found();
  const auto body_of = [&]() { return parsed(request.body); };

  if (p.size() == 5 && p[4] == "workspaces") {
    if (m == "GET") {
      json list = json::array();
      for (const auto& w : container["workspaces"]) list.push_back(view(w));
      return answer(200, {{"workspace", list}});
    }
    if (m == "POST") {
      auto body = body_of();
      if (!body || body->value("name", "").empty()) return bad_json();
      if (find_by(container["workspaces"], "name", (*body)["name"]))
        return google_error(409, "ALREADY_EXISTS", "A workspace with this name already exists.");
      return answer(200, view(new_workspace(container, (*body)["name"], body->value("description", ""))));
    }
  }
  if (p.size() == 6 && p[4] == "versions" && p[5].size() > 8 && p[5].substr(p[5].size() - 8) == ":publish" &&
      m == "POST") {
    auto* version = find_by(container["versions"], "containerVersionId", p[5].substr(0, p[5].size() - 8));
    if (!version) return not_found();
    if (query.count("fingerprint") && !query.at("fingerprint").empty() &&
        query.at("fingerprint") != (*version)["fingerprint"])
      return google_error(409, "ABORTED", "Fingerprint does not match.");
    container["liveVersionId"] = (*version)["containerVersionId"];
    return answer(200, {{"containerVersion", view(*version)}, {"compilerError", false}});
  }
  if (p.size() < 6 || p[4] != "workspaces") return not_found();
  std::string workspace_id = p[5];
  const bool create_version =
      workspace_id.size() > 15 && workspace_id.substr(workspace_id.size() - 15) == ":create_version";
  if (create_version) workspace_id.resize(workspace_id.size() - 15);
  auto* workspace = find_by(container["workspaces"], "workspaceId", workspace_id);
  if (!workspace) return not_found();
  if (create_version && p.size() == 6 && m == "POST") {
    auto body = body_of();
    const auto id = std::to_string(container["next_version"].get<int>());
    container["next_version"] = container["next_version"].get<int>() + 1;
    json version = {{"path", container["path"].get<std::string>() + "/versions/" + id},
                    {"accountId", container["accountId"]},
                    {"containerId", container["containerId"]},
                    {"containerVersionId", id},
                    {"name", body ? body->value("name", "") : ""},
                    {"description", body ? body->value("notes", "") : ""},
                    {"fingerprint", fingerprint()},
                    {"tag", (*workspace)["tag"]},
                    {"trigger", (*workspace)["trigger"]}};
    container["versions"].push_back(version);
    // As in Tag Manager: the workspace becomes the version, and a new default one follows it.
    auto& list = container["workspaces"];
    list.erase(
        std::remove_if(list.begin(), list.end(), [&](const json& w) { return w["workspaceId"] == workspace_id; }),
        list.end());
    const auto next = new_workspace(container, "Default Workspace", "");
    json shown = version;
    return answer(200, {{"containerVersion", shown},
                        {"compilerError", false},
                        {"newWorkspacePath", next["path"]},
                        {"syncStatus", {{"mergeConflict", false}, {"syncError", false}}}});
  }
  if (p.size() < 7 || (p[6] != "tags" && p[6] != "triggers")) return not_found();
  const bool tags = p[6] == "tags";
  const std::string member = tags ? "tag" : "trigger", id_key = tags ? "tagId" : "triggerId";
  auto& items = (*workspace)[member];
  if (p.size() == 7 && m == "GET") return answer(200, {{member, items}});
  if (p.size() == 7 && m == "POST") {
    auto body = body_of();
    if (!body || body->value("name", "").empty() || body->value("type", "").empty()) return bad_json();
    if (find_by(items, "name", (*body)["name"]))
      return google_error(400, "INVALID_ARGUMENT", "Found entity with duplicate name in workspace.");
    const auto id = std::to_string(container["next_entity"].get<int>());
    container["next_entity"] = container["next_entity"].get<int>() + 1;
    json item = *body;
    item["path"] = (*workspace)["path"].get<std::string>() + "/" + p[6] + "/" + id;
    item["accountId"] = container["accountId"];
    item["containerId"] = container["containerId"];
    item["workspaceId"] = workspace_id;
    item[id_key] = id;
    item["fingerprint"] = fingerprint();
    items.push_back(item);
    return answer(200, item);
  }
  if (p.size() == 8 && m == "PUT") {
    auto* item = find_by(items, id_key, p[7]);
    if (!item) return not_found();
    if (query.count("fingerprint") && query.at("fingerprint") != (*item)["fingerprint"])
      return google_error(409, "ABORTED", "Fingerprint does not match.");
    auto body = body_of();
    if (!body || body->value("name", "").empty()) return bad_json();
    json updated = *body;
    for (const auto* kept : {"path", "accountId", "containerId", "workspaceId"}) updated[kept] = (*item)[kept];
    updated[id_key] = p[7];
    updated["fingerprint"] = fingerprint();
    *item = updated;
    return answer(200, updated);
  }
  return not_found();
}

sandbox_response google_sandbox::analytics_call(const sandbox_request& request, const std::vector<std::string>& p,
                                                const std::map<std::string, std::string>& query) {
  const auto& m = request.method;
  if (p.size() == 1 && p[0] == "accountSummaries" && m == "GET") {
    json properties = json::array();
    for (const auto& property : analytics_["properties"])
      properties.push_back({{"property", property["property"]},
                            {"displayName", property["displayName"]},
                            {"propertyType", property["propertyType"]},
                            {"parent", property["parent"]}});
    return answer(200, {{"accountSummaries",
                         {{{"name", "accountSummaries/100"},
                           {"account", "accounts/100"},
                           {"displayName", "Playground account"},
                           {"propertySummaries", properties}}}}});
  }
  if (p.size() < 3 || p[0] != "properties") return not_found();
  auto* property = find_by(analytics_["properties"], "property", "properties/" + p[1]);
  if (!property) return not_found();
  const auto& collection = p[2];
  if (collection == "dataStreams" && p.size() == 3 && m == "GET")
    return answer(200, {{"dataStreams", (*property)["dataStreams"]}});
  if (collection == "dataStreams" && p.size() == 4 && m == "PATCH") {
    auto* stream = find_by((*property)["dataStreams"], "name", "properties/" + p[1] + "/dataStreams/" + p[3]);
    if (!stream) return not_found();
    auto body = parsed(request.body);
    if (!body) return bad_json();
    const auto mask = query.count("updateMask") ? split(query.at("updateMask"), ',') : std::vector<std::string>{};
    if (mask.empty()) return google_error(400, "INVALID_ARGUMENT", "Field :update_mask is required");
    for (const auto& field : mask) {
      if (field == "displayName") {
        (*stream)["displayName"] = body->value("displayName", "");
      } else if (field == "webStreamData.defaultUri") {
        (*stream)["webStreamData"]["defaultUri"] = body->value("/webStreamData/defaultUri"_json_pointer, "");
      } else {
        return google_error(400, "INVALID_ARGUMENT", "Field " + field + " cannot be updated.");
      }
    }
    (*stream)["updateTime"] = "2026-01-01T00:00:01Z";
    return answer(200, *stream);
  }
  if ((collection == "customDimensions" || collection == "keyEvents") && p.size() == 3) {
    auto& items = (*property)[collection];
    if (m == "GET") return answer(200, {{collection, items}});
    if (m == "POST") {
      auto body = parsed(request.body);
      const std::string key = collection == "keyEvents" ? "eventName" : "parameterName";
      if (!body || body->value(key, "").empty()) return bad_json();
      if (find_by(items, key, (*body)[key]))
        return google_error(409, "ALREADY_EXISTS", "A resource with this " + key + " already exists.");
      json item = *body;
      item["name"] = "properties/" + p[1] + "/" + collection + "/" + std::to_string(++counter_);
      items.push_back(item);
      return answer(200, item);
    }
  }
  return not_found();
}

sandbox_response google_sandbox::control(const sandbox_request& request, const std::string& path) {
  if (path == "/_sandbox/state" && request.method == "GET") return answer(200, state());
  if (path == "/_sandbox/reset" && request.method == "POST") {
    reset();
    return answer(200, state());
  }
  if (path == "/_sandbox/faults" && request.method == "POST") {
    auto body = parsed(request.body);
    if (!body) return bad_json();
    try {
      faults_.expire_token_at_call = body->value("expire_token_at_call", faults_.expire_token_at_call);
      faults_.rate_limited = body->value("rate_limited", faults_.rate_limited);
      faults_.server_errors = body->value("server_errors", faults_.server_errors);
      faults_.slow_ms = body->value("slow_ms", faults_.slow_ms);
      faults_.refuse_refresh = body->value("refuse_refresh", faults_.refuse_refresh);
      faults_.fail_marker = body->value("fail_marker", faults_.fail_marker);
    } catch (const json::exception& e) {
      return google_error(400, "INVALID_ARGUMENT", e.what());
    }
    return answer(200, state()["faults"]);
  }
  return not_found();
}

json google_sandbox::state() const {
  json containers = json::array();
  for (const auto& c : gtm_["containers"]) {
    json shown = view(c);
    shown["workspaces"] = json::array();
    for (const auto& w : c["workspaces"]) {
      auto workspace = view(w);
      workspace["tag"] = w["tag"];
      workspace["trigger"] = w["trigger"];
      shown["workspaces"].push_back(workspace);
    }
    shown["versions"] = c["versions"];
    shown["liveVersionId"] = c["liveVersionId"];
    containers.push_back(shown);
  }
  return {{"tagManager", {{"containers", containers}}},
          {"analytics", analytics_},
          {"calls", calls_},
          {"issuedAccessTokens", issued_},
          {"faults",
           {{"expire_token_at_call", faults_.expire_token_at_call},
            {"rate_limited", faults_.rate_limited},
            {"server_errors", faults_.server_errors},
            {"slow_ms", faults_.slow_ms},
            {"refuse_refresh", faults_.refuse_refresh},
            {"fail_marker", faults_.fail_marker}}}};
}

}  // namespace stradia::adapters::sandbox
