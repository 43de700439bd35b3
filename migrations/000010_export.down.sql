DROP FUNCTION project_export(integer, integer, date, date);
DROP POLICY aggregate_read ON plan_measures;
DROP POLICY aggregate_read ON plan_goals;
REVOKE SELECT ON plan_goals, plan_measures, orgs FROM kaa_aggregate;
DROP TABLE export_keys;
DROP EXTENSION IF EXISTS pgcrypto;
