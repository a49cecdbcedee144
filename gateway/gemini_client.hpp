#pragma once
// Google Gemini's generateContent REST API as the pre-flight scanner: the policies and the
// payload go out as one prompt; the answer's first word (PASS or FAIL) is the verdict and
// usageMetadata.totalTokenCount its cost. 429 and 5xx are retried with backoff; every
// call has a timeout. http:// and https:// base URLs (tests use a loopback server).
#include <chrono>
#include <string>

#include "commands/pre_flight_scanner.hpp"
#include "gateway/outbound_http.hpp"

namespace stradia::gateway {

struct gemini_options {
  std::string base_url = "https://generativelanguage.googleapis.com";
  std::string api_key;
  std::string model = "gemini-2.0-flash";
  std::chrono::milliseconds timeout{10000};
  retry_policy retries;  // 429 and 5xx
};

class gemini_client final : public commands::pre_flight_scanner, public commands::content_generator {
 public:
  explicit gemini_client(gemini_options options) : options_(std::move(options)) {}

  domain::expected<commands::scan_verdict, std::string> scan(const std::vector<std::string>& policies,
                                                             const std::string& execution_payload,
                                                             domain::target_platform platform) override;
  domain::expected<commands::generated_content, std::string> generate(const std::string& system_prompt,
                                                                      const std::string& title,
                                                                      const std::string& description) override;

 private:
  // One generateContent call, with retries: the answer's text and its token count.
  domain::expected<commands::generated_content, std::string> ask(const std::string& prompt);

  gemini_options options_;
};

// The prompt sent for a scan (exposed for tests).
std::string pre_flight_prompt(const std::vector<std::string>& policies, const std::string& execution_payload,
                              domain::target_platform platform);

}  // namespace stradia::gateway
