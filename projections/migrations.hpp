#pragma once
// The read models' tables, views and checkpoints (projections/migrations/NNNN_name.sql,
// compiled into the binary), applied by eventstore::migrate with the store's own.
#include <vector>

#include "eventstore/migrator.hpp"

namespace stradia::projections {

const std::vector<eventstore::migration>& embedded_migrations();

}  // namespace stradia::projections
