#include "eventstore/batch_writer.hpp"

#include <pqxx/pqxx>

#include "base/json_writer.hpp"
#include "eventstore/sql_literals.hpp"

namespace stradia::eventstore {

namespace {

constexpr std::size_t max_remembered_heads = 200000;

constexpr const char* prepare_sql =
    "SELECT kind, stream_id, tenant_id::text, stream_version, event_id::text, event_type, payload_md5, "
    "global_position FROM stradia_append_prepare($1::text[], $2::uuid[])";

constexpr const char* append_rows_sql =
    "SELECT event_id::text, global_position FROM stradia_append_rows($1::uuid[], $2::uuid[], $3::text[], "
    "$4::bigint[], $5::text[], $6::int[], $7::bytea[], $8::jsonb[])";

std::string metadata_json(const event_to_append& e) {
  base::json_writer json;
  json.begin_object();
  for (const auto& [name, value] : {std::pair<std::string_view, const std::string&>{"correlation_id", e.correlation_id},
                                    {"causation_id", e.causation_id},
                                    {"user_id", e.user_id},
                                    {"command", e.command}})
    if (!value.empty()) json.field(name, value);
  if (e.idempotent) json.field("idempotent", true);
  return json.end_object().take();
}

struct checked_state {
  std::map<std::string, stream_head> heads;
  std::map<std::string, recorded_digest> recorded;
};

checked_state read_heads(pqxx::work& w, const std::vector<append_request>& requests) {
  array_literal streams, ids;
  for (const auto& request : requests)
    for (const auto& stream : request.streams) {
      streams.add_text(stream.stream_id);
      for (const auto& event : stream.events) ids.add_raw(event.event_id);
    }
  checked_state out;
  for (const auto& row : w.exec_prepared("append_prepare", streams.finish(), ids.finish())) {
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

// Inserts the planned rows through stradia_append_rows; returns their positions in plan order.
template <class Transaction>
std::vector<std::int64_t> insert_rows(Transaction& tx, const batch_plan& plan) {
  array_literal tenants, event_ids, streams, versions, types, schema_versions, payloads, metadata;
  for (const auto& row : plan.rows) {
    tenants.add_raw(*row.tenant_id);
    event_ids.add_raw(row.event->event_id);
    streams.add_text(*row.stream_id);
    versions.add_raw(std::to_string(row.stream_version));
    types.add_text(row.event->event_type);
    schema_versions.add_raw(std::to_string(row.event->schema_version));
    payloads.add_bytea(row.event->payload);
    metadata.add_text(metadata_json(*row.event));
  }
  std::unordered_map<std::string, std::int64_t> positions;
  for (const auto& r :
       tx.exec_prepared("append_rows", tenants.finish(), event_ids.finish(), streams.finish(), versions.finish(),
                        types.finish(), schema_versions.finish(), payloads.finish(), metadata.finish()))
    positions[r[0].template as<std::string>()] = r[1].template as<std::int64_t>();
  std::vector<std::int64_t> out;
  out.reserve(plan.rows.size());
  for (const auto& row : plan.rows) out.push_back(positions.at(row.event->event_id));
  return out;
}

}  // namespace

batch_writer::batch_writer(std::string conninfo) : conninfo_(std::move(conninfo)) {}

pqxx::connection& batch_writer::connection() {
  if (!connection_ || !connection_->is_open()) {
    connection_ = std::make_unique<pqxx::connection>(conninfo_);
    connection_->prepare("append_prepare", prepare_sql);
    connection_->prepare("append_rows", append_rows_sql);
  }
  return *connection_;
}

void batch_writer::forget() { heads_.clear(); }

std::vector<result<append_result>> batch_writer::write(const std::vector<append_request>& requests) {
  auto outcomes = write_fast(requests);
  if (!outcomes) outcomes = write_checked(requests);
  remember(requests, *outcomes);
  return std::move(*outcomes);
}

std::optional<std::vector<result<append_result>>> batch_writer::write_fast(
    const std::vector<append_request>& requests) {
  std::map<std::string, stream_head> heads;
  for (const auto& request : requests)
    for (const auto& stream : request.streams) {
      if (auto known = heads_.find(stream.stream_id); known != heads_.end()) {
        heads.emplace(stream.stream_id, known->second);
      } else if (stream.expected.is_any() || stream.expected.value() != 0) {
        return std::nullopt;  // an existing stream this writer has not seen: check first
      }
    }
  const auto plan = plan_batch(requests, std::move(heads), {});
  for (const auto& decided : plan.decided)
    if (decided) return std::nullopt;  // let the checked path confirm any refusal
  try {
    pqxx::nontransaction tx(connection());
    auto positions = insert_rows(tx, plan);
    return complete_batch(requests, plan, positions);
  } catch (const pqxx::unique_violation&) {
    for (const auto& request : requests)
      for (const auto& stream : request.streams) heads_.erase(stream.stream_id);
    return std::nullopt;
  }
}

std::vector<result<append_result>> batch_writer::write_checked(const std::vector<append_request>& requests) {
  pqxx::work tx(connection());
  auto state = read_heads(tx, requests);
  const auto plan = plan_batch(requests, std::move(state.heads), state.recorded);
  std::vector<std::int64_t> positions;
  if (!plan.rows.empty()) positions = insert_rows(tx, plan);
  tx.commit();
  return complete_batch(requests, plan, positions);
}

void batch_writer::remember(const std::vector<append_request>& requests,
                            const std::vector<result<append_result>>& outcomes) {
  if (heads_.size() > max_remembered_heads) heads_.clear();
  for (std::size_t i = 0; i < requests.size(); ++i) {
    if (!outcomes[i]) continue;
    for (const auto& stream : outcomes[i]->streams)
      for (const auto& asked : requests[i].streams)
        if (asked.stream_id == stream.stream_id)
          heads_[stream.stream_id] = stream_head{asked.tenant_or(requests[i].tenant_id), stream.last_version};
  }
}

}  // namespace stradia::eventstore
