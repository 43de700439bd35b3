DROP TRIGGER summary_plans_insert ON plans;
DROP FUNCTION refresh_from_plans();
ALTER TABLE participants DROP COLUMN status;
ALTER TABLE participants DROP COLUMN has_plan;
ALTER TABLE participants ADD COLUMN status text NOT NULL GENERATED ALWAYS AS (
    CASE WHEN enrolments > 0 AND open_enrolments = 0 THEN 'ended'
         WHEN ever_reached THEN 'in_contact'
         WHEN last_contact_at IS NOT NULL THEN 'contact_attempted'
         ELSE 'identified' END) STORED;
CREATE INDEX participants_status_idx ON participants (tenant_id, status, lower(last_name), lower(first_name), id);
DROP TABLE plan_measures;
DROP TABLE plan_goals;
DROP TABLE plans;
DROP TABLE mappings;
