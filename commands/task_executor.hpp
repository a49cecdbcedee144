#pragma once
// Type C execution as the command handlers see it: the platform (GTM or GA4), the market's
// opened OAuth token, the task's payload and its verified parameters in; the platform's
// HTTP answer out. The Tag Manager / Analytics Admin adapter (adapters/tag_manager_client)
// implements it; tests use loopback servers.
#include <string>

#include "base/expected.hpp"
#include "domain/enums.hpp"
#include "task.pb.h"

namespace stradia::commands {

struct execution_answer {
  int http_status = 0;
  std::string error_log;         // the platform's error, when not 200
  std::string checkpoint_state;  // JSON; set when the run paused on expired auth (401)
};

class task_executor {
 public:
  virtual ~task_executor() = default;
  // An error string when the platform gave no answer (after retries).
  virtual base::expected<execution_answer, std::string> execute(domain::target_platform platform,
                                                                const std::string& access_token,
                                                                const std::string& execution_payload,
                                                                const task::v1::ExecutionParameters& parameters) = 0;
};

}  // namespace stradia::commands
