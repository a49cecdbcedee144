-- Strategies: each master strategy (title, version, published) with the markets it is
-- deployed to, and its global tasks as they stand (a removed one is marked, not kept
-- visible); for GET /api/v1/strategies and /strategies/{id}. The hidden system prompt is
-- kept only as whether there is one.
CREATE TABLE read_strategies (
  master_strategy_id  uuid    PRIMARY KEY,
  tenant_id           uuid    NOT NULL,
  title               text    NOT NULL,
  description         text    NOT NULL,
  version             integer NOT NULL,
  is_published        boolean NOT NULL,
  deployed_market_ids uuid[]  NOT NULL,
  created_position    bigint  NOT NULL,  -- the order lists page in
  position            bigint  NOT NULL
);
CREATE INDEX read_strategies_by_tenant ON read_strategies (tenant_id, created_position);

CREATE TABLE read_global_tasks (
  global_task_key         text    PRIMARY KEY,  -- <strategy id>/<global task id>
  master_strategy_id      uuid    NOT NULL,
  tenant_id               uuid    NOT NULL,
  global_task_id          uuid    NOT NULL,
  title                   text    NOT NULL,
  description             text    NOT NULL,
  task_type               text    NOT NULL,
  target_platform         text    NOT NULL,
  weight                  integer NOT NULL,
  order_index             integer NOT NULL,
  has_system_prompt       boolean NOT NULL,
  expected_payload_schema text    NOT NULL,
  is_removed              boolean NOT NULL,
  position                bigint  NOT NULL
);
CREATE INDEX read_global_tasks_by_strategy ON read_global_tasks (master_strategy_id, order_index);

ALTER TABLE read_strategies ENABLE ROW LEVEL SECURITY;
ALTER TABLE read_global_tasks ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_strategies_tenant ON read_strategies FOR SELECT
  USING (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid);
CREATE POLICY read_global_tasks_tenant ON read_global_tasks FOR SELECT
  USING (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid);
CREATE POLICY read_strategies_worker ON read_strategies TO stradia_worker USING (true) WITH CHECK (true);
CREATE POLICY read_global_tasks_worker ON read_global_tasks TO stradia_worker USING (true) WITH CHECK (true);

GRANT SELECT ON read_strategies, read_global_tasks TO stradia_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON read_strategies, read_global_tasks TO stradia_worker;
