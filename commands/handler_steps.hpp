#pragma once
// Steps the command handlers share (internal to commands/): turning a decision into a
// failure, and finishing a unit of work into the answer clients get.
#include "commands/unit_of_work.hpp"

namespace stradia::commands {

inline command_failure domain_failure(domain::domain_error error) {
  return command_failure{std::move(error), false, false};
}

// An outside system (Gemini, Tag Manager, Analytics) gave no answer: 503 for the client
// with `detail`; the `reason` (hosts, upstream text) goes to the log only.
command_failure unavailable(std::string detail, const std::string& reason);

// The answer for a command whose decisions are in `work`; `stream` is the one the command
// is about (its version before the command when nothing changes).
command_result finish(eventstore::event_log& store, unit_of_work& work, const std::string& stream,
                      std::int64_t version_before, std::vector<std::pair<std::string, std::string>> created = {});

// A refusal that still records events (an auto-saved draft, a lock expiry): record them,
// then answer with the refusal.
template <class Aggregate>
command_result refuse_recording(eventstore::event_log& store, const loaded<Aggregate>& stream,
                                domain::refusal<typename Aggregate::event> refusal, const event_metadata& metadata,
                                const std::string& tenant_id) {
  if (!refusal.recorded.empty()) {
    unit_of_work work(tenant_id, metadata);
    work.record(stream, refusal.recorded);
    if (auto committed = work.commit(store); !committed) return base::unexpected(committed.error());
  }
  return base::unexpected(domain_failure(std::move(refusal.error)));
}

}  // namespace stradia::commands
