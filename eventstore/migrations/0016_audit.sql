-- The audit trail (DESIGN.md "Audit", API.md §6): each tenant's events as an RFC 9162
-- Merkle tree in log order, sealed by `eventstore::audit::sealer` as events commit.
-- Leaves map the tenant's leaf index to the event's log position; nodes keep only complete
-- subtrees (2^level leaves from node_index·2^level) of level 4 and above (a lower one is
-- folded from its at most 8 leaves), enough for every root and proof in O(log n) reads. Signed tree heads are kept for good. All of it is append-only.
CREATE TABLE audit_leaves (
  tenant_id       uuid   NOT NULL,
  leaf_index      bigint NOT NULL CHECK (leaf_index >= 0),
  global_position bigint NOT NULL UNIQUE,
  hash            bytea  NOT NULL CHECK (length(hash) = 32),
  PRIMARY KEY (tenant_id, leaf_index)
);
CREATE TABLE audit_nodes (
  tenant_id  uuid     NOT NULL,
  level      smallint NOT NULL CHECK (level BETWEEN 4 AND 62),
  node_index bigint   NOT NULL CHECK (node_index >= 0),
  hash       bytea    NOT NULL CHECK (length(hash) = 32),
  PRIMARY KEY (tenant_id, level, node_index)
);
CREATE TABLE audit_heads (
  tenant_id  uuid        NOT NULL,
  tree_size  bigint      NOT NULL CHECK (tree_size >= 1),
  root_hash  bytea       NOT NULL CHECK (length(root_hash) = 32),
  signed_at  timestamptz NOT NULL,
  key_id     text        NOT NULL,
  signature  bytea       NOT NULL CHECK (length(signature) = 64),
  PRIMARY KEY (tenant_id, tree_size)
);
-- Each tenant's sealed tree size and its latest signed head's, so any sealer (after a
-- restart, or another gateway's) knows whose head is due.
CREATE TABLE audit_tree_sizes (
  tenant_id   uuid        PRIMARY KEY,
  tree_size   bigint      NOT NULL CHECK (tree_size >= 0),
  signed_size bigint      NOT NULL DEFAULT 0 CHECK (signed_size >= 0),
  signed_at   timestamptz NOT NULL DEFAULT '-infinity'
);
-- How far the sealer has read the log (one row).
CREATE TABLE audit_progress (
  only_row        boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  global_position bigint  NOT NULL CHECK (global_position >= 0)
);
INSERT INTO audit_progress VALUES (true, 0);

CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit trail is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_leaves_append_only BEFORE UPDATE OR DELETE ON audit_leaves
  FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_nodes_append_only BEFORE UPDATE OR DELETE ON audit_nodes
  FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_heads_append_only BEFORE UPDATE OR DELETE ON audit_heads
  FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_leaves_no_truncate BEFORE TRUNCATE ON audit_leaves
  FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_nodes_no_truncate BEFORE TRUNCATE ON audit_nodes
  FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_heads_no_truncate BEFORE TRUNCATE ON audit_heads
  FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();

-- A tenant's users read their own tenant's trail; the sealer (the worker) writes all.
ALTER TABLE audit_leaves ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_nodes ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_heads ENABLE ROW LEVEL SECURITY;
CREATE POLICY audit_leaves_tenant ON audit_leaves
  USING (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid);
CREATE POLICY audit_nodes_tenant ON audit_nodes
  USING (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid);
CREATE POLICY audit_heads_tenant ON audit_heads
  USING (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid);
CREATE POLICY audit_leaves_sealer ON audit_leaves TO stradia_worker USING (true) WITH CHECK (true);
CREATE POLICY audit_nodes_sealer ON audit_nodes TO stradia_worker USING (true) WITH CHECK (true);
CREATE POLICY audit_heads_sealer ON audit_heads TO stradia_worker USING (true) WITH CHECK (true);
GRANT SELECT ON audit_leaves, audit_nodes, audit_heads TO stradia_app;
GRANT SELECT, INSERT ON audit_leaves, audit_nodes, audit_heads TO stradia_worker;
GRANT SELECT, UPDATE ON audit_progress TO stradia_worker;
GRANT SELECT, INSERT, UPDATE ON audit_tree_sizes TO stradia_worker;
