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
