#pragma once
// A Type C run on Google Tag Manager API v2, step by step (each step's result recorded in
// `steps`, each step skipped when a paused run already did it):
//   container  GET  accounts/containers:lookup?tagId=<GTM-…>
//   workspace  GET  <container>/workspaces, POST <container>/workspaces when "Stradia" is missing
//   trigger    the built-in All Pages trigger, or GET <workspace>/triggers and POST one
//              Custom Event trigger when it is missing
//   tag        GET  <workspace>/tags (every page), then PUT <tag>?fingerprint= when a tag of the
//              payload's name exists, else POST <workspace>/tags: a retry never makes a second tag
//   version    POST <workspace>:create_version
//   publish    POST <version>:publish?fingerprint=
#include "adapters/execution_steps.hpp"
#include "adapters/google_session.hpp"
#include "commands/task_executor.hpp"

namespace stradia::adapters {

// GTM's built-in "All Pages" trigger.
inline constexpr const char* all_pages_trigger_id = "2147479553";
// The workspace Stradia makes its changes in.
inline constexpr const char* stradia_workspace = "Stradia";

commands::execution_answer run_on_tag_manager(google_session& api, const commands::execution_run& run,
                                              execution_steps& steps);

}  // namespace stradia::adapters
