REVOKE ALL ON ALL TABLES IN SCHEMA public FROM kaa_app;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM kaa_app;
REVOKE USAGE ON SCHEMA public FROM kaa_app;
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM kaa_aggregate;
REVOKE USAGE, CREATE ON SCHEMA public FROM kaa_aggregate;
DROP TABLE security_events;
DROP TABLE audit_events;
DROP TABLE signin_throttle;
DROP TABLE sessions;
DROP TABLE project_roles;
DROP TABLE project_targets;
DROP TABLE subprojects;
DROP TABLE project_orgs;
DROP TABLE projects;
DROP TABLE memberships;
DROP TABLE users;
DROP TABLE orgs;
DROP FUNCTION org_admin_counts();
DROP FUNCTION user_has_any_role(integer);
DROP FUNCTION app_user_id();
DROP FUNCTION app_tenant_id();
-- The roles kaa_app and kaa_aggregate are cluster-wide and may serve other
-- databases; they stay.
