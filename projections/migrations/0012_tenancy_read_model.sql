-- Tenancy: each tenant's plan, limits and what it uses of them (seats, active market
-- slots), and its governance policies; for GET /api/v1/tenant and /policies. From the
-- Tenant stream, under the tenant's row-level security like every read model.
CREATE TABLE read_tenants (
  tenant_id             uuid    PRIMARY KEY,
  name                  text    NOT NULL,
  is_active             boolean NOT NULL,
  active_markets_limit  integer NOT NULL,
  user_seat_limit       integer NOT NULL,
  ai_token_quota        bigint  NOT NULL,
  seat_user_ids         uuid[]  NOT NULL,  -- the users holding a seat, as the Tenant stream says
  active_market_ids     uuid[]  NOT NULL,  -- the markets holding an active slot
  position              bigint  NOT NULL
);

CREATE TABLE read_policies (
  policy_id        uuid        PRIMARY KEY,
  tenant_id        uuid        NOT NULL,
  policy_text      text        NOT NULL,
  platform         text        NOT NULL,
  is_active        boolean     NOT NULL,
  created_by       text        NOT NULL,
  created_at       timestamptz NOT NULL,
  created_position bigint      NOT NULL,  -- the order lists page in
  position         bigint      NOT NULL
);
CREATE INDEX read_policies_by_tenant ON read_policies (tenant_id, created_position);

ALTER TABLE read_tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE read_policies ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_tenants_tenant ON read_tenants FOR SELECT
  USING (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid);
CREATE POLICY read_policies_tenant ON read_policies FOR SELECT
  USING (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid);
CREATE POLICY read_tenants_worker ON read_tenants TO stradia_worker USING (true) WITH CHECK (true);
CREATE POLICY read_policies_worker ON read_policies TO stradia_worker USING (true) WITH CHECK (true);

GRANT SELECT ON read_tenants, read_policies TO stradia_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON read_tenants, read_policies TO stradia_worker;
