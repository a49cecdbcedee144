#include "gateway/gemini_client.hpp"

#include <simdjson.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "gateway/json_writer.hpp"
#include "gateway/outbound_http.hpp"

namespace stradia::gateway {

std::string pre_flight_prompt(const std::vector<std::string>& policies, const std::string& execution_payload,
                              domain::target_platform platform) {
  std::string prompt =
      "You are the governance pre-flight check for an analytics change on " + std::string(domain::name_of(platform)) +
      ". Answer with PASS if the change below breaks none of the rules, otherwise FAIL followed by the rules it "
      "breaks.\nRules:\n";
  for (const auto& p : policies) prompt += "- " + p + "\n";
  if (policies.empty()) prompt += "- (none)\n";
  return prompt + "Change (JSON):\n" + execution_payload + "\n";
}

domain::expected<commands::generated_content, std::string> gemini_client::ask(const std::string& prompt) {
  const auto url = parse_url(options_.base_url);
  if (!url) return domain::unexpected(std::string("the Gemini base URL must start with http:// or https://"));
  json_writer body;
  body.begin_object().key("contents").begin_array().begin_object().key("parts").begin_array().begin_object();
  body.field("text", prompt);
  body.end_object().end_array().end_object().end_array().end_object();
  const auto target = url->base_path + "/v1beta/models/" + options_.model + ":generateContent";

  const auto reply = post_json_retrying(*url, target, {{"x-goog-api-key", options_.api_key}}, body.str(),
                                        options_.timeout, options_.retries);
  if (reply.status != 200) return domain::unexpected("Gemini: " + describe_failure(reply));
  simdjson::ondemand::parser parser;
  const simdjson::padded_string text(reply.body);
  auto doc = parser.iterate(text);
  std::string_view answer;
  std::int64_t tokens = 0;
  if (doc["candidates"].at(0)["content"]["parts"].at(0)["text"].get_string().get(answer))
    return domain::unexpected(std::string("Gemini's answer has no text"));
  if (doc["usageMetadata"]["totalTokenCount"].get_int64().get(tokens)) tokens = 0;
  return commands::generated_content{std::string(answer), tokens};
}

domain::expected<commands::scan_verdict, std::string> gemini_client::scan(const std::vector<std::string>& policies,
                                                                          const std::string& execution_payload,
                                                                          domain::target_platform platform) {
  auto answer = ask(pre_flight_prompt(policies, execution_payload, platform));
  if (!answer) return domain::unexpected(answer.error());
  commands::scan_verdict verdict;
  verdict.tokens = answer->tokens;
  verdict.findings = answer->content;
  const auto start = verdict.findings.find_first_not_of(" \n\t");
  verdict.status = start != std::string::npos && verdict.findings.compare(start, 4, "PASS") == 0
                       ? domain::scan_statuses::PASSED
                       : domain::scan_statuses::FAILED;
  return verdict;
}

domain::expected<commands::generated_content, std::string> gemini_client::generate(const std::string& system_prompt,
                                                                                   const std::string& title,
                                                                                   const std::string& description) {
  return ask(system_prompt + "\n\nTask: " + title + "\n" + description);
}

}  // namespace stradia::gateway
