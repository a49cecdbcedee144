#include "eventstore/audit/trail_transfer.hpp"
#include "base/encoding.hpp"

#include <pqxx/pqxx>

#include "eventstore/audit/export_verifier.hpp"
#include "eventstore/audit/trail_rows.hpp"

namespace stradia::eventstore::audit {

namespace {

constexpr std::int64_t page = 10000;

std::string array_of(const std::vector<std::string>& items, bool quoted) {
  std::string out = "{";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    if (!quoted) {
      out += items[i];
      continue;
    }
    out += '"';
    for (const char c : items[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

struct event_columns {
  std::vector<std::string> positions, ids, tenants, streams, versions, types, schemas, payloads, metadata, times;
  void add(const recorded_event& e) {
    positions.push_back(std::to_string(e.global_position));
    ids.push_back(e.event_id);
    tenants.push_back(e.tenant_id);
    streams.push_back(e.stream_id);
    versions.push_back(std::to_string(e.stream_version));
    types.push_back(e.event_type);
    schemas.push_back(std::to_string(e.schema_version));
    payloads.push_back(base::base64_encode(e.payload));
    metadata.push_back(e.metadata);
    times.push_back(std::to_string(e.recorded_at_us));
  }
  std::size_t size() const { return positions.size(); }
  void insert(pqxx::work& tx) {
    tx.exec_params(
        "INSERT INTO events (global_position, event_id, tenant_id, stream_id, stream_version, event_type, "
        "schema_version, payload, metadata, recorded_at) OVERRIDING SYSTEM VALUE "
        "SELECT p, i, t, s, v, ty, sv, decode(pl, 'base64'), m::jsonb, "
        "'epoch'::timestamptz + us * interval '1 microsecond' "
        "FROM unnest($1::bigint[], $2::uuid[], $3::uuid[], $4::text[], $5::bigint[], $6::text[], $7::int[], "
        "$8::text[], $9::text[], $10::bigint[]) AS r(p, i, t, s, v, ty, sv, pl, m, us)",
        array_of(positions, false), array_of(ids, false), array_of(tenants, false), array_of(streams, true),
        array_of(versions, false), array_of(types, true), array_of(schemas, false), array_of(payloads, true),
        array_of(metadata, true), array_of(times, false));
    *this = {};
  }
};

}  // namespace

base::expected<std::int64_t, std::string> export_tenant(
    const std::string& worker_conninfo, const std::string& tenant_id, const std::string& public_key,
    const std::function<void(const std::string&)>& write,
    const std::function<void(std::int64_t, std::int64_t)>& progress) {
  try {
    pqxx::connection connection(worker_conninfo);
    pqxx::read_transaction tx(connection);  // one snapshot: the head and the rows agree
    const auto latest = latest_head(tx, tenant_id);
    if (!latest)
      return base::unexpected(
          std::string("the tenant has no signed tree head yet (is `stradia serve` running with "
                      "an audit key, or run `stradia audit seal`)"));
    const auto& head = *latest;
    write(header_line({tenant_id, head.tree_size, head.key_id, public_key}));
    for (std::int64_t from = 0; from < head.tree_size; from += page) {
      const auto rows = tx.exec_params(
          std::string("SELECT l.leaf_index, l.global_position, l.hash, e.global_position IS NOT NULL, ") +
              "e.global_position, e.event_id::text, e.tenant_id::text, e.stream_id, e.stream_version, e.event_type, "
              "e.schema_version, e.payload, e.metadata::text, (extract(epoch FROM e.recorded_at) * 1000000)::bigint "
              "FROM audit_leaves l LEFT JOIN events e ON e.global_position = l.global_position "
              "AND e.tenant_id = l.tenant_id "
              "WHERE l.tenant_id = $1 AND l.leaf_index >= $2 AND l.leaf_index < $3 ORDER BY l.leaf_index",
          tenant_id, from, std::min(from + page, head.tree_size));
      for (const auto& row : rows) {
        export_leaf leaf;
        leaf.leaf_index = row[0].as<std::int64_t>();
        leaf.position = row[1].as<std::int64_t>();
        leaf.sealed_hash = digest_of(row[2]);
        if (row[3].as<bool>()) leaf.event = recorded_event_of(row, 4);
        write(leaf_line(leaf));
      }
      progress(std::min(from + page, head.tree_size), head.tree_size);
    }
    // Rows of the tenant inside the sealed range with no leaf: written in afterwards.
    const auto unsealed =
        tx.exec_params(std::string("SELECT ") + recorded_event_columns +
                           " FROM events e WHERE e.tenant_id = $1 AND e.global_position <= "
                           "(SELECT max(global_position) FROM audit_leaves WHERE tenant_id = $1 AND leaf_index < $2) "
                           "AND NOT EXISTS (SELECT 1 FROM audit_leaves l WHERE l.global_position = e.global_position) "
                           "ORDER BY e.global_position",
                       tenant_id, head.tree_size);
    for (const auto& row : unsealed) write(unsealed_line(recorded_event_of(row)));
    write(head_line(head));
    return head.tree_size;
  } catch (const std::exception& e) {
    return base::unexpected(std::string(e.what()));
  }
}

base::expected<std::int64_t, std::string> import_events(const std::string& owner_conninfo,
                                                        const std::vector<import_source>& exports,
                                                        const verify_options& verification,
                                                        const std::function<void(std::int64_t)>& progress) {
  try {
    pqxx::connection connection(owner_conninfo);
    pqxx::work tx(connection);
    if (!tx.exec("SELECT 1 FROM events LIMIT 1").empty())
      return base::unexpected(std::string("the event log is not empty: import loads into an empty database"));
    std::int64_t total = 0;
    event_columns batch;
    for (const auto& source : exports) {
      // The lines inserted are the lines verified: one pass, one transaction, committed
      // only when every export verifies.
      export_verifier verifier(verification);
      for (auto line = source.next_line(); !line.empty(); line = source.next_line()) {
        auto parsed = parse_export_line(line);
        verifier.feed(std::move(line));
        if (!parsed || !parsed->leaf || !parsed->leaf->event) continue;
        batch.add(*parsed->leaf->event);
        if (batch.size() == 5000) {
          total += 5000;
          batch.insert(tx);
          progress(total);
        }
      }
      const auto report = verifier.finish();
      if (!report.verified)
        return base::unexpected(source.name + " does not verify (" + report.problem + "); nothing imported");
      if (report.key_from_export)
        return base::unexpected(source.name + ": no key to check its head against; nothing imported");
    }
    total += static_cast<std::int64_t>(batch.size());
    if (batch.size()) batch.insert(tx);
    tx.exec(
        "SELECT setval(pg_get_serial_sequence('events', 'global_position'), "
        "(SELECT coalesce(max(global_position), 0) + 1 FROM events), false)");
    tx.commit();
    progress(total);
    return total;
  } catch (const std::exception& e) {
    return base::unexpected(std::string(e.what()));
  }
}

}  // namespace stradia::eventstore::audit
