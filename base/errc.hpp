#pragma once
// The stable domain error codes of API.md §2. The gateway maps each to an HTTP status
// in one table; the spelling returned by code_name() is what clients see.
#include <string_view>

namespace stradia::base {

enum class errc {
  validation_failed,
  forbidden,
  not_found,
  version_conflict,
  status_conflict,
  task_locked,
  last_admin,
  market_limit_reached,
  seat_limit_reached,
  token_quota_exceeded,
  execution_required,
  preflight_required,
  lock_required,
  credential_missing,
  credential_revoked,
  email_taken,
};

constexpr std::string_view code_name(errc code) {
  switch (code) {
    case errc::validation_failed: return "VALIDATION_FAILED";
    case errc::forbidden: return "FORBIDDEN";
    case errc::not_found: return "NOT_FOUND";
    case errc::version_conflict: return "VERSION_CONFLICT";
    case errc::status_conflict: return "STATUS_CONFLICT";
    case errc::task_locked: return "TASK_LOCKED";
    case errc::last_admin: return "LAST_ADMIN";
    case errc::market_limit_reached: return "MARKET_LIMIT_REACHED";
    case errc::seat_limit_reached: return "SEAT_LIMIT_REACHED";
    case errc::token_quota_exceeded: return "TOKEN_QUOTA_EXCEEDED";
    case errc::execution_required: return "EXECUTION_REQUIRED";
    case errc::preflight_required: return "PREFLIGHT_REQUIRED";
    case errc::lock_required: return "LOCK_REQUIRED";
    case errc::credential_missing: return "CREDENTIAL_MISSING";
    case errc::credential_revoked: return "CREDENTIAL_REVOKED";
    case errc::email_taken: return "EMAIL_TAKEN";
  }
  return "UNKNOWN";
}

}  // namespace stradia::base
