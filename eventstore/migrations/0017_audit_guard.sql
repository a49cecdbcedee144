-- An event may not be written into a position the audit trail has already passed: only a
-- new position (drawn under the append lock, above everything committed) is accepted, so
-- the app and worker roles cannot slip an unsealed event into the sealed log. (A database
-- superuser who disables the triggers can; `stradia audit export` then names such events.)
CREATE FUNCTION audit_guard_positions() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM inserted_events
             WHERE global_position <= (SELECT global_position FROM audit_progress)) THEN
    RAISE EXCEPTION 'events may not be written into positions the audit trail has sealed'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER events_after_sealed_positions AFTER INSERT ON events
  REFERENCING NEW TABLE AS inserted_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_guard_positions();
