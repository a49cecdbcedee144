#include "adapters/tag_manager_client.hpp"

#include "adapters/outbound_http.hpp"
#include "base/json_writer.hpp"

namespace stradia::adapters {

base::expected<commands::execution_answer, std::string> tag_manager_client::execute(
    domain::target_platform platform, const std::string& access_token, const std::string& execution_payload,
    const task::v1::ExecutionParameters& parameters) {
  const bool gtm = platform == domain::platforms::GTM;
  const auto url = parse_url(gtm ? options_.tag_manager_url : options_.analytics_admin_url);
  if (!url) return base::unexpected(std::string("the platform URL must start with http:// or https://"));
  const auto target = gtm ? url->base_path + "/tagmanager/v2/containers/" + parameters.container_id() + "/tags"
                          : url->base_path + "/v1beta/properties/" + parameters.measurement_id() + "/dataStreams";
  const auto reply = post_json_retrying(*url, target, {{"Authorization", "Bearer " + access_token}}, execution_payload,
                                        options_.deadlines, options_.retries);
  if (reply.status == 429 || reply.status >= 500 || reply.status == 0)
    return base::unexpected("the platform: " + describe_failure(reply));
  commands::execution_answer answer{reply.status, {}, {}};
  if (reply.status != 200) answer.error_log = reply.body.substr(0, 2000);
  if (reply.status == 401) {
    base::json_writer checkpoint;
    checkpoint.begin_object().field("step", gtm ? "create_tag" : "create_data_stream").field("target", target);
    checkpoint.end_object();
    answer.checkpoint_state = checkpoint.take();
  }
  return answer;
}

}  // namespace stradia::adapters
