-- The event log: the only source of truth.
CREATE TABLE events (
  global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id        uuid        NOT NULL UNIQUE,
  tenant_id       uuid        NOT NULL,
  stream_id       text        NOT NULL CHECK (length(stream_id) BETWEEN 1 AND 200),
  stream_version  bigint      NOT NULL CHECK (stream_version >= 1),
  event_type      text        NOT NULL CHECK (length(event_type) BETWEEN 1 AND 200),
  schema_version  integer     NOT NULL DEFAULT 1 CHECK (schema_version >= 1),
  payload         bytea       NOT NULL,
  metadata        jsonb       NOT NULL DEFAULT '{}',
  recorded_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (stream_id, stream_version)
);

-- Readers follow global_position and must never pass a position that a slower
-- transaction will still commit. Every insert first takes this transaction-scoped lock,
-- before any position is drawn, and holds it until commit: positions become visible in
-- order, so "everything up to the highest visible position" is final. Statement-level
-- BEFORE triggers fire before the identity default is evaluated for any row.
CREATE FUNCTION events_serialize_appends() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(7262536973);  -- 'stradia' events append lock
  RETURN NULL;
END
$$;
CREATE TRIGGER events_serialize_appends BEFORE INSERT ON events
  FOR EACH STATEMENT EXECUTE FUNCTION events_serialize_appends();

-- Live subscribers LISTEN on stradia_events; the notification is sent at commit.
CREATE FUNCTION events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('stradia_events', '');
  RETURN NULL;
END
$$;
CREATE TRIGGER events_notify AFTER INSERT ON events
  FOR EACH STATEMENT EXECUTE FUNCTION events_notify();

-- Events are immutable, whoever asks.
CREATE FUNCTION events_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'events are immutable' USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER events_immutable BEFORE UPDATE OR DELETE ON events
  FOR EACH ROW EXECUTE FUNCTION events_immutable();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
  FOR EACH STATEMENT EXECUTE FUNCTION events_immutable();

-- Tenant isolation. No tenant set (or an empty one) matches no row.
ALTER TABLE events ENABLE ROW LEVEL SECURITY;
CREATE POLICY events_tenant_isolation ON events
  USING (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid)
  WITH CHECK (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid);
CREATE POLICY events_worker_reads_all ON events FOR SELECT TO stradia_worker USING (true);

GRANT USAGE ON SCHEMA public TO stradia_app, stradia_worker;
GRANT SELECT, INSERT ON events TO stradia_app, stradia_worker;

-- Before an append: take the append lock, then report the head of each stream and any
-- event ids already recorded, across tenants, so the store can refuse a stale version
-- or a reused id without a failing INSERT aborting the whole group-commit batch. Only
-- versions, ids and digests leave this function, never another tenant's payload.
CREATE FUNCTION stradia_append_prepare(stream_ids text[], event_ids uuid[])
RETURNS TABLE (kind text, stream_id text, tenant_id uuid, stream_version bigint,
               event_id uuid, event_type text, payload_md5 text, global_position bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(7262536973);
  RETURN QUERY
    SELECT 'stream', e.stream_id, min(e.tenant_id::text)::uuid, max(e.stream_version),
           NULL::uuid, NULL::text, NULL::text, NULL::bigint
      FROM events e WHERE e.stream_id = ANY(stream_ids) GROUP BY e.stream_id
    UNION ALL
    SELECT 'event', e.stream_id, e.tenant_id, e.stream_version, e.event_id, e.event_type,
           md5(e.payload), e.global_position
      FROM events e WHERE e.event_id = ANY(event_ids);
END
$$;
REVOKE ALL ON FUNCTION stradia_append_prepare(text[], uuid[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION stradia_append_prepare(text[], uuid[]) TO stradia_app, stradia_worker;
