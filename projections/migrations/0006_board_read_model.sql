-- Read models: what clients query, rebuilt from the log at will. Written by the projection
-- workers (stradia_worker), read by the service under each tenant's row-level security.
CREATE TABLE read_boards (
  local_board_id     uuid   PRIMARY KEY,
  tenant_id          uuid   NOT NULL,
  market_id          uuid   NOT NULL,
  master_strategy_id uuid   NOT NULL,
  strategy_version   int    NOT NULL,
  status             text   NOT NULL,
  position           bigint NOT NULL
);

CREATE TABLE read_board_tasks (
  local_task_id          uuid        PRIMARY KEY,
  tenant_id              uuid        NOT NULL,
  local_board_id         uuid        NOT NULL,
  market_id              uuid        NOT NULL,
  global_task_id         text        NOT NULL,
  title                  text        NOT NULL,
  task_type              text        NOT NULL,
  target_platform        text        NOT NULL,
  weight                 int         NOT NULL,
  order_index            int         NOT NULL,
  status                 text        NOT NULL,
  is_custom_local_task   boolean     NOT NULL,
  is_ghost_card          boolean     NOT NULL,
  pre_flight_scan_status text        NOT NULL,
  gemini_token_cost      bigint      NOT NULL,
  locked_by              text,
  locked_at              timestamptz,
  error_log              text        NOT NULL DEFAULT '',
  last_executed_at       timestamptz,
  version                bigint      NOT NULL,
  position               bigint      NOT NULL
);
CREATE INDEX read_board_tasks_by_board ON read_board_tasks (local_board_id, order_index);

-- Each projection's position in the log, committed with its read-model changes.
CREATE TABLE projection_checkpoints (
  projection text   PRIMARY KEY,
  position   bigint NOT NULL
);

ALTER TABLE read_boards ENABLE ROW LEVEL SECURITY;
ALTER TABLE read_board_tasks ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_boards_tenant ON read_boards FOR SELECT
  USING (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid);
CREATE POLICY read_board_tasks_tenant ON read_board_tasks FOR SELECT
  USING (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid);
CREATE POLICY read_boards_worker ON read_boards TO stradia_worker USING (true) WITH CHECK (true);
CREATE POLICY read_board_tasks_worker ON read_board_tasks TO stradia_worker USING (true) WITH CHECK (true);

GRANT SELECT ON read_boards, read_board_tasks TO stradia_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON read_boards, read_board_tasks TO stradia_worker;
GRANT SELECT, INSERT, UPDATE ON projection_checkpoints TO stradia_worker;
GRANT SELECT ON projection_checkpoints TO stradia_app;
