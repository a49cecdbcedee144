#pragma once
// Moving a tenant's trail out of and into Postgres: `stradia audit export` (the worker
// role: every leaf up to the latest signed head, with its event row as it is now, streamed
// in pages) and `stradia audit import` (the owner role: verified exports into an empty
// log, each event at its original position, so a rebuild and a reseal give the source's
// read models and roots).
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/expected.hpp"
#include "eventstore/audit/export_format.hpp"
#include "eventstore/audit/export_verifier.hpp"

namespace stradia::eventstore::audit {

// Writes every line of the export to `write`; `progress(done, total)` after each page.
base::expected<std::int64_t, std::string> export_tenant(
    const std::string& worker_conninfo, const std::string& tenant_id, const std::string& public_key,
    const std::function<void(const std::string&)>& write,
    const std::function<void(std::int64_t, std::int64_t)>& progress);

struct import_source {
  std::string name;                        // for messages
  std::function<std::string()> next_line;  // empty at the end
};

// Inserts the events of exports in one transaction while verifying them (against
// `verification.public_key`, required): commits only when every one verifies; refuses a log
// that is not empty.
base::expected<std::int64_t, std::string> import_events(const std::string& owner_conninfo,
                                                        const std::vector<import_source>& exports,
                                                        const verify_options& verification,
                                                        const std::function<void(std::int64_t)>& progress);

}  // namespace stradia::eventstore::audit
