#pragma once
// The one place libpqxx exceptions become store errors. Call from a catch block.
#include "eventstore/store_error.hpp"

namespace stradia::eventstore {

// Translates the exception being handled: unique violations become version or event id
// conflicts, lost connections and serialization failures become retryable.
store_error translate_current_exception();

}  // namespace stradia::eventstore
