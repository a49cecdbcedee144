-- Read models for every query of API.md §4, and checkpoints per source: the embedded
-- subscription is one source ('embedded'); each Kafka partition is another
-- ('kafka:<topic>:<partition>'). A worker moves a source's checkpoint in the same
-- transaction as its read-model changes, so redelivered events are skipped.
ALTER TABLE projection_checkpoints ADD COLUMN source text NOT NULL DEFAULT 'embedded';
ALTER TABLE projection_checkpoints DROP CONSTRAINT projection_checkpoints_pkey;
ALTER TABLE projection_checkpoints ADD PRIMARY KEY (projection, source);
ALTER TABLE projection_checkpoints ALTER COLUMN source DROP DEFAULT;
GRANT DELETE ON projection_checkpoints TO stradia_worker;

ALTER TABLE read_board_tasks ADD COLUMN expires_at timestamptz;

-- Task timeline: notes (system auto-save notes included), ghost rejections, executions.
CREATE TABLE read_task_timeline (
  position      bigint      PRIMARY KEY,
  local_task_id uuid        NOT NULL,
  tenant_id     uuid        NOT NULL,
  kind          text        NOT NULL,
  actor         text        NOT NULL,
  detail        text        NOT NULL,
  http_status   int,
  at            timestamptz NOT NULL
);
CREATE INDEX read_task_timeline_by_task ON read_task_timeline (local_task_id, position);

-- Token usage: the quota and reset date from the Tenant stream, the used total per period
-- from each TokenLedger stream (two tables: each row has one writing stream).
CREATE TABLE read_token_quotas (
  tenant_id        uuid        PRIMARY KEY,
  ai_token_quota   bigint      NOT NULL,
  token_reset_date timestamptz NOT NULL,
  position         bigint      NOT NULL
);
CREATE TABLE read_token_periods (
  ledger_stream_id text        PRIMARY KEY,
  tenant_id        uuid        NOT NULL,
  period_start     timestamptz NOT NULL,
  resets_at        timestamptz NOT NULL,
  ai_tokens_used   bigint      NOT NULL,
  position         bigint      NOT NULL
);
CREATE INDEX read_token_periods_by_tenant ON read_token_periods (tenant_id, period_start);

-- Directory: users and their market assignments (markets are in read_markets).
CREATE TABLE read_users (
  user_id             uuid        PRIMARY KEY,
  tenant_id           uuid        NOT NULL,
  email               text        NOT NULL,
  role                text        NOT NULL,
  is_active           boolean     NOT NULL,
  deleted_at          timestamptz,
  assigned_market_ids uuid[]      NOT NULL,
  last_login_at       timestamptz,
  position            bigint      NOT NULL
);

-- Heatmap per master strategy × market: weights of DONE tasks over all weights, with the
-- board's status. A view over the board-state tables, read under the caller's tenant.
CREATE VIEW read_heatmap WITH (security_invoker = true) AS
  SELECT b.tenant_id, b.master_strategy_id, b.market_id, b.local_board_id, b.status AS board_status,
         coalesce(sum(t.weight) FILTER (WHERE t.status = 'DONE'), 0) AS done_weight,
         coalesce(sum(t.weight), 0) AS total_weight
    FROM read_boards b LEFT JOIN read_board_tasks t ON t.local_board_id = b.local_board_id
   GROUP BY b.tenant_id, b.master_strategy_id, b.market_id, b.local_board_id, b.status;

ALTER TABLE read_task_timeline ENABLE ROW LEVEL SECURITY;
ALTER TABLE read_token_quotas ENABLE ROW LEVEL SECURITY;
ALTER TABLE read_token_periods ENABLE ROW LEVEL SECURITY;
ALTER TABLE read_users ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_task_timeline_tenant ON read_task_timeline FOR SELECT
  USING (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid);
CREATE POLICY read_token_quotas_tenant ON read_token_quotas FOR SELECT
  USING (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid);
CREATE POLICY read_token_periods_tenant ON read_token_periods FOR SELECT
  USING (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid);
CREATE POLICY read_users_tenant ON read_users FOR SELECT
  USING (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid);
CREATE POLICY read_task_timeline_worker ON read_task_timeline TO stradia_worker USING (true) WITH CHECK (true);
CREATE POLICY read_token_quotas_worker ON read_token_quotas TO stradia_worker USING (true) WITH CHECK (true);
CREATE POLICY read_token_periods_worker ON read_token_periods TO stradia_worker USING (true) WITH CHECK (true);
CREATE POLICY read_users_worker ON read_users TO stradia_worker USING (true) WITH CHECK (true);

GRANT SELECT ON read_task_timeline, read_token_quotas, read_token_periods, read_users, read_heatmap TO stradia_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON read_task_timeline, read_token_quotas, read_token_periods, read_users
  TO stradia_worker;
GRANT SELECT ON read_heatmap TO stradia_worker;
