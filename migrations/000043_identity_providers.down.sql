DROP FUNCTION idp_passwords_refused(integer);
DROP FUNCTION idp_directory();
DROP TABLE user_identities;
DROP TABLE identity_providers;
