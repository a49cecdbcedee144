#pragma once
// The SELECT list every read uses and its conversion into the schema's envelope.
#include <vector>

#include "envelope.pb.h"

namespace pqxx {
class result;
}

namespace stradia::eventstore {

// Columns, in the order envelopes_from() expects them.
inline constexpr const char* envelope_columns =
    "global_position, event_id::text, tenant_id::text, stream_id, stream_version, event_type, schema_version, "
    "payload, coalesce(metadata->>'correlation_id', ''), coalesce(metadata->>'causation_id', ''), "
    "coalesce(metadata->>'user_id', ''), (extract(epoch FROM recorded_at) * 1000000)::bigint";

std::vector<stradia::envelope::v1::EventEnvelope> envelopes_from(const pqxx::result& rows);

}  // namespace stradia::eventstore
