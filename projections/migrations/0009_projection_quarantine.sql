-- Events a read model could not apply (an id that is not a UUID, bytes that do not parse,
-- a value the table refuses). The read model skips the event and moves on, so one bad
-- event never stalls the others; `stradia rebuild` empties this table and tries them
-- again. Operational data for the worker role: no tenant payload, only positions and
-- the reason.
CREATE TABLE projection_quarantine (
  global_position bigint      NOT NULL,
  projection      text        NOT NULL,
  source          text        NOT NULL,
  error           text        NOT NULL,
  quarantined_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (global_position, projection)
);
GRANT SELECT, INSERT, UPDATE, DELETE ON projection_quarantine TO stradia_worker;
-- The request path (readiness) may count them, never read the reasons.
CREATE FUNCTION projection_quarantine_count() RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$ SELECT count(*) FROM projection_quarantine $$;
REVOKE ALL ON FUNCTION projection_quarantine_count() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION projection_quarantine_count() TO stradia_app, stradia_worker;

-- The heatmap weighs the strategy's GlobalTasks only: a market's custom tasks cannot move
-- its score (a LOCAL_USER could otherwise add heavy tasks and move them to DONE).
CREATE OR REPLACE VIEW read_heatmap WITH (security_invoker = true) AS
  SELECT b.tenant_id, b.master_strategy_id, b.market_id, b.local_board_id, b.status AS board_status,
         coalesce(sum(t.weight) FILTER (WHERE t.status = 'DONE'), 0) AS done_weight,
         coalesce(sum(t.weight), 0) AS total_weight
    FROM read_boards b
    LEFT JOIN read_board_tasks t ON t.local_board_id = b.local_board_id AND NOT t.is_custom_local_task
   GROUP BY b.tenant_id, b.master_strategy_id, b.market_id, b.local_board_id, b.status;

-- Workers announce each committed batch, so gateways wake their read-your-writes waits
-- and board rooms instead of polling the checkpoints.
CREATE FUNCTION projection_checkpoints_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('stradia_read_models', '');
  RETURN NULL;
END
$$;
CREATE TRIGGER projection_checkpoints_notify AFTER UPDATE ON projection_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION projection_checkpoints_notify();
