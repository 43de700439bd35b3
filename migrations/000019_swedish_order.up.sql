-- Names sort the way a Swedish reader looks for them: å, ä and ö after z,
-- whatever locale the cluster was created with (the throwaway clusters use
-- C.UTF-8, where ä sorts before å). The collation is on the columns, so every
-- ORDER BY of a name and the indexes on lower(last_name) follow it without
-- each query having to say so. ICU is part of Debian's PostgreSQL.
CREATE COLLATION IF NOT EXISTS sv (provider = icu, locale = 'sv-SE');

ALTER TABLE participants ALTER COLUMN first_name TYPE text COLLATE sv, ALTER COLUMN last_name TYPE text COLLATE sv;
ALTER TABLE users ALTER COLUMN name TYPE text COLLATE sv;
ALTER TABLE orgs ALTER COLUMN name TYPE text COLLATE sv;
ALTER TABLE projects ALTER COLUMN name TYPE text COLLATE sv;
ALTER TABLE subprojects ALTER COLUMN name TYPE text COLLATE sv;
