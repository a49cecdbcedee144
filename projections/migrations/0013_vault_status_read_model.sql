-- Vault status: per market and platform, whether a credential is stored or revoked and
-- when it changed and was last used; never a token, sealed or not. For GET /api/v1/vault.
CREATE TABLE read_vault_credentials (
  vault_stream_id text        PRIMARY KEY,
  tenant_id       uuid        NOT NULL,
  market_id       uuid        NOT NULL,
  platform        text        NOT NULL,
  is_revoked      boolean     NOT NULL,
  stored_by       text        NOT NULL,
  updated_at      timestamptz NOT NULL,
  last_used_at    timestamptz,
  position        bigint      NOT NULL
);

ALTER TABLE read_vault_credentials ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_vault_credentials_tenant ON read_vault_credentials FOR SELECT
  USING (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid);
CREATE POLICY read_vault_credentials_worker ON read_vault_credentials TO stradia_worker USING (true) WITH CHECK (true);

GRANT SELECT ON read_vault_credentials TO stradia_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON read_vault_credentials TO stradia_worker;
