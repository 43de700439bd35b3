-- Issue 17: a wrong avregistrering (or end of a project enrolment) can be
-- corrected, and the original is kept. The enrolment holds the current state,
-- which the SCB file reads; each correction keeps who, when, why, and the
-- values before and after. A reopening has no new values.
CREATE TABLE enrolment_corrections (
    tenant_id      integer NOT NULL,
    id             bigint GENERATED ALWAYS AS IDENTITY,
    participant_id bigint NOT NULL,
    enrolment_id   bigint NOT NULL,
    corrected_at   timestamptz NOT NULL DEFAULT now(),
    corrected_by   integer REFERENCES users (id),
    reason         text NOT NULL CHECK (length(reason) BETWEEN 1 AND 200),
    old_ends_on    date NOT NULL,
    old_end_reason text NOT NULL,
    old_end_note   text,
    old_moved_to   text,
    new_ends_on    date,
    new_end_reason text,
    new_end_note   text,
    new_moved_to   text,
    CHECK ((new_ends_on IS NULL) = (new_end_reason IS NULL)),
    CHECK (new_ends_on IS NOT NULL OR (new_end_note IS NULL AND new_moved_to IS NULL)),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, participant_id) REFERENCES participants (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, enrolment_id) REFERENCES enrolments (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX enrolment_corrections_participant_idx ON enrolment_corrections (tenant_id, participant_id);
ALTER TABLE enrolment_corrections ENABLE ROW LEVEL SECURITY;
ALTER TABLE enrolment_corrections FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON enrolment_corrections USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
-- Corrections are only ever added.
GRANT SELECT, INSERT ON enrolment_corrections TO kaa_app;
-- An avregistrering undone has no follow-ups after it still to do: the
-- serving role may remove those (never one recorded).
GRANT DELETE ON followups TO kaa_app;

-- The status rule has one home: this function. The stored status is
-- computed by it, and the page's history of status changes asks it too
-- (internal/participant.StatusesAt); internal/codes.Status has the keys and
-- Swedish labels, and internal/db's tests hold the two together.
CREATE FUNCTION participant_status(enrolments integer, open_enrolments integer, has_plan boolean, ever_reached boolean, contacted boolean)
    RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN enrolments > 0 AND open_enrolments = 0 THEN 'ended'
                WHEN has_plan THEN 'active_plan'
                WHEN ever_reached THEN 'in_contact'
                WHEN contacted THEN 'contact_attempted'
                ELSE 'identified' END
$$;
GRANT EXECUTE ON FUNCTION participant_status(integer, integer, boolean, boolean, boolean) TO kaa_app;

DROP INDEX participants_live_status_idx;
ALTER TABLE participants DROP COLUMN status;
ALTER TABLE participants ADD COLUMN status text NOT NULL GENERATED ALWAYS AS (
    participant_status(enrolments, open_enrolments, has_plan, ever_reached, last_contact_at IS NOT NULL)) STORED;
CREATE INDEX participants_live_status_idx ON participants (tenant_id, status, lower(last_name), lower(first_name), id) WHERE erased_on IS NULL;
