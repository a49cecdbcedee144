#pragma once
// The audit trail's rows as libpqxx reads them: an events row as a recorded_event, and a
// stored complete subtree (a leaf at level 0, a node above). Inside the event store only.
#include <optional>
#include <pqxx/pqxx>
#include <string>

#include "eventstore/audit/canonical_event.hpp"
#include "eventstore/audit/merkle.hpp"
#include "eventstore/audit/tree_head.hpp"

namespace stradia::eventstore::audit {

// A row selected with `recorded_event_columns`, from its first column on.
recorded_event recorded_event_of(const pqxx::row& row, int first = 0);

// Throws when the subtree is not stored (a tree read past what was sealed). One below
// `lowest_stored_level` is folded from its leaves.
digest stored_subtree(pqxx::transaction_base& tx, const std::string& tenant_id, int level, std::int64_t index);

digest digest_of(const pqxx::field& bytea_field);

// The tenant's latest signed tree head; nullopt before the first.
std::optional<tree_head> latest_head(pqxx::transaction_base& tx, const std::string& tenant_id);

}  // namespace stradia::eventstore::audit
