-- Analytics: the read models analysts query (docs/ANALYTICS.md), folded by the
-- `analytics` read model from board and task streams. Every row is written by one board's
-- partition, as with the other read models. Days are UTC days of the events' recorded_at.

-- The fold's own state: each board's weights and each task's status clock. Not exposed.
CREATE TABLE analytics_boards (
  local_board_id      uuid    PRIMARY KEY,
  tenant_id           uuid    NOT NULL,
  market_id           uuid    NOT NULL,
  master_strategy_id  uuid    NOT NULL,
  strategy_version    integer NOT NULL,
  board_status        text    NOT NULL,
  done_weight         bigint  NOT NULL,
  total_weight        bigint  NOT NULL,
  position            bigint  NOT NULL
);

CREATE TABLE analytics_tasks (
  local_task_id         uuid    PRIMARY KEY,
  tenant_id             uuid    NOT NULL,
  local_board_id        uuid    NOT NULL,
  task_type             text    NOT NULL,
  title                 text    NOT NULL,
  weight                integer NOT NULL,
  is_custom_local_task  boolean NOT NULL,
  ghost_change          text,             -- a pending ghost card's ADDED, CHANGED or REMOVED
  removed               boolean NOT NULL, -- the task left the board
  status                text    NOT NULL,
  cycle_started_us      bigint,           -- entered IN_PROGRESS (µs since the epoch), until DONE or TODO
  blocked_since_us      bigint,           -- entered BLOCKED, until it leaves
  position              bigint  NOT NULL
);

-- Heatmap history: a board's weights at the end of each UTC day on which they changed
-- (later days carry the last value), and every change with its time (for ?as_of=).
CREATE TABLE analytics_heatmap_days (
  board_day           text    PRIMARY KEY,  -- "<local_board_id>/<day>"
  tenant_id           uuid    NOT NULL,
  local_board_id      uuid    NOT NULL,
  market_id           uuid    NOT NULL,
  master_strategy_id  uuid    NOT NULL,
  day                 date    NOT NULL,
  done_weight         bigint  NOT NULL,
  total_weight        bigint  NOT NULL,
  position            bigint  NOT NULL
);
CREATE INDEX analytics_heatmap_days_strategy ON analytics_heatmap_days (master_strategy_id, local_board_id, day);

-- Append-only tables (changes, cycles, ghost cards) carry the event's log position but no
-- unique index on it: the projector's checkpoints apply each event once, and a rebuild's
-- refill then maintains only the indexes the queries use.
CREATE TABLE analytics_heatmap_changes (
  position            bigint      NOT NULL,
  tenant_id           uuid        NOT NULL,
  local_board_id      uuid        NOT NULL,
  market_id           uuid        NOT NULL,
  master_strategy_id  uuid        NOT NULL,
  at                  timestamptz NOT NULL,
  board_status        text        NOT NULL,
  done_weight         bigint      NOT NULL,
  total_weight        bigint      NOT NULL
);
CREATE INDEX analytics_heatmap_changes_board ON analytics_heatmap_changes (local_board_id, at, position);

-- Flow: per board, task type and day, what started, finished, stayed blocked, lost its
-- lock; and every completion with its cycle time (IN_PROGRESS → DONE), for percentiles.
CREATE TABLE analytics_flow_days (
  board_type_day   text             PRIMARY KEY,  -- "<local_board_id>/<task_type>/<day>"
  tenant_id        uuid             NOT NULL,
  local_board_id   uuid             NOT NULL,
  market_id        uuid             NOT NULL,
  task_type        text             NOT NULL,
  day              date             NOT NULL,
  started          integer          NOT NULL,
  finished         integer          NOT NULL,
  blocked_seconds  double precision NOT NULL,
  lock_expiries    integer          NOT NULL,
  position         bigint           NOT NULL
);
CREATE INDEX analytics_flow_days_day ON analytics_flow_days (tenant_id, day);

CREATE TABLE analytics_cycles (
  position        bigint           NOT NULL,
  tenant_id       uuid             NOT NULL,
  local_task_id   uuid             NOT NULL,
  local_board_id  uuid             NOT NULL,
  market_id       uuid             NOT NULL,
  task_type       text             NOT NULL,
  started_at      timestamptz      NOT NULL,
  finished_at     timestamptz      NOT NULL,
  cycle_seconds   double precision NOT NULL
);
CREATE INDEX analytics_cycles_finished ON analytics_cycles (tenant_id, finished_at);

