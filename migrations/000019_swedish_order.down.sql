ALTER TABLE participants ALTER COLUMN first_name TYPE text COLLATE "default", ALTER COLUMN last_name TYPE text COLLATE "default";
ALTER TABLE users ALTER COLUMN name TYPE text COLLATE "default";
ALTER TABLE orgs ALTER COLUMN name TYPE text COLLATE "default";
ALTER TABLE projects ALTER COLUMN name TYPE text COLLATE "default";
ALTER TABLE subprojects ALTER COLUMN name TYPE text COLLATE "default";
DROP COLLATION IF EXISTS sv;
