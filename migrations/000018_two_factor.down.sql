ALTER TABLE orgs DROP COLUMN require_two_factor;
DROP TABLE recovery_codes;
ALTER TABLE users DROP CONSTRAINT users_totp_check, DROP COLUMN totp_enabled_at, DROP COLUMN totp_secret;
