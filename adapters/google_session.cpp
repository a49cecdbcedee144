#include "adapters/google_session.hpp"

#include <algorithm>

#include "adapters/google_json.hpp"

namespace stradia::adapters {

http_result google_session::call(const std::string& method, const std::string& path, const std::string& body) {
  auto attempt = [&] {
    auto deadlines = deadlines_;
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(run_deadline_ - std::chrono::steady_clock::now());
    if (left.count() <= 0) return http_result{0, {}, "the run's deadline passed"};
    deadlines.total = std::min(deadlines.total, left);
    return send_retrying(
        base_, {method, base_.base_path + path, {{"Authorization", "Bearer " + credential_.access_token()}}, body},
        deadlines, retries_, method == "GET" || method == "PUT" || method == "PATCH");
  };
  auto reply = attempt();
  if (reply.status != 401) return reply;
  if (refreshed_) {
    auth_problem_ = "The platform refused the refreshed access token (HTTP 401).";
    return reply;
  }
  refreshed_ = true;
  if (auto renewed = credential_.refresh(); !renewed) {
    auth_problem_ = "The access token expired and could not be refreshed: " + renewed.error();
    return reply;
  }
  reply = attempt();
  if (reply.status == 401) auth_problem_ = "The platform refused the refreshed access token (HTTP 401).";
  return reply;
}

commands::execution_answer failed_step(const google_session& session, std::string_view step, const http_result& reply) {
  commands::execution_answer out;
  out.http_status = reply.status;
  if (session.unauthorized()) {
    out.paused = true;
    out.error_log = std::string(step) + ": " + session.auth_problem();
  } else if (reply.status == 0 || reply.status == 429 || reply.status >= 500) {
    out.http_status = 0;
    out.error_log = std::string(step) + ": the platform did not answer (" + describe_failure(reply) + ")";
  } else {
    out.error_log = std::string(step) + ": HTTP " + std::to_string(reply.status) + " " + reply.body.substr(0, 2000);
  }
  return out;
}

bool google_session::each_listed(const std::string& path, std::string_view items, http_result& reply,
                                 const std::function<bool(simdjson::dom::element)>& each) {
  std::string page_token;
  for (int page = 0; page < 100; ++page) {
    const auto separator = path.find('?') == std::string::npos ? "?" : "&";
    reply = call("GET", path + (page_token.empty() ? "" : separator + ("pageToken=" + url_encode(page_token))));
    if (reply.status != 200) return false;
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    if (parser.parse(reply.body).get(root)) {
      reply = {502, "", "the list could not be read"};
      return false;
    }
    simdjson::dom::array list;
    if (!root[items].get(list))
      for (auto element : list)
        if (each(element)) return true;
    auto next = text_at(root, "nextPageToken");
    if (!next || next->empty()) return true;
    page_token = *next;
  }
  reply = {502, "", "more than 100 pages"};
  return false;
}

commands::execution_answer unreadable(std::string_view step) {
  return {502, std::string(step) + ": the platform's answer could not be read", {}, false};
}

commands::execution_answer refused_step(std::string_view step, std::string why) {
  return {400, std::string(step) + ": " + why, {}, false};
}

}  // namespace stradia::adapters
