#pragma once
// The AI pre-flight scan as the command handlers see it: the tenant's governance policies
// and the task's execution payload in, a verdict and its token cost out. The Gemini
// adapter (gateway/gemini_client) implements it; tests use loopback servers.
#include <cstdint>
#include <string>
#include <vector>

#include "domain/enums.hpp"
#include "domain/expected.hpp"

namespace stradia::commands {

struct scan_verdict {
  domain::pre_flight_status status = domain::scan_statuses::FAILED;
  std::string findings;
  std::int64_t tokens = 0;
};

class pre_flight_scanner {
 public:
  virtual ~pre_flight_scanner() = default;
  // An error string when the service could not give a verdict (after its retries).
  virtual domain::expected<scan_verdict, std::string> scan(const std::vector<std::string>& policies,
                                                           const std::string& execution_payload,
                                                           domain::target_platform platform) = 0;
};

}  // namespace stradia::commands
