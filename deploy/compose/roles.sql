-- The database roles of an installation, run by docker-compose.yml's `roles`
-- service as the cluster's superuser before every `migrate`; safe to run
-- again (it also sets the passwords from the environment anew).
--
--   kaa_owner  owns the database and the schema and runs the migrations. Not a
--              superuser: CREATEROLE only, to make the NOLOGIN roles the
--              migrations create (kaa_aggregate, kaa_retention, ...).
--   kaa_app    the serving role: logs in, owns nothing, is bound by row-level
--              security (docs/operations.md, "Database roles").
--
-- psql 15 or later (\getenv). Passwords come from KAA_OWNER_DB_PASSWORD and
-- KAA_APP_DB_PASSWORD and are quoted by psql (:'var'), so any character works.
\set ON_ERROR_STOP on
\set owner_pw ''
\set app_pw ''
\set dbname ''
\getenv owner_pw KAA_OWNER_DB_PASSWORD
\getenv app_pw KAA_APP_DB_PASSWORD
\getenv dbname KAA_DB_NAME

SELECT :'owner_pw' = '' OR :'app_pw' = '' OR :'dbname' = '' AS missing \gset
\if :missing
DO $$ BEGIN RAISE EXCEPTION 'roles.sql: set KAA_OWNER_DB_PASSWORD, KAA_APP_DB_PASSWORD and KAA_DB_NAME'; END $$;
\endif
SELECT current_user = 'kaa_owner' AS self \gset
\if :self
DO $$ BEGIN RAISE EXCEPTION 'roles.sql: connect as a superuser other than kaa_owner, whose superuser rights this script takes away (docs/operations.md, "Compose")'; END $$;
\endif

SELECT 'CREATE ROLE kaa_owner' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'kaa_owner') \gexec
ALTER ROLE kaa_owner WITH LOGIN NOSUPERUSER CREATEROLE NOCREATEDB NOREPLICATION NOBYPASSRLS PASSWORD :'owner_pw';

SELECT format('CREATE DATABASE %I OWNER kaa_owner', :'dbname') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'dbname') \gexec
SELECT format('ALTER DATABASE %I OWNER TO kaa_owner', :'dbname') \gexec

SELECT 'CREATE ROLE kaa_app' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'kaa_app') \gexec
ALTER ROLE kaa_app WITH LOGIN NOSUPERUSER NOCREATEROLE NOCREATEDB NOREPLICATION NOBYPASSRLS PASSWORD :'app_pw';
