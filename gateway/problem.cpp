#include "gateway/problem.hpp"

#include <array>

#include "gateway/json_writer.hpp"

namespace stradia::gateway {

namespace {

struct problem_kind {
  std::string_view code;
  int status;
  std::string_view title;
};

constexpr std::array<problem_kind, 28> kinds{{
    {"MALFORMED_JSON", 400, "Body is not valid JSON"},
    {"UNKNOWN_COMMAND", 400, "Unknown command"},
    {"BAD_REQUEST", 400, "Bad request"},
    {"UNAUTHENTICATED", 401, "Authentication required"},
    {"FORBIDDEN", 403, "Not allowed for this role"},
    {"NOT_FOUND", 404, "Not found"},
    {"METHOD_NOT_ALLOWED", 405, "Method not allowed"},
    {"VERSION_CONFLICT", 409, "Version conflict"},
    {"STATUS_CONFLICT", 409, "Status conflict"},
    {"TASK_LOCKED", 409, "Task is locked"},
    {"EMAIL_TAKEN", 409, "Email already in use"},
    {"IDEMPOTENCY_KEY_IN_USE", 409, "Idempotency key in use"},
    {"PAYLOAD_TOO_LARGE", 413, "Payload too large"},
    {"VALIDATION_FAILED", 422, "Validation failed"},
    {"LAST_ADMIN", 422, "Last active admin"},
    {"MARKET_LIMIT_REACHED", 422, "Active markets limit reached"},
    {"SEAT_LIMIT_REACHED", 422, "User seat limit reached"},
    {"TOKEN_QUOTA_EXCEEDED", 422, "AI token quota exceeded"},
    {"EXECUTION_REQUIRED", 422, "Successful execution required"},
    {"PREFLIGHT_REQUIRED", 422, "Passed pre-flight scan required"},
    {"LOCK_REQUIRED", 422, "Task lock required"},
    {"CREDENTIAL_MISSING", 422, "Credential missing"},
    {"CREDENTIAL_REVOKED", 422, "Credential revoked"},
    {"IDEMPOTENCY_KEY_REUSED", 422, "Idempotency key reused"},
    {"RATE_LIMITED", 429, "Too many requests"},
    {"INTERNAL", 500, "Internal error"},
    {"SERVICE_UNAVAILABLE", 503, "Service unavailable"},
    {"READ_MODEL_BEHIND", 504, "Read model behind"},
}};

const problem_kind* find(std::string_view code) {
  for (const auto& k : kinds)
    if (k.code == code) return &k;
  return nullptr;
}

}  // namespace

int status_of(std::string_view code) {
  const auto* k = find(code);
  return k ? k->status : 500;
}

http_response problem(std::string_view code, std::string detail, const std::vector<domain::field_error>& errors) {
  const auto* k = find(code);
  const int status = status_of(code);
  json_writer json;
  json.begin_object();
  json.field("type", "https://stradia.dev/errors/" + std::string(code));
  json.field("title", k ? k->title : "Error");
  json.field("status", status);
  json.field("code", code);
  json.field("detail", detail);
  json.key("errors").begin_array();
  for (const auto& e : errors) json.begin_object().field("path", e.path).field("message", e.message).end_object();
  json.end_array();
  json.end_object();
  return http_response{status, "application/problem+json", json.take(), {}, {}};
}

http_response problem(const domain::domain_error& error) {
  return problem(domain::code_name(error.code), error.detail, error.errors);
}

}  // namespace stradia::gateway
