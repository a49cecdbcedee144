#include "gateway/problem.hpp"

#include <array>

#include "base/json_writer.hpp"

namespace stradia::gateway {

namespace {

struct problem_kind {
  std::string_view code;
  int status;
  std::string_view title;
};

// In the order of problem_code.
constexpr std::array<problem_kind, problem_code_count> kinds{{
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

const problem_kind& kind_of(problem_code code) { return kinds[static_cast<std::size_t>(code)]; }

}  // namespace

std::string_view code_name(problem_code code) { return kind_of(code).code; }

int status_of(problem_code code) { return kind_of(code).status; }

problem_code problem_code_of(base::errc code) {
  switch (code) {
    case base::errc::validation_failed: return problem_code::validation_failed;
    case base::errc::forbidden: return problem_code::forbidden;
    case base::errc::not_found: return problem_code::not_found;
    case base::errc::version_conflict: return problem_code::version_conflict;
    case base::errc::status_conflict: return problem_code::status_conflict;
    case base::errc::task_locked: return problem_code::task_locked;
    case base::errc::last_admin: return problem_code::last_admin;
    case base::errc::market_limit_reached: return problem_code::market_limit_reached;
    case base::errc::seat_limit_reached: return problem_code::seat_limit_reached;
    case base::errc::token_quota_exceeded: return problem_code::token_quota_exceeded;
    case base::errc::execution_required: return problem_code::execution_required;
    case base::errc::preflight_required: return problem_code::preflight_required;
    case base::errc::lock_required: return problem_code::lock_required;
    case base::errc::credential_missing: return problem_code::credential_missing;
    case base::errc::credential_revoked: return problem_code::credential_revoked;
    case base::errc::email_taken: return problem_code::email_taken;
  }
  return problem_code::internal;
}

http_response problem(problem_code code, std::string detail, const std::vector<domain::field_error>& errors,
                      int status) {
  const auto& k = kind_of(code);
  if (status == 0) status = k.status;
  base::json_writer json;
  json.begin_object();
  json.field("type", "https://stradia.dev/errors/" + std::string(k.code));
  json.field("title", k.title);
  json.field("status", status);
  json.field("code", k.code);
  json.field("detail", detail);
  json.key("errors").begin_array();
  for (const auto& e : errors) json.begin_object().field("path", e.path).field("message", e.message).end_object();
  json.end_array();
  json.end_object();
  return http_response{status, "application/problem+json", json.take(), {}, {}};
}

http_response problem(const domain::domain_error& error) {
  return problem(problem_code_of(error.code), error.detail, error.errors);
}

http_response read_model_unreachable() {
  return problem(problem_code::service_unavailable, "The read model is not reachable.");
}

}  // namespace stradia::gateway
