-- The group-commit fast path: one call, one round trip, one implicit transaction. The
-- caller computed every stream_version from the heads it wrote itself; a stale guess or a
-- reused event id hits a unique constraint and the caller falls back to the checked path
-- (stradia_append_prepare). Runs as the caller, so row-level security applies: the
-- tenant is set for each tenant's rows before they are inserted.
CREATE FUNCTION stradia_append_rows(tenant_ids uuid[], event_ids uuid[], stream_ids text[], versions bigint[],
                                    event_types text[], schema_versions int[], payloads bytea[], metadata jsonb[])
RETURNS TABLE (event_id uuid, global_position bigint)
LANGUAGE plpgsql AS $$
DECLARE
  tenant uuid;
BEGIN
  FOR tenant IN SELECT DISTINCT t FROM unnest(tenant_ids) AS t LOOP
    PERFORM set_config('app.current_tenant', tenant::text, true);
    RETURN QUERY
      INSERT INTO events AS e (event_id, tenant_id, stream_id, stream_version, event_type, schema_version, payload,
                               metadata)
      SELECT r.event_id, r.tenant_id, r.stream_id, r.version, r.event_type, r.schema_version, r.payload, r.metadata
        FROM unnest(tenant_ids, event_ids, stream_ids, versions, event_types, schema_versions, payloads, metadata)
             AS r(tenant_id, event_id, stream_id, version, event_type, schema_version, payload, metadata)
       WHERE r.tenant_id = tenant
      RETURNING e.event_id, e.global_position;
  END LOOP;
END
$$;
REVOKE ALL ON FUNCTION stradia_append_rows(uuid[], uuid[], text[], bigint[], text[], int[], bytea[], jsonb[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION stradia_append_rows(uuid[], uuid[], text[], bigint[], text[], int[], bytea[], jsonb[])
  TO stradia_app, stradia_worker;
