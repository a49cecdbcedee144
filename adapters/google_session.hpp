#pragma once
// One Type C run's calls to a Google API with the market's OAuth token: each call retried
// on 429 and 5xx with backoff (within its deadlines), and a 401 answered once per run by
// refreshing the token and repeating the call. A second 401, or a refused refresh, leaves
// the session unauthorized: the run pauses.
#include <simdjson.h>

#include <chrono>
#include <functional>
#include <string>

#include "adapters/outbound_http.hpp"
#include "commands/task_executor.hpp"

namespace stradia::adapters {

class google_session {
 public:
  // `run_deadline`: every call of the run ends by then (each also within `deadlines`).
  google_session(url_parts base, commands::platform_credential& credential, outbound_deadlines deadlines,
                 retry_policy retries, std::chrono::steady_clock::time_point run_deadline)
      : base_(std::move(base)),
        credential_(credential),
        deadlines_(deadlines),
        retries_(retries),
        run_deadline_(run_deadline) {}

  // `path` is below the base URL ("/tagmanager/v2/..."), with its query.
  http_result call(const std::string& method, const std::string& path, const std::string& body = {});

  // Every page of a list (`nextPageToken`, at most 100): `each` is called with every item of
  // member `items` until it answers true. False, with `reply`, when a page failed or could
  // not be read (an unreadable list is not a list without the item: that would create a
  // second one).
  bool each_listed(const std::string& path, std::string_view items, http_result& reply,
                   const std::function<bool(simdjson::dom::element)>& each);

  bool unauthorized() const { return !auth_problem_.empty(); }
  // Why the credential was not accepted (for the run's error log; never a token).
  const std::string& auth_problem() const { return auth_problem_; }

 private:
  url_parts base_;
  commands::platform_credential& credential_;
  outbound_deadlines deadlines_;
  retry_policy retries_;
  std::chrono::steady_clock::time_point run_deadline_;
  bool refreshed_ = false;
  std::string auth_problem_;
};

// The answer of a run whose `step` did not succeed: paused when the credential was refused,
// no answer (status 0) when the platform was unreachable, else the platform's status and
// error.
commands::execution_answer failed_step(const google_session& session, std::string_view step, const http_result& reply);

// The answer of a run whose `step` got an answer it cannot read.
commands::execution_answer unreadable(std::string_view step);

// The answer of a run whose `step` cannot be done with what the task carries.
commands::execution_answer refused_step(std::string_view step, std::string why);

}  // namespace stradia::adapters
