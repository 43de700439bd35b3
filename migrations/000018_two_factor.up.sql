-- Two-factor sign-in with an authenticator app (TOTP, RFC 6238).
ALTER TABLE users ADD COLUMN totp_secret text, ADD COLUMN totp_enabled_at timestamptz,
    ADD CONSTRAINT users_totp_check CHECK (totp_enabled_at IS NULL OR totp_secret IS NOT NULL);

-- One-time recovery codes for a lost phone, kept as SHA-256 hashes (each code
-- has 50 random bits, so a hash cannot be reversed by guessing).
CREATE TABLE recovery_codes (
    user_id   integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash text NOT NULL,
    used_at   timestamptz,
    PRIMARY KEY (user_id, code_hash)
);
GRANT SELECT, INSERT, UPDATE, DELETE ON recovery_codes TO kaa_app;

-- Whether the organisation requires it of everyone who sees personal data
-- there (coordinators and administrators). On unless the organisation turns
-- it off.
ALTER TABLE orgs ADD COLUMN require_two_factor boolean NOT NULL DEFAULT true;
