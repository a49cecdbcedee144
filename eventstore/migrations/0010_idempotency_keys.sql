-- Idempotency-Key answers, per tenant and user, kept 24 hours, so a retry after a restart
-- or on another gateway gets the first answer and a command runs once. A request first
-- claims its key (pending, with a lease and the log's head at that moment); its answer
-- replaces the claim. A claim whose lease ran out (its process died) is taken over: the
-- events recorded under its command id after that head tell whether it committed.
CREATE TABLE idempotency_keys (
  tenant_id      uuid        NOT NULL,
  user_id        uuid        NOT NULL,
  key            text        NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
  request_digest text        NOT NULL,
  command_id     uuid        NOT NULL,
  log_head       bigint      NOT NULL,
  lease_until    timestamptz,            -- pending while set
  status         integer,                -- the answer, once known
  content_type   text,
  body           text,                   -- NULL for an answer too large to keep: rebuilt from the log
  created_at     timestamptz NOT NULL DEFAULT now(),
  expires_at     timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, user_id, key)
);
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);

-- How many keys each user holds, kept by a trigger, so the cap per user costs one row read.
CREATE TABLE idempotency_key_counts (
  tenant_id uuid    NOT NULL,
  user_id   uuid    NOT NULL,
  held      integer NOT NULL,
  PRIMARY KEY (tenant_id, user_id)
);
CREATE FUNCTION idempotency_keys_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO idempotency_key_counts AS c VALUES (NEW.tenant_id, NEW.user_id, 1)
      ON CONFLICT (tenant_id, user_id) DO UPDATE SET held = c.held + 1;
    RETURN NEW;
  END IF;
  UPDATE idempotency_key_counts SET held = held - 1 WHERE tenant_id = OLD.tenant_id AND user_id = OLD.user_id;
  RETURN OLD;
END
$$;
CREATE TRIGGER idempotency_keys_count AFTER INSERT OR DELETE ON idempotency_keys
  FOR EACH ROW EXECUTE FUNCTION idempotency_keys_count();

ALTER TABLE idempotency_keys ENABLE ROW LEVEL SECURITY;
CREATE POLICY idempotency_keys_tenant ON idempotency_keys
  USING (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid)
  WITH CHECK (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON idempotency_keys TO stradia_app;
ALTER TABLE idempotency_key_counts ENABLE ROW LEVEL SECURITY;
CREATE POLICY idempotency_key_counts_tenant ON idempotency_key_counts
  USING (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid)
  WITH CHECK (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE ON idempotency_key_counts TO stradia_app;

-- The log's head over every tenant: a position, no tenant data (an RLS-filtered max() would
-- walk back through other tenants' rows).
CREATE FUNCTION stradia_log_head() RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$ SELECT coalesce(max(global_position), 0) FROM events $$;
REVOKE ALL ON FUNCTION stradia_log_head() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION stradia_log_head() TO stradia_app, stradia_worker;

-- Finding an idempotent command's events by its id, for a takeover. Only the events of
-- requests with an Idempotency-Key are indexed: other appends pay nothing for it.
CREATE INDEX events_idempotent_command ON events (tenant_id, (metadata->>'correlation_id'))
  WHERE metadata ? 'idempotent';
