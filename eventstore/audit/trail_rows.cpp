#include "eventstore/audit/trail_rows.hpp"

#include <stdexcept>

namespace stradia::eventstore::audit {

recorded_event recorded_event_of(const pqxx::row& row, int first) {
  recorded_event e;
  e.global_position = row[first].as<std::int64_t>();
  e.event_id = row[first + 1].as<std::string>();
  e.tenant_id = row[first + 2].as<std::string>();
  e.stream_id = row[first + 3].as<std::string>();
  e.stream_version = row[first + 4].as<std::int64_t>();
  e.event_type = row[first + 5].as<std::string>();
  e.schema_version = row[first + 6].as<std::int32_t>();
  const pqxx::binarystring payload(row[first + 7]);
  e.payload = payload.str();
  e.metadata = row[first + 8].as<std::string>();
  e.recorded_at_us = row[first + 9].as<std::int64_t>();
  return e;
}

digest digest_of(const pqxx::field& bytea_field) {
  const pqxx::binarystring bytes(bytea_field);
  if (bytes.size() != 32) throw std::runtime_error("a stored hash is not 32 bytes");
  digest out;
  std::copy(bytes.data(), bytes.data() + 32, out.begin());
  return out;
}

digest stored_subtree(pqxx::transaction_base& tx, const std::string& tenant_id, int level, std::int64_t index) {
  if (level > 0 && level < lowest_stored_level) {
    const auto width = std::int64_t{1} << level;
    const auto rows = tx.exec_params(
        "SELECT hash FROM audit_leaves WHERE tenant_id = $1 AND leaf_index >= $2 AND leaf_index < $3 "
        "ORDER BY leaf_index",
        tenant_id, index * width, (index + 1) * width);
    if (static_cast<std::int64_t>(rows.size()) != width)
      throw std::runtime_error("the audit trail lacks leaves of subtree " + std::to_string(level) + "/" +
                               std::to_string(index) + " of tenant " + tenant_id);
    std::vector<digest> leaves;
    for (const auto& row : rows) leaves.push_back(digest_of(row[0]));
    return fold_complete(std::move(leaves));
  }
  const auto rows =
      level == 0
          ? tx.exec_params("SELECT hash FROM audit_leaves WHERE tenant_id = $1 AND leaf_index = $2", tenant_id, index)
          : tx.exec_params("SELECT hash FROM audit_nodes WHERE tenant_id = $1 AND level = $2 AND node_index = $3",
                           tenant_id, level, index);
  if (rows.empty())
    throw std::runtime_error("the audit trail has no subtree " + std::to_string(level) + "/" + std::to_string(index) +
                             " of tenant " + tenant_id);
  return digest_of(rows[0][0]);
}

std::optional<tree_head> latest_head(pqxx::transaction_base& tx, const std::string& tenant_id) {
  const auto rows = tx.exec_params(
      "SELECT tree_size, root_hash, (extract(epoch FROM signed_at) * 1000)::bigint, key_id, signature "
      "FROM audit_heads WHERE tenant_id = $1 ORDER BY tree_size DESC LIMIT 1",
      tenant_id);
  if (rows.empty()) return std::nullopt;
  tree_head head;
  head.tenant_id = tenant_id;
  head.tree_size = rows[0][0].as<std::int64_t>();
  head.root_hash = digest_of(rows[0][1]);
  head.signed_at_ms = rows[0][2].as<std::int64_t>();
  head.key_id = rows[0][3].as<std::string>();
  head.signature = pqxx::binarystring(rows[0][4]).str();
  return head;
}

}  // namespace stradia::eventstore::audit
