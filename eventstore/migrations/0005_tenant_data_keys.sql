-- Each tenant's data key, wrapped (encrypted) by the master key from the environment.
-- Vault tokens are sealed under it; deleting the row makes them unreadable forever
-- (crypto-shredding), which is why it lives here and not in the immutable log.
CREATE TABLE tenant_data_keys (
  tenant_id   uuid        PRIMARY KEY,
  wrapped_key bytea       NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE tenant_data_keys ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_data_keys_isolation ON tenant_data_keys
  USING (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid)
  WITH CHECK (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid);
-- The service reads and creates keys; shredding one is the owner's (DELETE).
GRANT SELECT, INSERT ON tenant_data_keys TO stradia_app;
