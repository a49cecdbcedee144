#pragma once
// A Type C run on the Google Analytics Admin API (v1beta), step by step (each step's result
// recorded in `steps`, each skipped when a paused run already did it):
//   data_stream  GET accountSummaries (every page), then GET <property>/dataStreams of each
//                property until the web stream of the run's measurement id
//   change       by the payload's schema.type:
//                "custom_dimension": GET <property>/customDimensions, POST one when no
//                  dimension has the payload's parameter_name
//                "key_event": GET <property>/keyEvents, POST one when no key event has the
//                  payload's event_name
//                anything else: PATCH <stream>?updateMask=displayName (and
//                  webStreamData.defaultUri when the payload gives default_uri)
#include "adapters/execution_steps.hpp"
#include "adapters/google_session.hpp"
#include "commands/task_executor.hpp"

namespace stradia::adapters {

commands::execution_answer run_on_analytics_admin(google_session& api, const commands::execution_run& run,
                                                  execution_steps& steps);

}  // namespace stradia::adapters
