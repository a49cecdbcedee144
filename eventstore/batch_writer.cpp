#include "eventstore/batch_writer.hpp"

#include <pqxx/pqxx>

#include "eventstore/batch_plan.hpp"
#include "eventstore/sql_literals.hpp"

namespace stradia::eventstore {

namespace {

constexpr const char* prepare_sql =
    "SELECT kind, stream_id, tenant_id::text, stream_version, event_id::text, event_type, payload_md5, "
    "global_position FROM stradia_append_prepare($1::text[], $2::uuid[])";

constexpr const char* set_tenant_sql = "SELECT set_config('app.current_tenant', $1, true)";

constexpr const char* insert_sql =
    "INSERT INTO events (event_id, tenant_id, stream_id, stream_version, event_type, schema_version, payload, "
    "metadata) "
    "SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::bigint[], $5::text[], $6::int[], $7::bytea[], "
    "$8::jsonb[]) "
    "RETURNING event_id::text, global_position";

std::string metadata_json(const event_to_append& e) {
  json_object_writer json;
  json.field("correlation_id", e.correlation_id);
  json.field("causation_id", e.causation_id);
  json.field("user_id", e.user_id);
  json.field("command", e.command);
  return json.finish();
}

struct read_state {
  std::map<std::string, stream_head> heads;
  std::map<std::string, recorded_digest> recorded;
};

read_state read_heads(pqxx::work& w, const std::vector<append_request>& requests) {
  array_literal streams, ids;
  for (const auto& request : requests)
    for (const auto& stream : request.streams) {
      streams.add_text(stream.stream_id);
      for (const auto& event : stream.events) ids.add_raw(event.event_id);
    }
  read_state out;
  for (const auto& row : w.exec_params(prepare_sql, streams.finish(), ids.finish())) {
    if (row[0].as<std::string>() == "stream") {
      out.heads[row[1].as<std::string>()] = stream_head{row[2].as<std::string>(), row[3].as<std::int64_t>()};
    } else {
      out.recorded[row[4].as<std::string>()] =
          recorded_digest{row[1].as<std::string>(), row[2].as<std::string>(), row[3].as<std::int64_t>(),
                          row[5].as<std::string>(), row[6].as<std::string>(), row[7].as<std::int64_t>()};
    }
  }
  return out;
}

// Inserts the planned rows of one tenant; returns their positions by event id.
void insert_tenant_rows(pqxx::work& w, const std::string& tenant_id, const std::vector<const planned_row*>& rows,
                        std::map<std::string, std::int64_t>& positions) {
  array_literal event_ids, tenants, streams, versions, types, schema_versions, payloads, metadata;
  for (const auto* row : rows) {
    event_ids.add_raw(row->event->event_id);
    tenants.add_raw(tenant_id);
    streams.add_text(*row->stream_id);
    versions.add_raw(std::to_string(row->stream_version));
    types.add_text(row->event->event_type);
    schema_versions.add_raw(std::to_string(row->event->schema_version));
    payloads.add_bytea(row->event->payload);
    metadata.add_text(metadata_json(*row->event));
  }
  w.exec_params(set_tenant_sql, tenant_id);
  for (const auto& row :
       w.exec_params(insert_sql, event_ids.finish(), tenants.finish(), streams.finish(), versions.finish(),
                     types.finish(), schema_versions.finish(), payloads.finish(), metadata.finish()))
    positions[row[0].as<std::string>()] = row[1].as<std::int64_t>();
}

}  // namespace

std::vector<result<append_result>> write_batch(pqxx::connection& c, const std::vector<append_request>& requests) {
  pqxx::work w(c);
  auto state = read_heads(w, requests);
  const auto plan = plan_batch(requests, std::move(state.heads), state.recorded);

  std::map<std::string, std::vector<const planned_row*>> by_tenant;
  for (const auto& row : plan.rows) by_tenant[*row.tenant_id].push_back(&row);
  std::map<std::string, std::int64_t> positions;
  for (const auto& [tenant_id, rows] : by_tenant) insert_tenant_rows(w, tenant_id, rows, positions);
  w.commit();

  std::vector<std::int64_t> row_positions;
  row_positions.reserve(plan.rows.size());
  for (const auto& row : plan.rows) row_positions.push_back(positions.at(row.event->event_id));
  return complete_batch(requests, plan, row_positions);
}

}  // namespace stradia::eventstore
