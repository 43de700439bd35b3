DROP FUNCTION use_recovery_code(integer, text);
DROP FUNCTION own_totp_secret(integer);
DROP FUNCTION own_password_hash(integer);
DROP FUNCTION signin_account(text);
REVOKE SELECT ON recovery_codes FROM kaa_app;
GRANT SELECT, UPDATE ON recovery_codes TO kaa_app;
REVOKE SELECT ON users FROM kaa_app;
ALTER TABLE users DROP COLUMN totp_last_step;
GRANT SELECT ON users TO kaa_app;
REVOKE ALL ON users, recovery_codes FROM kaa_credentials;
REVOKE EXECUTE ON FUNCTION app_user_id() FROM kaa_credentials;
REVOKE ALL ON SCHEMA public FROM kaa_credentials;
-- The role kaa_credentials is cluster-wide and stays, like the others.
