#include "eventstore/audit/sealer.hpp"
#include "base/encoding.hpp"

#include <cstdio>
#include <map>
#include <mutex>
#include <pqxx/pqxx>

#include "eventstore/audit/canonical_event.hpp"
#include "eventstore/audit/trail_rows.hpp"

namespace stradia::eventstore::audit {

namespace {

struct tenant_tree {
  merkle_frontier frontier;
  std::int64_t signed_size = 0;
  bool grew = false;  // this batch appended to it
};

struct batch_rows {
  std::string leaf_tenants, leaf_indexes, leaf_positions, leaf_hashes;
  std::string node_tenants, node_levels, node_indexes, node_hashes;
  std::size_t leaves = 0, nodes = 0;
};

void add(std::string& array, const std::string& item) {
  array += array.empty() ? "{" : ",";
  array += item;
}
std::string closed(const std::string& array) { return array.empty() ? "{}" : array + "}"; }

}  // namespace

struct sealer::state {
  std::map<std::string, tenant_tree> trees;
  std::int64_t known_progress = -1;  // the progress this cache matches; -1: reload
  std::mutex mutex;
  std::string problem;
};

namespace {

tenant_tree& tree_of(pqxx::work& tx, std::map<std::string, tenant_tree>& trees, const std::string& tenant) {
  auto it = trees.find(tenant);
  if (it != trees.end()) return it->second;
  const auto sizes = tx.exec_params("SELECT tree_size, signed_size FROM audit_tree_sizes WHERE tenant_id = $1", tenant);
  const auto size = sizes.empty() ? 0 : sizes[0][0].as<std::int64_t>();
  tenant_tree t;
  t.frontier =
      merkle_frontier(size, [&](int level, std::int64_t index) { return stored_subtree(tx, tenant, level, index); });
  t.signed_size = sizes.empty() ? 0 : sizes[0][1].as<std::int64_t>();
  return trees.emplace(tenant, std::move(t)).first->second;
}

// Seals one batch in `tx`; the events sealed. Signs the heads that are due.
std::int64_t seal_batch(pqxx::work& tx, std::map<std::string, tenant_tree>& trees, std::int64_t& known_progress,
                        const std::optional<head_signer>& signer, const sealer_options& options, bool sign_all) {
  // The trail is derived from the log: a commit lost in a crash goes with its progress, and
  // the next pass seals those events again. So it need not wait for the disk.
  tx.exec("SET LOCAL synchronous_commit = off");
  const auto progress = tx.exec1("SELECT global_position FROM audit_progress FOR UPDATE")[0].as<std::int64_t>();
  if (progress != known_progress) trees.clear();  // another sealer went on: the rows are the truth
  for (auto& [tenant, tree] : trees) tree.grew = false;
  const auto rows = tx.exec_params(std::string("SELECT ") + recorded_event_columns +
                                       " FROM events WHERE global_position > $1 ORDER BY global_position LIMIT $2",
                                   progress, static_cast<std::int64_t>(options.batch_size));
  batch_rows batch;
  std::int64_t last = progress;
  for (const auto& row : rows) {
    const auto e = recorded_event_of(row);
    auto& tree = tree_of(tx, trees, e.tenant_id);
    tree.grew = true;
    const auto leaf_index = tree.frontier.size();
    const auto leaf = leaf_hash(canonical_bytes(e));
    add(batch.leaf_tenants, e.tenant_id);
    add(batch.leaf_indexes, std::to_string(leaf_index));
    add(batch.leaf_positions, std::to_string(e.global_position));
    add(batch.leaf_hashes, to_hex(leaf));
    ++batch.leaves;
    tree.frontier.append(leaf, [&](const merkle_frontier::subtree& s) {
      if (s.level < lowest_stored_level) return;
      add(batch.node_tenants, e.tenant_id);
      add(batch.node_levels, std::to_string(s.level));
      add(batch.node_indexes, std::to_string(s.index));
      add(batch.node_hashes, to_hex(s.hash));
      ++batch.nodes;
    });
    last = e.global_position;
  }
  if (batch.leaves) {
    tx.exec_params(
        "INSERT INTO audit_leaves (tenant_id, leaf_index, global_position, hash) "
        "SELECT t, i, p, decode(h, 'hex') FROM unnest($1::uuid[], $2::bigint[], $3::bigint[], $4::text[]) AS r(t, i, "
        "p, h)",
        closed(batch.leaf_tenants), closed(batch.leaf_indexes), closed(batch.leaf_positions),
        closed(batch.leaf_hashes));
    if (batch.nodes)
      tx.exec_params(
          "INSERT INTO audit_nodes (tenant_id, level, node_index, hash) "
          "SELECT t, l, i, decode(h, 'hex') FROM unnest($1::uuid[], $2::smallint[], $3::bigint[], $4::text[]) AS r(t, "
          "l, i, h)",
          closed(batch.node_tenants), closed(batch.node_levels), closed(batch.node_indexes), closed(batch.node_hashes));
    tx.exec_params("UPDATE audit_progress SET global_position = $1", last);
    std::string tenants, sizes;
    for (const auto& [tenant, tree] : trees)
      if (tree.grew) {
        add(tenants, tenant);
        add(sizes, std::to_string(tree.frontier.size()));
      }
    tx.exec_params(
        "INSERT INTO audit_tree_sizes (tenant_id, tree_size) SELECT * FROM unnest($1::uuid[], $2::bigint[]) "
        "ON CONFLICT (tenant_id) DO UPDATE SET tree_size = EXCLUDED.tree_size",
        closed(tenants), closed(sizes));
  }
  if (signer) {
    // Due: a tree 1,000 events past its head (this process's batches), or one whose head is
    // older than a second (any process's: the table knows, whatever was restarted).
    std::vector<std::string> due;
    for (const auto& [tenant, tree] : trees)
      if (tree.frontier.size() - tree.signed_size >= options.head_every_events) due.push_back(tenant);
    for (const auto& row : tx.exec_params("SELECT tenant_id::text FROM audit_tree_sizes WHERE tree_size > signed_size "
                                          "AND ($1 OR signed_at <= now() - $2 * interval '1 millisecond')",
                                          sign_all, static_cast<std::int64_t>(options.head_every.count())))
      due.push_back(row[0].as<std::string>());
    const auto now_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    for (const auto& tenant : due) {
      auto& tree = tree_of(tx, trees, tenant);
      const auto size = tree.frontier.size();
      if (size <= tree.signed_size) continue;
      const auto head = signer->sign(tenant, size, tree.frontier.root(), now_ms);
      tx.exec_params(
          "INSERT INTO audit_heads (tenant_id, tree_size, root_hash, signed_at, key_id, signature) "
          "VALUES ($1, $2, decode($3, 'hex'), to_timestamp($4::double precision / 1000), $5, decode($6, 'base64')) "
          "ON CONFLICT DO NOTHING",
          tenant, size, to_hex(head.root_hash), head.signed_at_ms, head.key_id, base::base64_encode(head.signature));
      tx.exec_params("UPDATE audit_tree_sizes SET signed_size = $2, signed_at = now() WHERE tenant_id = $1", tenant,
                     size);
      tree.signed_size = size;
    }
  }
  known_progress = last;
  return static_cast<std::int64_t>(batch.leaves);
}

}  // namespace

sealer::sealer(sealer_options options) : options_(std::move(options)), state_(std::make_unique<state>()) {
  thread_ = std::thread([this] { run(); });
}

sealer::~sealer() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

std::string sealer::problem() const {
  std::lock_guard lock(state_->mutex);
  return state_->problem;
}

void sealer::run() {
  std::unique_ptr<pqxx::connection> connection;
  while (!stopping_) {
    std::int64_t sealed = 0;
    try {
      if (!connection || !connection->is_open()) {
        connection = std::make_unique<pqxx::connection>(options_.worker_conninfo);
        state_->known_progress = -1;
      }
      pqxx::work tx(*connection);
      sealed = seal_batch(tx, state_->trees, state_->known_progress, options_.signer, options_, false);
      tx.commit();
      sealed_ = state_->known_progress;
      std::lock_guard lock(state_->mutex);
      state_->problem.clear();
    } catch (const std::exception& e) {
      state_->known_progress = -1;
      connection.reset();
      std::lock_guard lock(state_->mutex);
      const auto problem = std::string("audit sealer: ") + e.what();
      if (problem != state_->problem) std::fprintf(stderr, "stradia: %s; retrying\n", problem.c_str());
      state_->problem = problem;
    }
    if (static_cast<std::size_t>(sealed) < options_.batch_size)
      for (auto waited = std::chrono::milliseconds(0); waited < options_.poll && !stopping_;
           waited += std::chrono::milliseconds(20))
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::int64_t sealer::seal_once(const std::string& worker_conninfo, const std::optional<head_signer>& signer,
                               bool sign_all) {
  pqxx::connection connection(worker_conninfo);
  std::map<std::string, tenant_tree> trees;
  std::int64_t known = -1, total = 0;
  sealer_options options;
  // A catch-up signs once, at the end, not a head per batch on the way.
  const std::optional<head_signer> not_yet;
  for (bool caught_up = false;;) {
    pqxx::work tx(connection);
    const auto sealed = seal_batch(tx, trees, known, caught_up ? signer : not_yet, options, sign_all);
    tx.commit();
    total += sealed;
    if (caught_up) return total;
    caught_up = sealed == 0;
  }
}

}  // namespace stradia::eventstore::audit
