-- Password reset by e-mail link, and an administrator's reset of a user's
-- second factor (docs/design/reset.md).

-- A reset link's token is 32 random bytes; only its SHA-256 is kept, so a
-- copy of the database opens no account. Global like sessions: a link is
-- the account's, not an organisation's.
CREATE TABLE password_resets (
    token_hash bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at timestamptz,
    CHECK (expires_at > created_at)
);
CREATE INDEX password_resets_user_id_idx ON password_resets (user_id);
CREATE INDEX password_resets_expires_at_idx ON password_resets (expires_at);
GRANT SELECT, INSERT, UPDATE, DELETE ON password_resets TO kaa_app;

-- Set when an administrator removed the user's authenticator app: the user
-- sets up a new one before anything else, whatever the organisation requires.
ALTER TABLE users ADD COLUMN must_set_up_two_factor boolean NOT NULL DEFAULT false;
GRANT SELECT (must_set_up_two_factor) ON users TO kaa_app;
