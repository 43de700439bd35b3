-- An uploaded KAA list between preview and confirmation. It holds personal
-- data, so it lives in PostgreSQL under row-level security like the register,
-- and is deleted when the import is confirmed or cancelled, or after a day.
CREATE TABLE imports (
    tenant_id  integer NOT NULL REFERENCES orgs (id),
    id         bigint GENERATED ALWAYS AS IDENTITY,
    created_by integer NOT NULL REFERENCES users (id),
    filename   text NOT NULL CHECK (length(filename) <= 255),
    data       bytea NOT NULL,
    mapping    jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
ALTER TABLE imports ENABLE ROW LEVEL SECURITY;
ALTER TABLE imports FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON imports USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
GRANT SELECT, INSERT, UPDATE, DELETE ON imports TO kaa_app;

-- Uploads older than a day are deleted in every municipality by the server's
-- hourly sweep, also where nobody uploads again. The function can delete
-- nothing newer and returns only a count.
GRANT SELECT, DELETE ON imports TO kaa_aggregate;
CREATE POLICY aggregate_purge ON imports FOR DELETE TO kaa_aggregate USING (created_at < now() - interval '1 day');
CREATE POLICY aggregate_purge_read ON imports FOR SELECT TO kaa_aggregate USING (created_at < now() - interval '1 day');
CREATE FUNCTION purge_stale_imports() RETURNS bigint
    LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public
    AS $$
        WITH d AS (DELETE FROM imports WHERE created_at < now() - interval '1 day' RETURNING 1)
        SELECT count(*) FROM d
    $$;
REVOKE ALL ON FUNCTION purge_stale_imports() FROM PUBLIC;
ALTER FUNCTION purge_stale_imports() OWNER TO kaa_aggregate;
GRANT EXECUTE ON FUNCTION purge_stale_imports() TO kaa_app;
