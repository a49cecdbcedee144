#pragma once
// Google Gemini's generateContent REST API as the pre-flight scanner and the Type B writer.
// A scan asks for structured output (responseSchema: verdict PASS|FAIL and findings) and
// gives the payload as delimited, JSON-escaped data after the instructions, so text inside
// a payload cannot pose as instructions or as the verdict; an answer that is not exactly
// that JSON counts as FAIL. usageMetadata.totalTokenCount is the cost. 429 and 5xx are
// retried with backoff, all within the call's deadlines. http:// and https:// base URLs
// (tests use a loopback server).
#include <chrono>
#include <string>

#include "adapters/outbound_http.hpp"
#include "commands/pre_flight_scanner.hpp"

namespace stradia::adapters {

struct gemini_options {
  std::string base_url = "https://generativelanguage.googleapis.com";
  std::string api_key;
  std::string model = "gemini-2.0-flash";
  outbound_deadlines deadlines;
  retry_policy retries;  // 429 and 5xx
};

class gemini_client final : public commands::pre_flight_scanner, public commands::content_generator {
 public:
  explicit gemini_client(gemini_options options) : options_(std::move(options)) {}

  base::expected<commands::scan_verdict, std::string> scan(const std::vector<std::string>& policies,
                                                           const std::string& execution_payload,
                                                           domain::target_platform platform) override;
  base::expected<commands::generated_content, std::string> generate(const std::string& system_prompt,
                                                                    const std::string& title,
                                                                    const std::string& description) override;

 private:
  // One generateContent call, with retries: the answer's text and its token count.
  // `request_body` is the JSON request without the model (contents, instructions, config).
  base::expected<commands::generated_content, std::string> ask(const std::string& request_body);

  gemini_options options_;
};

// The request body of a scan (exposed for tests): the rules as the system instruction,
// the payload as data.
std::string pre_flight_request(const std::vector<std::string>& policies, const std::string& execution_payload,
                               domain::target_platform platform);

// Reads Gemini's structured answer to a scan: exactly {"verdict":"PASS"|"FAIL","findings":[...]}.
// Anything else is a FAIL that says so (the scan cannot be read as a pass).
commands::scan_verdict read_verdict(std::string_view answer_text);

}  // namespace stradia::adapters
