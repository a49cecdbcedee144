#pragma once
// Errors in one shape everywhere (API.md §2): application/problem+json with type, title,
// status, code, detail and per-field errors. The codes are an enum; their spelling, status
// and title live in one table here.
#include <string>
#include <string_view>
#include <vector>

#include "domain/domain_error.hpp"
#include "gateway/http_types.hpp"

namespace stradia::gateway {

enum class problem_code {
  malformed_json,
  unknown_command,
  bad_request,
  unauthenticated,
  forbidden,
  not_found,
  method_not_allowed,
  version_conflict,
  status_conflict,
  task_locked,
  email_taken,
  idempotency_key_in_use,
  payload_too_large,
  validation_failed,
  last_admin,
  market_limit_reached,
  seat_limit_reached,
  token_quota_exceeded,
  execution_required,
  preflight_required,
  lock_required,
  credential_missing,
  credential_revoked,
  idempotency_key_reused,
  rate_limited,
  internal,
  service_unavailable,
  read_model_behind,
};
inline constexpr int problem_code_count = static_cast<int>(problem_code::read_model_behind) + 1;

// The code as clients see it ("NOT_FOUND").
std::string_view code_name(problem_code code);
int status_of(problem_code code);
// A refused command's code: the domain's codes are a subset of the API's.
problem_code problem_code_of(base::errc code);

// `status` 0: the code's own; API.md gives VALIDATION_FAILED a 400 for a body's shape.
http_response problem(problem_code code, std::string detail, const std::vector<domain::field_error>& errors = {},
                      int status = 0);
http_response problem(const domain::domain_error& error);
// 503: a query could not reach the read models.
http_response read_model_unreachable();

}  // namespace stradia::gateway
