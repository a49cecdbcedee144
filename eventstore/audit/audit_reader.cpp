#include "eventstore/audit/audit_reader.hpp"

#include <map>

#include "eventstore/audit/trail_rows.hpp"
#include "eventstore/connection_pool.hpp"

namespace stradia::eventstore::audit {

namespace {

using refusal = base::unexpected<audit_refusal>;

// Runs `read` in a read-only transaction scoped to the tenant (row-level security).
template <class Read>
auto as_tenant(connection_pool& pool, const std::string& tenant_id, Read read)
    -> decltype(read(std::declval<pqxx::read_transaction&>())) {
  try {
    auto connection = pool.acquire();
    pqxx::read_transaction tx(*connection);
    tx.exec_params("SELECT set_config('app.current_tenant', $1, true)", tenant_id);
    return read(tx);
  } catch (const std::exception& e) {
    pool.clear();
    return refusal(audit_refusal{audit_refusal::kind::unavailable, e.what()});
  }
}

std::int64_t sealed_size(pqxx::read_transaction& tx, const std::string& tenant_id) {
  return tx.exec_params1("SELECT coalesce(max(leaf_index) + 1, 0) FROM audit_leaves WHERE tenant_id = $1", tenant_id)[0]
      .as<std::int64_t>();
}

// Runs `compute` (a proof) twice: first to learn which stored subtrees it reads (the shape
// of a proof depends on the sizes only), then with all of them fetched in one query.
template <class Compute>
auto with_subtrees(pqxx::read_transaction& tx, const std::string& tenant_id, Compute compute) {
  std::vector<std::int64_t> leaves, node_indexes;
  std::vector<int> node_levels;
  (void)compute([&](int level, std::int64_t index) {
    if (level < lowest_stored_level) {
      for (std::int64_t i = index << level; i < (index + 1) << level; ++i) leaves.push_back(i);
    } else {
      node_levels.push_back(level);
      node_indexes.push_back(index);
    }
    return digest{};
  });
  auto array = [](const auto& items) {
    std::string out = "{";
    for (std::size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + std::to_string(items[i]);
    return out + "}";
  };
  std::map<std::pair<int, std::int64_t>, digest> found;
  const auto rows = tx.exec_params(
      "SELECT 0, leaf_index, hash FROM audit_leaves WHERE tenant_id = $1 AND leaf_index = ANY($2::bigint[]) "
      "UNION ALL SELECT n.level, n.node_index, n.hash FROM audit_nodes n "
      "JOIN unnest($3::smallint[], $4::bigint[]) AS w(level, node_index) USING (level, node_index) "
      "WHERE n.tenant_id = $1",
      tenant_id, array(leaves), array(node_levels), array(node_indexes));
  for (const auto& row : rows)
    found[{row[0].template as<int>(), row[1].template as<std::int64_t>()}] = digest_of(row[2]);
  return compute([&](int level, std::int64_t index) {
    if (level > 0 && level < lowest_stored_level) {
      std::vector<digest> below;
      for (std::int64_t i = index << level; i < (index + 1) << level; ++i) {
        const auto it = found.find({0, i});
        if (it == found.end()) return stored_subtree(tx, tenant_id, level, index);  // throws: not sealed
        below.push_back(it->second);
      }
      return fold_complete(std::move(below));
    }
    const auto it = found.find({level, index});
    if (it == found.end()) return stored_subtree(tx, tenant_id, level, index);  // throws: not sealed
    return it->second;
  });
}

}  // namespace

audit_reader::audit_reader(std::string app_conninfo)
    : pool_(std::make_unique<connection_pool>(std::move(app_conninfo), 8)) {}
audit_reader::~audit_reader() = default;

base::expected<std::optional<tree_head>, audit_refusal> audit_reader::latest_head(const std::string& tenant_id) {
  return as_tenant(*pool_, tenant_id,
                   [&](pqxx::read_transaction& tx) -> base::expected<std::optional<tree_head>, audit_refusal> {
                     return eventstore::audit::latest_head(tx, tenant_id);
                   });
}

base::expected<inclusion, audit_refusal> audit_reader::inclusion_of(const std::string& tenant_id,
                                                                    std::int64_t global_position,
                                                                    std::int64_t tree_size) {
  return as_tenant(*pool_, tenant_id, [&](pqxx::read_transaction& tx) -> base::expected<inclusion, audit_refusal> {
    if (tree_size <= 0) {
      const auto head = eventstore::audit::latest_head(tx, tenant_id);
      if (!head) return refusal(audit_refusal{audit_refusal::kind::not_found, "No tree head is signed yet."});
      tree_size = head->tree_size;
    }
    const auto sealed = sealed_size(tx, tenant_id);
    if (tree_size > sealed)
      return refusal(audit_refusal{audit_refusal::kind::out_of_range,
                                   "The tree has " + std::to_string(sealed) + " sealed events."});
    const auto leaf =
        tx.exec_params("SELECT leaf_index, hash FROM audit_leaves WHERE tenant_id = $1 AND global_position = $2",
                       tenant_id, global_position);
    if (leaf.empty())
      return refusal(audit_refusal{audit_refusal::kind::not_found, "No sealed event of the tenant at this position."});
    inclusion out;
    out.global_position = global_position;
    out.leaf_index = leaf[0][0].as<std::int64_t>();
    out.tree_size = tree_size;
    out.leaf_hash = digest_of(leaf[0][1]);
    if (out.leaf_index >= tree_size)
      return refusal(
          audit_refusal{audit_refusal::kind::out_of_range, "The event is leaf " + std::to_string(out.leaf_index) +
                                                               ", past a tree of " + std::to_string(tree_size) + "."});
    out.path = with_subtrees(tx, tenant_id, [&](const subtree_source& subtree) {
      return inclusion_proof(out.leaf_index, tree_size, subtree);
    });
    return out;
  });
}

base::expected<std::vector<digest>, audit_refusal> audit_reader::consistency(const std::string& tenant_id,
                                                                             std::int64_t from_size,
                                                                             std::int64_t to_size) {
  return as_tenant(
      *pool_, tenant_id, [&](pqxx::read_transaction& tx) -> base::expected<std::vector<digest>, audit_refusal> {
        const auto sealed = sealed_size(tx, tenant_id);
        if (from_size < 1 || from_size > to_size || to_size > sealed)
          return refusal(audit_refusal{
              audit_refusal::kind::out_of_range,
              "Sizes must satisfy 1 <= from <= to <= " + std::to_string(sealed) + " (the sealed events)."});
        return with_subtrees(tx, tenant_id, [&](const subtree_source& subtree) {
          return consistency_proof(from_size, to_size, subtree);
        });
      });
}

}  // namespace stradia::eventstore::audit
