#pragma once
// The AI work as the command handlers see it: the pre-flight scan (the tenant's governance
// policies and the task's execution payload in, a verdict and its token cost out) and
// content generation. The Gemini adapter (adapters/gemini_client) implements both; tests
// use loopback servers.
#include <cstdint>
#include <string>
#include <vector>

#include "base/expected.hpp"
#include "domain/enums.hpp"

namespace stradia::commands {

struct scan_verdict {
  domain::pre_flight_status status = domain::scan_statuses::FAILED;
  std::string findings;
  std::int64_t tokens = 0;
};

struct generated_content {
  std::string content;
  std::int64_t tokens = 0;
};

// Type B work: content for a generative task from its hidden system prompt.
class content_generator {
 public:
  virtual ~content_generator() = default;
  virtual base::expected<generated_content, std::string> generate(const std::string& system_prompt,
                                                                  const std::string& title,
                                                                  const std::string& description) = 0;
};

class pre_flight_scanner {
 public:
  virtual ~pre_flight_scanner() = default;
  // An error string when the service could not give a verdict (after its retries).
  virtual base::expected<scan_verdict, std::string> scan(const std::vector<std::string>& policies,
                                                         const std::string& execution_payload,
                                                         domain::target_platform platform) = 0;
};

}  // namespace stradia::commands
