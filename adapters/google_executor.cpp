#include "adapters/google_executor.hpp"

#include "adapters/analytics_admin_flow.hpp"
#include "adapters/execution_steps.hpp"
#include "adapters/google_session.hpp"
#include "adapters/tag_manager_flow.hpp"

namespace stradia::adapters {

commands::execution_answer google_executor::execute(const commands::execution_run& run,
                                                    commands::platform_credential& credential) {
  const bool gtm = run.platform == domain::platforms::GTM;
  if (!gtm && run.platform != domain::platforms::GA4)
    return refused_step("platform", "only GTM and GA4 tasks are executed");
  const auto url = parse_url(gtm ? options_.tag_manager_url : options_.analytics_admin_url);
  if (!url) return {0, "the platform URL must start with http:// or https://", {}, false};
  google_session session(*url, credential, options_.deadlines, options_.retries,
                         std::chrono::steady_clock::now() + options_.run_deadline);
  auto steps = execution_steps::parse(run.completed_steps);
  commands::execution_answer answer;
  try {
    answer = gtm ? run_on_tag_manager(session, run, steps) : run_on_analytics_admin(session, run, steps);
  } catch (const std::exception&) {
    answer = {502, "the platform's answers could not be read", {}, false};
  }
  // Stopped without an answer after some steps: resumable, so those are not done twice.
  if (answer.http_status == 0 && !steps.json().empty() && steps.json() != "{}") answer.paused = true;
  answer.steps = steps.json();
  return answer;
}

}  // namespace stradia::adapters
