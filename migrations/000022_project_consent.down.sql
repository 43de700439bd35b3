DROP POLICY accepted_by_the_invited ON project_orgs;
DROP POLICY owner_removes ON project_orgs;
DROP POLICY members_readable ON project_orgs;
ALTER TABLE project_orgs DISABLE ROW LEVEL SECURITY;
GRANT UPDATE ON project_orgs TO kaa_app;
ALTER TABLE project_orgs DROP COLUMN accepted_by, DROP COLUMN accepted_at;
DROP TABLE project_invitations;
