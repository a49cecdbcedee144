#pragma once
// Type C execution as the command handlers see it: a run (the platform, the task's payload,
// its verified parameters, the steps a paused run already completed) and the market's
// OAuth credential in; the platform's answer and each step's result out. The Tag Manager /
// Analytics Admin adapter (adapters/google_executor) implements it; tests run it against
// `stradia google-sandbox`.
#include <string>

#include "base/expected.hpp"
#include "domain/enums.hpp"
#include "task.pb.h"

namespace stradia::commands {

// The market's credential during one run: the opened access token, and a refresh when the
// platform says it expired (the handler exchanges the refresh token, seals the new access
// token and records the rotation). Never logged, never in an answer.
class platform_credential {
 public:
  virtual ~platform_credential() = default;
  virtual const std::string& access_token() const = 0;
  // A new access token in place of the old, or why not (no refresh token, refused, revoked).
  virtual base::expected<void, std::string> refresh() = 0;
};

struct execution_run {
  domain::target_platform platform = domain::platforms::UNSPECIFIED;
  std::string execution_id;
  std::string task_title;
  std::string execution_payload;  // JSON text
  task::v1::ExecutionParameters parameters;
  std::string completed_steps;  // JSON object from a paused run's checkpoint; empty: a fresh run
};

struct execution_answer {
  int http_status = 0;    // 200 when every step succeeded; else the failing step's
  std::string error_log;  // what failed, when not 200
  std::string steps;      // JSON object: each completed step's result (ids, fingerprints)
  bool paused = false;    // the credential was refused and could not be refreshed: resume from `steps`
};

class task_executor {
 public:
  virtual ~task_executor() = default;
  // http_status 0 when the platform gave no answer (after retries).
  virtual execution_answer execute(const execution_run& run, platform_credential& credential) = 0;
};

}  // namespace stradia::commands