-- AI usage: per board, task type and day, tokens spent and pre-flight verdicts.
CREATE TABLE analytics_ai_usage_days (
  board_type_day     text    PRIMARY KEY,  -- "<local_board_id>/<task_type>/<day>"
  tenant_id          uuid    NOT NULL,
  local_board_id     uuid    NOT NULL,
  market_id          uuid    NOT NULL,
  task_type          text    NOT NULL,
  day                date    NOT NULL,
  pre_flight_tokens  bigint  NOT NULL,
  generation_tokens  bigint  NOT NULL,
  pre_flight_passed  integer NOT NULL,
  pre_flight_failed  integer NOT NULL,
  generations        integer NOT NULL,
  position           bigint  NOT NULL
);
CREATE INDEX analytics_ai_usage_days_day ON analytics_ai_usage_days (tenant_id, day);

-- Ghost cards: every offer, accept and reject (with its justification).
CREATE TABLE analytics_ghost_cards (
  position            bigint      NOT NULL,
  tenant_id           uuid        NOT NULL,
  local_board_id      uuid        NOT NULL,
  market_id           uuid        NOT NULL,
  master_strategy_id  uuid        NOT NULL,
  strategy_version    integer     NOT NULL,
  local_task_id       uuid        NOT NULL,
  title               text        NOT NULL,
  decision            text        NOT NULL,  -- OFFERED, ACCEPTED, REJECTED
  ghost_change        text        NOT NULL,  -- ADDED, CHANGED, REMOVED
  at                  timestamptz NOT NULL,
  user_id             text,
  justification       text
);
CREATE INDEX analytics_ghost_cards_at ON analytics_ghost_cards (tenant_id, at);

-- Analyst logins (`stradia analyst grant`): each Postgres role that may read the analytics
-- views, and the one tenant it sees. Only the owner reads it.
CREATE TABLE analyst_logins (
  role_name   text        PRIMARY KEY,
  tenant_id   uuid        NOT NULL,
  granted_at  timestamptz NOT NULL DEFAULT now()
);

-- stradia_analyst: the group every analyst login belongs to; it may read the analytics
-- views and nothing else. stradia_analytics_owner: owns those views, so they read the
-- tables with its rights and its row-level security, which is keyed on the session's login
-- (never on a setting the analyst could change).
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'stradia_analyst') THEN
    CREATE ROLE stradia_analyst NOLOGIN NOBYPASSRLS;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'stradia_analytics_owner') THEN
    CREATE ROLE stradia_analytics_owner NOLOGIN NOBYPASSRLS;
  END IF;
END
$$;
GRANT stradia_analytics_owner TO CURRENT_USER;

CREATE SCHEMA analytics;
REVOKE ALL ON SCHEMA analytics FROM PUBLIC;
-- Owning a view there needs CREATE on the schema; nobody logs in as this role.
GRANT USAGE, CREATE ON SCHEMA analytics TO stradia_analytics_owner;

