DROP INDEX participants_live_status_idx;
ALTER TABLE participants DROP COLUMN status;
ALTER TABLE participants ADD COLUMN status text NOT NULL GENERATED ALWAYS AS (
    CASE WHEN enrolments > 0 AND open_enrolments = 0 THEN 'ended'
         WHEN has_plan THEN 'active_plan'
         WHEN ever_reached THEN 'in_contact'
         WHEN last_contact_at IS NOT NULL THEN 'contact_attempted'
         ELSE 'identified' END) STORED;
CREATE INDEX participants_live_status_idx ON participants (tenant_id, status, lower(last_name), lower(first_name), id) WHERE erased_on IS NULL;
DROP FUNCTION participant_status(integer, integer, boolean, boolean, boolean);

REVOKE DELETE ON followups FROM kaa_app;
DROP TABLE enrolment_corrections;
