#pragma once
// Numbered SQL migrations (<folder>/migrations/NNNN_name.sql, compiled into the binary),
// applied once each, in order, recorded in schema_migrations. The event store owns its
// tables' migrations; the projections own theirs; the versions form one sequence. Run as
// the owner role; concurrent migrators wait for each other (advisory lock).
#include <string>
#include <string_view>
#include <vector>

#include "eventstore/store_error.hpp"

namespace stradia::eventstore {

struct migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

// Generated at build time from eventstore/migrations/*.sql.
const std::vector<migration>& embedded_migrations();

struct migration_report {
  std::vector<int> applied;  // versions applied by this call
  int current_version = 0;
};

// Applies the event store's migrations and `others` (another folder's), merged by version.
result<migration_report> migrate(const std::string& owner_conninfo, const std::vector<migration>& others = {});

}  // namespace stradia::eventstore
