-- Ghost cards as a person sees them: what a pending card proposes (ADDED, CHANGED,
-- REMOVED) and when a task left the board (a removal accepted, an added card rejected).
-- Tasks that left keep their row (their timeline stays readable) but leave the board's
-- lists and its score; pending added cards and custom tasks do not count in the score.
ALTER TABLE read_board_tasks ADD COLUMN ghost_change text, ADD COLUMN removed_at timestamptz;
-- The board lifecycle finds the boards whose tasks moved since it last looked.
CREATE INDEX read_board_tasks_by_position ON read_board_tasks (position);

CREATE OR REPLACE VIEW read_heatmap WITH (security_invoker = true) AS
  SELECT b.tenant_id, b.master_strategy_id, b.market_id, b.local_board_id, b.status AS board_status,
         coalesce(sum(t.weight) FILTER (WHERE t.status = 'DONE'), 0) AS done_weight,
         coalesce(sum(t.weight), 0) AS total_weight
    FROM read_boards b
    LEFT JOIN read_board_tasks t
      ON t.local_board_id = b.local_board_id AND t.removed_at IS NULL AND NOT t.is_custom_local_task
     AND t.ghost_change IS DISTINCT FROM 'ADDED'
   GROUP BY b.tenant_id, b.master_strategy_id, b.market_id, b.local_board_id, b.status;

-- Task detail: what a task's drawer shows beyond its card, for GET /api/v1/tasks/{id}.
-- JSON held as text (execution payload, payload schema, a ghost card's proposal) is
-- answered as JSON values; the checkpoint of a paused run never enters this table.
CREATE TABLE read_task_details (
  local_task_id            uuid        PRIMARY KEY,
  tenant_id                uuid        NOT NULL,
  description              text        NOT NULL,
  expected_payload_schema  text        NOT NULL,
  execution_payload        text        NOT NULL,
  payload_updated_by       text,
  payload_updated_at       timestamptz,
  pre_flight_findings      text,
  pre_flight_token_cost    bigint,
  pre_flight_completed_at  timestamptz,
  generated_content        text,
  generated_token_cost     bigint,
  generated_at             timestamptz,
  ghost_strategy_version   integer,
  ghost_proposal           text,
  position                 bigint      NOT NULL
);

ALTER TABLE read_task_details ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_task_details_tenant ON read_task_details FOR SELECT
  USING (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid);
CREATE POLICY read_task_details_worker ON read_task_details TO stradia_worker USING (true) WITH CHECK (true);
GRANT SELECT ON read_task_details TO stradia_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON read_task_details TO stradia_worker;

-- The timeline names its entries as the domain model does: a note's or rejection's id,
-- an execution's id.
ALTER TABLE read_task_timeline ADD COLUMN entry_id text;
