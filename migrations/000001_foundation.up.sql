-- Foundation: organisations (tenants), users, memberships, projects, sessions, audit.
--
-- Conventions (see docs/architecture.md):
--   * A table with a column named tenant_id is owned by one tenant: tenant_id leads
--     its primary key and every foreign key, and a row-level security policy,
--     enabled and forced, limits it to current_setting('app.tenant_id').
--   * Global tables that merely refer to an organisation name the column after the
--     relationship (org_id, owner_org_id); they hold no personal data of young people.
--   * The serving role kaa_app owns nothing and gets only the privileges granted here.

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'kaa_app') THEN
        CREATE ROLE kaa_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
    END IF;
    -- Owns the few SECURITY DEFINER functions that read across tenants; never logs in.
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'kaa_aggregate') THEN
        CREATE ROLE kaa_aggregate NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
    END IF;
END
$$;

CREATE FUNCTION app_tenant_id() RETURNS integer
    LANGUAGE sql STABLE
    AS $$ SELECT NULLIF(current_setting('app.tenant_id', true), '')::integer $$;

CREATE FUNCTION app_user_id() RETURNS integer
    LANGUAGE sql STABLE
    AS $$ SELECT NULLIF(current_setting('app.user_id', true), '')::integer $$;

-- Organisations are the tenants: municipalities (key = kommunkod) and
-- non-municipal partners such as a region, an Arbetsförmedlingen office or a school.
CREATE TABLE orgs (
    id         integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key        text NOT NULL UNIQUE CHECK (key ~ '^[a-z0-9-]{2,20}$' OR key ~ '^[0-9]{4}$'),
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    kind       text NOT NULL CHECK (kind IN ('municipality', 'region', 'agency', 'school', 'other')),
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK (kind <> 'municipality' OR key ~ '^[0-9]{4}$')
);

