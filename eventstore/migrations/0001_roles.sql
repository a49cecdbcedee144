-- The service's roles. In production a DBA may create them first; this only fills gaps.
--   stradia_app     request handling: one tenant per transaction, under row-level security
--   stradia_worker  relay, projections, subscriptions: reads every tenant's events
-- Neither may bypass row-level security.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'stradia_app') THEN
    CREATE ROLE stradia_app LOGIN NOBYPASSRLS;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'stradia_worker') THEN
    CREATE ROLE stradia_worker LOGIN NOBYPASSRLS;
  END IF;
END
$$;
