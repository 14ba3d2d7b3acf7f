-- Run as the owner role after every `manage.py migrate` (docs/database-roles.md). Idempotent.
-- The audit log and every history table: SELECT and INSERT only for the application's role.
REVOKE UPDATE, DELETE, TRUNCATE ON audit_event FROM xueji_app;
GRANT SELECT, INSERT ON audit_event TO xueji_app;
-- The chain's links likewise (audit.sealing appends them; audit_pendingseal, its queue, is an ordinary table).
REVOKE UPDATE, DELETE, TRUNCATE ON audit_seal FROM xueji_app;
GRANT SELECT, INSERT ON audit_seal TO xueji_app;

DO $$
DECLARE t text;
BEGIN
  FOR t IN SELECT tablename FROM pg_tables
           WHERE schemaname = 'public' AND tablename LIKE '%\_historical%'
  LOOP
    EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON %I FROM xueji_app', t);
    EXECUTE format('GRANT SELECT, INSERT ON %I TO xueji_app', t);
  END LOOP;
END $$;

-- The archive registers (查阅登记, print register) are append-only too.
REVOKE UPDATE, DELETE, TRUNCATE ON archives_registerentry FROM xueji_app;
