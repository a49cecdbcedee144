-- The markets part of the directory read model, kept by the board-state projection.
CREATE TABLE read_markets (
  market_id   uuid        PRIMARY KEY,
  tenant_id   uuid        NOT NULL,
  name        text        NOT NULL,
  region_code text        NOT NULL,
  timezone    text        NOT NULL,
  is_active   boolean     NOT NULL,
  deleted_at  timestamptz,
  position    bigint      NOT NULL
);
ALTER TABLE read_markets ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_markets_tenant ON read_markets FOR SELECT
  USING (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid);
CREATE POLICY read_markets_worker ON read_markets TO stradia_worker USING (true) WITH CHECK (true);
GRANT SELECT ON read_markets TO stradia_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON read_markets TO stradia_worker;
