#pragma once
// Writes one group-commit batch in one transaction: append lock, stream heads and known
// event ids in one round trip, then one INSERT per tenant (each under that tenant's
// row-level security), then COMMIT. Throws libpqxx exceptions; the caller translates.
#include <pqxx/connection>

#include <vector>

#include "eventstore/append.hpp"
#include "eventstore/store_error.hpp"

namespace stradia::eventstore {

std::vector<result<append_result>> write_batch(pqxx::connection& c, const std::vector<append_request>& requests);

}  // namespace stradia::eventstore
