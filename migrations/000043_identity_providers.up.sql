-- Each organisation's own identity providers (issue 21; docs/design/idp.md).
-- The client secret is sealed by the server (internal/secretbox, the
-- KAA_TOTP_KEYS keyring, bound to the organisation) before it is written.
CREATE TABLE identity_providers (
    tenant_id          integer NOT NULL REFERENCES orgs (id),
    id                 bigint GENERATED ALWAYS AS IDENTITY,
    name               text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    issuer             text NOT NULL CHECK (length(issuer) BETWEEN 1 AND 500),
    client_id          text NOT NULL CHECK (length(client_id) BETWEEN 1 AND 200),
    client_secret      text NOT NULL CHECK (client_secret LIKE 'kaa1:%'),
    -- E-mail domains whose users this provider signs in (lower case, no @).
    domains            text[] NOT NULL DEFAULT '{}',
    -- acr or amr values that count as a strong method: the product's own
    -- second factor is then not asked for.
    strong_methods     text[] NOT NULL DEFAULT '{}',
    passwords_allowed  boolean NOT NULL DEFAULT true,
    created_by         integer REFERENCES users (id),
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, name)
);
ALTER TABLE identity_providers ENABLE ROW LEVEL SECURITY;
ALTER TABLE identity_providers FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON identity_providers USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
GRANT SELECT, INSERT, UPDATE, DELETE ON identity_providers TO kaa_app;

-- An account's identity at a provider: (issuer, subject) as the provider's
-- ID token names the person. Linked at the first sign-in; later sign-ins
-- match on it alone, never on the e-mail address.
CREATE TABLE user_identities (
    tenant_id     integer NOT NULL REFERENCES orgs (id),
    provider_id   bigint NOT NULL,
    issuer        text NOT NULL CHECK (length(issuer) BETWEEN 1 AND 500),
    subject       text NOT NULL CHECK (length(subject) BETWEEN 1 AND 255),
    user_id       integer NOT NULL REFERENCES users (id),
    linked_at     timestamptz NOT NULL DEFAULT now(),
    last_used_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, issuer, subject),
    UNIQUE (tenant_id, provider_id, user_id),
    FOREIGN KEY (tenant_id, provider_id) REFERENCES identity_providers (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX user_identities_user ON user_identities (user_id);
ALTER TABLE user_identities ENABLE ROW LEVEL SECURITY;
ALTER TABLE user_identities FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON user_identities USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
GRANT SELECT, INSERT, UPDATE, DELETE ON user_identities TO kaa_app;

-- idp_directory: what the sign-in page may know before anyone is signed
-- in: each provider's organisation, id, name and e-mail domains. Never the
-- client id or secret.
GRANT SELECT ON identity_providers TO kaa_aggregate;
CREATE POLICY aggregate_read ON identity_providers FOR SELECT TO kaa_aggregate USING (true);
CREATE FUNCTION idp_directory() RETURNS TABLE (tenant_id integer, org_key text, org_name text, id bigint, name text, domains text[])
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT p.tenant_id, o.key, o.name, p.id, p.name, p.domains
    FROM identity_providers p JOIN orgs o ON o.id = p.tenant_id ORDER BY o.name, p.name
$$;
REVOKE ALL ON FUNCTION idp_directory() FROM PUBLIC;
ALTER FUNCTION idp_directory() OWNER TO kaa_aggregate;
GRANT EXECUTE ON FUNCTION idp_directory() TO kaa_app;

-- idp_passwords_refused: whether a password sign-in of user uid is refused
-- because an organisation they are a member of signs its users in only
-- through its own provider.
CREATE FUNCTION idp_passwords_refused(uid integer) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT EXISTS (SELECT 1 FROM memberships m JOIN identity_providers p ON p.tenant_id = m.tenant_id
                   WHERE m.user_id = uid AND NOT p.passwords_allowed)
$$;
REVOKE ALL ON FUNCTION idp_passwords_refused(integer) FROM PUBLIC;
ALTER FUNCTION idp_passwords_refused(integer) OWNER TO kaa_aggregate;
GRANT EXECUTE ON FUNCTION idp_passwords_refused(integer) TO kaa_app;