CREATE TABLE users (
    id                    integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email                 text NOT NULL CHECK (email = lower(email) AND email LIKE '%_@_%'),
    name                  text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    password_hash         text NOT NULL,
    is_system_admin       boolean NOT NULL DEFAULT false,
    active                boolean NOT NULL DEFAULT true,
    must_change_password  boolean NOT NULL DEFAULT false,
    -- Sessions authenticated before this moment are no longer valid (password
    -- change, deactivation, role change by an administrator).
    sessions_valid_after  timestamptz NOT NULL DEFAULT now(),
    created_at            timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (email);

-- A user's roles in one tenant. Tenant-owned: an administrator sees the
-- memberships of their own municipality; a user also sees their own rows
-- (app.user_id), which is how sign-in learns where the user may go.
CREATE TABLE memberships (
    tenant_id  integer NOT NULL REFERENCES orgs (id),
    user_id    integer NOT NULL REFERENCES users (id),
    role       text NOT NULL CHECK (role IN ('coordinator', 'municipality_admin')),
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by integer REFERENCES users (id),
    PRIMARY KEY (tenant_id, user_id, role)
);
CREATE INDEX memberships_user_idx ON memberships (user_id);
ALTER TABLE memberships ENABLE ROW LEVEL SECURITY;
ALTER TABLE memberships FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON memberships
    USING (tenant_id = app_tenant_id())
    WITH CHECK (tenant_id = app_tenant_id());
CREATE POLICY own_rows_readable ON memberships FOR SELECT
    USING (user_id = app_user_id());

CREATE TABLE projects (
    id                   integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key                  text NOT NULL UNIQUE CHECK (key ~ '^[a-z0-9-]{2,30}$'),
    name                 text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    owner_org_id         integer NOT NULL REFERENCES orgs (id),
    starts_on            date NOT NULL,
    ends_on              date NOT NULL CHECK (ends_on >= starts_on),
    funding              text NOT NULL DEFAULT 'ESF' CHECK (funding IN ('ESF', 'ESF+', 'other')),
    created_at           timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE project_orgs (
    project_id integer NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    org_id     integer NOT NULL REFERENCES orgs (id),
    PRIMARY KEY (project_id, org_id)
);
CREATE INDEX project_orgs_org_idx ON project_orgs (org_id);

-- Sub-projects (delprojekt): one member organisation's part of a project.
CREATE TABLE subprojects (
    id                   integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id           integer NOT NULL,
    org_id               integer NOT NULL,
    name                 text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    focus                text NOT NULL DEFAULT '',
    planned_participants integer CHECK (planned_participants >= 0),
    FOREIGN KEY (project_id, org_id) REFERENCES project_orgs (project_id, org_id) ON DELETE CASCADE,
    UNIQUE (project_id, org_id, name)
);

-- Targets the umbrella measures against, e.g. planned_participants = 921,
-- women_share_min = 40.
CREATE TABLE project_targets (
    project_id integer NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    indicator  text NOT NULL CHECK (indicator ~ '^[a-z0-9_]+$'),
    target     numeric NOT NULL,
    PRIMARY KEY (project_id, indicator)
);

CREATE TABLE project_roles (
    project_id integer NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    user_id    integer NOT NULL REFERENCES users (id),
    role       text NOT NULL CHECK (role IN ('project_leader', 'evaluator')),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (project_id, user_id, role)
);
CREATE INDEX project_roles_user_idx ON project_roles (user_id);

-- scs/pgxstore sessions. Global: a session exists before any tenant is chosen.
CREATE TABLE sessions (
    token  text PRIMARY KEY,
    data   bytea NOT NULL,
    expiry timestamptz NOT NULL
);
CREATE INDEX sessions_expiry_idx ON sessions (expiry);

-- Sign-in throttling, keyed by account ('email:...') and by client address
-- ('addr:...'), kept here so it holds across restarts and instances.
CREATE TABLE signin_throttle (
    key           text PRIMARY KEY,
    failures      integer NOT NULL,
    window_start  timestamptz NOT NULL,
    locked_until  timestamptz
);

-- The audit log of one tenant: every read and write of personal data, role
-- changes and exports. Append-only for the serving role.
CREATE TABLE audit_events (
    tenant_id   integer NOT NULL REFERENCES orgs (id),
    id          bigint GENERATED ALWAYS AS IDENTITY,
    at          timestamptz NOT NULL DEFAULT clock_timestamp(),
    user_id     integer REFERENCES users (id),
    action      text NOT NULL CHECK (action ~ '^[a-z_]+\.[a-z_]+$'),
    record_type text NOT NULL DEFAULT '',
    record_id   text NOT NULL DEFAULT '',
    request_id  text NOT NULL DEFAULT '',
    client_addr text NOT NULL DEFAULT '',
    detail      jsonb NOT NULL DEFAULT '{}',
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX audit_events_record_idx ON audit_events (tenant_id, record_type, record_id, at);
CREATE INDEX audit_events_user_idx ON audit_events (tenant_id, user_id, at);
ALTER TABLE audit_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_events FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_events
    USING (tenant_id = app_tenant_id())
    WITH CHECK (tenant_id = app_tenant_id());

-- Events that belong to no tenant: sign-in, sign-in failure, sign-out, password
-- change, system administration, project-level exports. Append-only for the
-- serving role. Never holds personal data of young people.
CREATE TABLE security_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT clock_timestamp(),
    user_id     integer REFERENCES users (id),
    action      text NOT NULL CHECK (action ~ '^[a-z_]+\.[a-z_]+$'),
    project_id  integer REFERENCES projects (id),
    request_id  text NOT NULL DEFAULT '',
    client_addr text NOT NULL DEFAULT '',
    detail      jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX security_events_user_idx ON security_events (user_id, at);

-- Cross-tenant reads run only inside SECURITY DEFINER functions owned by
-- kaa_aggregate, which has its own read policies; each such function is narrow
-- and listed in docs/architecture.md. This one answers whether an account still
-- holds any role anywhere (to deactivate it when the last one is removed); it
-- returns one boolean and nothing of any tenant.
CREATE FUNCTION user_has_any_role(uid integer) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
    AS $$
        SELECT EXISTS (SELECT 1 FROM memberships WHERE user_id = uid)
            OR EXISTS (SELECT 1 FROM project_roles WHERE user_id = uid)
            OR EXISTS (SELECT 1 FROM users WHERE id = uid AND is_system_admin)
    $$;
REVOKE ALL ON FUNCTION user_has_any_role(integer) FROM PUBLIC;
GRANT kaa_aggregate TO CURRENT_USER;
-- An owner must be able to create in the schema; kaa_aggregate never logs in.
GRANT USAGE, CREATE ON SCHEMA public TO kaa_aggregate;
GRANT SELECT ON memberships, project_roles, users TO kaa_aggregate;
CREATE POLICY aggregate_read ON memberships FOR SELECT TO kaa_aggregate USING (true);
ALTER FUNCTION user_has_any_role(integer) OWNER TO kaa_aggregate;

-- How many administrators each organisation has, for the system administrator's
-- list: counts only, no names.
CREATE FUNCTION org_admin_counts() RETURNS TABLE (org_id integer, admins bigint)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
    AS $$
        SELECT m.tenant_id, count(*) FROM memberships m
        JOIN users u ON u.id = m.user_id AND u.active
        WHERE m.role = 'municipality_admin' GROUP BY m.tenant_id
    $$;
REVOKE ALL ON FUNCTION org_admin_counts() FROM PUBLIC;
ALTER FUNCTION org_admin_counts() OWNER TO kaa_aggregate;

GRANT USAGE ON SCHEMA public TO kaa_app;
GRANT EXECUTE ON FUNCTION user_has_any_role(integer), org_admin_counts() TO kaa_app;
GRANT EXECUTE ON FUNCTION app_tenant_id(), app_user_id() TO kaa_app;
GRANT SELECT, INSERT, UPDATE ON orgs, projects, subprojects TO kaa_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON project_orgs, project_targets TO kaa_app;
GRANT SELECT, INSERT, UPDATE ON users TO kaa_app;
GRANT SELECT, INSERT, DELETE ON memberships, project_roles TO kaa_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON sessions, signin_throttle TO kaa_app;
GRANT SELECT, INSERT ON audit_events, security_events TO kaa_app;