-- The tenant of the session's login, or NULL for any other role. Every name qualified and
-- pg_temp searched last: a temporary table of the caller's cannot stand in for the mapping.
CREATE FUNCTION analytics.session_tenant() RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT l.tenant_id FROM public.analyst_logins l WHERE l.role_name = session_user
$$;
-- Nobody makes temporary tables but the service (the worker's rebuild stages rows in them).
DO $$
BEGIN
  EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
  EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO stradia_app, stradia_worker', current_database());
END
$$;
REVOKE ALL ON FUNCTION analytics.session_tenant() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION analytics.session_tenant() TO stradia_analytics_owner, stradia_analyst;

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['analytics_boards', 'analytics_tasks', 'analytics_heatmap_days',
                           'analytics_heatmap_changes', 'analytics_flow_days', 'analytics_cycles',
                           'analytics_ai_usage_days', 'analytics_ghost_cards'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    -- The tenant as a scalar subquery: evaluated once per query (an InitPlan), not per row.
    EXECUTE format('CREATE POLICY %I ON %I FOR SELECT TO stradia_app '
                   'USING (tenant_id = (SELECT nullif(current_setting(''app.current_tenant'', true), '''')::uuid))',
                   t || '_tenant', t);
    EXECUTE format('CREATE POLICY %I ON %I TO stradia_worker USING (true) WITH CHECK (true)', t || '_worker', t);
    EXECUTE format('CREATE POLICY %I ON %I FOR SELECT TO stradia_analytics_owner '
                   'USING (tenant_id = (SELECT analytics.session_tenant()))', t || '_analyst', t);
    EXECUTE format('GRANT SELECT ON %I TO stradia_app, stradia_analytics_owner', t);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO stradia_worker', t);
  END LOOP;
END
$$;

-- Market names for the views. read_markets' tenant policy applies to every role, so the
-- analysts' side gets a restrictive policy too: a changed app.current_tenant shows nothing.
CREATE POLICY read_markets_analyst ON read_markets FOR SELECT TO stradia_analytics_owner
  USING (tenant_id = (SELECT analytics.session_tenant()));
CREATE POLICY read_markets_analyst_only ON read_markets AS RESTRICTIVE FOR SELECT TO stradia_analytics_owner
  USING (tenant_id = (SELECT analytics.session_tenant()));
GRANT SELECT ON read_markets TO stradia_analytics_owner;

CREATE VIEW analytics.markets AS
  SELECT market_id, name AS market_name, region_code, timezone, is_active, deleted_at
    FROM read_markets;

CREATE VIEW analytics.heatmap_days AS
  SELECT h.master_strategy_id, h.market_id, m.name AS market_name, h.local_board_id, h.day,
         h.done_weight, h.total_weight,
         coalesce(h.done_weight::float8 / nullif(h.total_weight, 0), 0) AS heatmap_score
    FROM analytics_heatmap_days h LEFT JOIN read_markets m USING (market_id);

CREATE VIEW analytics.heatmap_history AS
  SELECT b.master_strategy_id, b.market_id, m.name AS market_name, b.local_board_id, g.day::date AS day,
         last.done_weight, last.total_weight,
         coalesce(last.done_weight::float8 / nullif(last.total_weight, 0), 0) AS heatmap_score
    FROM (SELECT local_board_id, master_strategy_id, market_id, min(day) AS first_day
            FROM analytics_heatmap_days GROUP BY 1, 2, 3) b
    CROSS JOIN LATERAL generate_series(b.first_day, (now() AT TIME ZONE 'UTC')::date, interval '1 day') g(day)
    CROSS JOIN LATERAL (SELECT h.done_weight, h.total_weight FROM analytics_heatmap_days h
                         WHERE h.local_board_id = b.local_board_id AND h.day <= g.day
                         ORDER BY h.day DESC LIMIT 1) last
    LEFT JOIN read_markets m ON m.market_id = b.market_id;

CREATE VIEW analytics.heatmap_changes AS
  SELECT c.position, c.master_strategy_id, c.market_id, m.name AS market_name, c.local_board_id, c.at,
         c.board_status, c.done_weight, c.total_weight,
         coalesce(c.done_weight::float8 / nullif(c.total_weight, 0), 0) AS heatmap_score
    FROM analytics_heatmap_changes c LEFT JOIN read_markets m USING (market_id);

CREATE VIEW analytics.flow_days AS
  SELECT f.day, f.market_id, m.name AS market_name, f.local_board_id, f.task_type, f.started, f.finished,
         f.blocked_seconds, f.lock_expiries
    FROM analytics_flow_days f LEFT JOIN read_markets m USING (market_id);

CREATE VIEW analytics.cycle_times AS
  SELECT c.local_task_id, c.market_id, m.name AS market_name, c.local_board_id, c.task_type, c.started_at,
         c.finished_at, c.cycle_seconds
    FROM analytics_cycles c LEFT JOIN read_markets m USING (market_id);

CREATE VIEW analytics.ai_usage_days AS
  SELECT a.day, a.market_id, m.name AS market_name, a.local_board_id, a.task_type,
         a.pre_flight_tokens + a.generation_tokens AS tokens, a.pre_flight_tokens, a.generation_tokens,
         a.pre_flight_passed, a.pre_flight_failed, a.generations
    FROM analytics_ai_usage_days a LEFT JOIN read_markets m USING (market_id);

CREATE VIEW analytics.ghost_card_decisions AS
  SELECT g.at, g.market_id, m.name AS market_name, g.local_board_id, g.master_strategy_id, g.strategy_version,
         g.local_task_id, g.title, g.decision, g.ghost_change, g.user_id, g.justification
    FROM analytics_ghost_cards g LEFT JOIN read_markets m USING (market_id);

DO $$
DECLARE
  v text;
BEGIN
  FOREACH v IN ARRAY ARRAY['markets', 'heatmap_days', 'heatmap_history', 'heatmap_changes', 'flow_days',
                           'cycle_times', 'ai_usage_days', 'ghost_card_decisions'] LOOP
    EXECUTE format('ALTER VIEW analytics.%I OWNER TO stradia_analytics_owner', v);
  END LOOP;
END
$$;
GRANT USAGE ON SCHEMA analytics TO stradia_analyst;
GRANT SELECT ON ALL TABLES IN SCHEMA analytics TO stradia_analyst;

CREATE INDEX analytics_boards_strategy ON analytics_boards (master_strategy_id);
