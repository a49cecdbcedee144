#pragma once
// Executes a Type C task on Google Tag Manager (API v2: create the tag in the container) or
// Google Analytics (Admin API: create the data stream), with the market's OAuth token.
// 429 and 5xx are retried with backoff; 401 pauses the run with a checkpoint to resume.
#include <chrono>
#include <string>

#include "adapters/outbound_http.hpp"
#include "commands/task_executor.hpp"

namespace stradia::adapters {

struct tag_manager_options {
  std::string tag_manager_url = "https://tagmanager.googleapis.com";
  std::string analytics_admin_url = "https://analyticsadmin.googleapis.com";
  outbound_deadlines deadlines;
  retry_policy retries;  // 429 and 5xx
};

class tag_manager_client final : public commands::task_executor {
 public:
  explicit tag_manager_client(tag_manager_options options) : options_(std::move(options)) {}

  base::expected<commands::execution_answer, std::string> execute(
      domain::target_platform platform, const std::string& access_token, const std::string& execution_payload,
      const task::v1::ExecutionParameters& parameters) override;

 private:
  tag_manager_options options_;
};

}  // namespace stradia::adapters
