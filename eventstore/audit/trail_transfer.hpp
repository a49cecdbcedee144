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

namespace stradia::eventstore::audit {

// Writes every line of the export to `write`; `progress(done, total)` after each page.
base::expected<std::int64_t, std::string> export_tenant(
    const std::string& worker_conninfo, const std::string& tenant_id, const std::string& public_key,
    const std::function<void(const std::string&)>& write,
    const std::function<void(std::int64_t, std::int64_t)>& progress);

// Inserts the events of already verified exports (each a list of lines read back with
// `next_line`, empty at the end) in one transaction; refuses a log that is not empty.
base::expected<std::int64_t, std::string> import_events(const std::string& owner_conninfo,
                                                        const std::vector<std::function<std::string()>>& exports,
                                                        const std::function<void(std::int64_t)>& progress);

}  // namespace stradia::eventstore::audit
