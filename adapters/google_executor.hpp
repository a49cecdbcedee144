#pragma once
// Type C execution on Google's APIs: Tag Manager v2 for GTM tasks (tag_manager_flow), the
// Analytics Admin API for GA4 tasks (analytics_admin_flow), with the market's OAuth token
// (google_session: 429 and 5xx retried with backoff, a 401 refreshed once). A run resumes
// from the steps a paused run recorded.
#include <string>

#include "adapters/outbound_http.hpp"
#include "commands/task_executor.hpp"

namespace stradia::adapters {

struct google_executor_options {
  std::string tag_manager_url = "https://tagmanager.googleapis.com";
  std::string analytics_admin_url = "https://analyticsadmin.googleapis.com";
  outbound_deadlines deadlines;  // each call
  retry_policy retries;          // 429 and 5xx
  // The whole run: under the 90 s an Idempotency-Key of an outbound command is leased for,
  // so a client's retry never starts a second run while the first still calls Google.
  std::chrono::milliseconds run_deadline{75000};
};

class google_executor final : public commands::task_executor {
 public:
  explicit google_executor(google_executor_options options) : options_(std::move(options)) {}

  commands::execution_answer execute(const commands::execution_run& run,
                                     commands::platform_credential& credential) override;

 private:
  google_executor_options options_;
};

}  // namespace stradia::adapters
