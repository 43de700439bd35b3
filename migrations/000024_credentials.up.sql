-- Credentials out of the serving role's reach, and one-time codes used once.

-- The last time step (Unix time / 30 s) whose code signed this user in: a
-- code is accepted only for a later step (RFC 6238 §5.2).
ALTER TABLE users ADD COLUMN totp_last_step bigint;

-- The role that owns the credential functions below: it may read password
-- hashes, TOTP secrets (encrypted by the application) and recovery-code
-- hashes; it never logs in.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'kaa_credentials') THEN
        CREATE ROLE kaa_credentials NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
    END IF;
END
$$;
GRANT kaa_credentials TO CURRENT_USER;
GRANT USAGE, CREATE ON SCHEMA public TO kaa_credentials;
GRANT SELECT (id, email, password_hash, active, totp_secret, totp_enabled_at) ON users TO kaa_credentials;
GRANT SELECT, UPDATE (used_at) ON recovery_codes TO kaa_credentials;

-- The serving role reads every column of users but password_hash and
-- totp_secret (it may still write them). A later migration that adds a
-- column to users grants it to kaa_app by name.
REVOKE SELECT ON users FROM kaa_app;
DO $$
BEGIN
    EXECUTE (SELECT format('GRANT SELECT (%s) ON users TO kaa_app', string_agg(quote_ident(attname), ', ' ORDER BY attnum))
             FROM pg_attribute
             WHERE attrelid = 'public.users'::regclass AND attnum > 0 AND NOT attisdropped
               AND attname NOT IN ('password_hash', 'totp_secret'));
END
$$;
-- Nor the recovery codes' hashes: it adds and removes a user's codes and
-- counts the unused ones; using one goes through use_recovery_code.
REVOKE SELECT, UPDATE ON recovery_codes FROM kaa_app;
GRANT SELECT (user_id, used_at) ON recovery_codes TO kaa_app;

-- What password sign-in needs of the one account with e-mail e: its id,
-- password hash, whether it is active and has two-factor sign-in.
CREATE FUNCTION signin_account(e text)
    RETURNS TABLE (id integer, password_hash text, active boolean, two_factor boolean)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
    AS $$ SELECT u.id, u.password_hash, u.active, u.totp_enabled_at IS NOT NULL FROM users u WHERE u.email = e $$;

-- The password hash of the acting user (app.user_id), for a password change.
CREATE FUNCTION own_password_hash(uid integer) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
    AS $$ SELECT u.password_hash FROM users u WHERE u.id = uid AND uid = app_user_id() $$;

-- The encrypted TOTP secret of the active user whose code is being checked
-- (app.user_id).
CREATE FUNCTION own_totp_secret(uid integer) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
    AS $$ SELECT u.totp_secret FROM users u WHERE u.id = uid AND uid = app_user_id() AND u.active $$;

-- Uses up user uid's unused recovery code with this hash; true if there was one.
CREATE FUNCTION use_recovery_code(uid integer, hash text) RETURNS boolean
    LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public
    AS $$
        WITH used AS (
            UPDATE recovery_codes SET used_at = now()
            WHERE user_id = uid AND code_hash = hash AND used_at IS NULL AND uid = app_user_id()
            RETURNING 1)
        SELECT EXISTS (SELECT 1 FROM used)
    $$;

REVOKE ALL ON FUNCTION signin_account(text), own_password_hash(integer), own_totp_secret(integer), use_recovery_code(integer, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_user_id() TO kaa_credentials;
ALTER FUNCTION signin_account(text) OWNER TO kaa_credentials;
ALTER FUNCTION own_password_hash(integer) OWNER TO kaa_credentials;
ALTER FUNCTION own_totp_secret(integer) OWNER TO kaa_credentials;
ALTER FUNCTION use_recovery_code(integer, text) OWNER TO kaa_credentials;
GRANT EXECUTE ON FUNCTION signin_account(text), own_password_hash(integer), own_totp_secret(integer), use_recovery_code(integer, text) TO kaa_app;
