-- SCIM 2.0 provisioning (issue 21; docs/design/scim.md). An organisation's
-- identity provider (Microsoft Entra ID) creates, changes and deactivates its
-- staff accounts with a bearer token the organisation's administrator makes.
-- Only a SHA-256 hash of the token is stored; the token itself is shown once.
CREATE TABLE scim_tokens (
    tenant_id     integer NOT NULL REFERENCES orgs (id),
    token_hash    bytea NOT NULL CHECK (length(token_hash) = 32),
    -- The role a provisioned account gets here. Never municipality_admin:
    -- SCIM must not hand out the right to manage users.
    default_role  text NOT NULL DEFAULT 'coordinator' CHECK (default_role IN ('coordinator')),
    created_by    integer REFERENCES users (id),
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_used_at  timestamptz,
    PRIMARY KEY (tenant_id)
);
ALTER TABLE scim_tokens ENABLE ROW LEVEL SECURITY;
ALTER TABLE scim_tokens FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON scim_tokens USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
GRANT SELECT, INSERT, UPDATE, DELETE ON scim_tokens TO kaa_app;

-- The accounts the identity provider manages in this organisation, with its
-- own id for them (externalId) and whether it has them active. An account
-- deactivated by SCIM keeps its row (and so its SCIM id) but loses its roles
-- here; a SCIM DELETE removes the row.
CREATE TABLE scim_users (
    tenant_id    integer NOT NULL REFERENCES orgs (id),
    user_id      integer NOT NULL REFERENCES users (id),
    -- userName as the identity provider knows it (Entra: userPrincipalName),
    -- which need not be the account's e-mail address.
    user_name    text NOT NULL CHECK (length(user_name) BETWEEN 1 AND 200),
    external_id  text CHECK (length(external_id) BETWEEN 1 AND 200),
    given_name   text NOT NULL DEFAULT '' CHECK (length(given_name) <= 100),
    family_name  text NOT NULL DEFAULT '' CHECK (length(family_name) <= 100),
    active       boolean NOT NULL DEFAULT true,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, user_id),
    UNIQUE (tenant_id, external_id),
    UNIQUE (tenant_id, user_name)
);
ALTER TABLE scim_users ENABLE ROW LEVEL SECURITY;
ALTER TABLE scim_users FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON scim_users USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
GRANT SELECT, INSERT, UPDATE, DELETE ON scim_users TO kaa_app;
