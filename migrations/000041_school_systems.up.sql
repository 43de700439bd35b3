-- School systems a municipality reads its KAA list from over SS12000
-- (issue 20; docs/design/ss12000.md). The client secret is sealed by the
-- server (internal/secretbox, the KAA_TOTP_KEYS keyring) before it is
-- written: the database and its backups hold only the sealed value. The last
-- run's outcome is counts and a Swedish sentence, never a person's data.
CREATE TABLE school_systems (
    tenant_id      integer NOT NULL REFERENCES orgs (id),
    id             bigint GENERATED ALWAYS AS IDENTITY,
    name           text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    base_url       text NOT NULL CHECK (length(base_url) BETWEEN 1 AND 500),
    token_url      text NOT NULL CHECK (length(token_url) BETWEEN 1 AND 500),
    client_id      text NOT NULL CHECK (length(client_id) BETWEEN 1 AND 200),
    client_secret  text NOT NULL CHECK (client_secret LIKE 'kaa1:%'),
    scope          text NOT NULL DEFAULT '' CHECK (length(scope) <= 500),
    created_by     integer REFERENCES users (id),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    last_run_at    timestamptz,
    last_ok        boolean,
    last_found     integer CHECK (last_found >= 0),
    last_new       integer CHECK (last_new >= 0),
    last_message   text CHECK (length(last_message) <= 500),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, name)
);
ALTER TABLE school_systems ENABLE ROW LEVEL SECURITY;
ALTER TABLE school_systems FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON school_systems USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
GRANT SELECT, INSERT, UPDATE, DELETE ON school_systems TO kaa_app;
