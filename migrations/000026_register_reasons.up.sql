-- The reasons of the KAA register as the law and SCB have them (issue 17).
-- The lists live in internal/codes; internal/db's TestChecksFollowCodes holds
-- these CHECKs to them.

-- Registration reasons. "im_at_registration" (attending an introduction
-- programme) was offered as a reason, but since 1 July 2018 an IM student is
-- not in the KAA target group: such registrations become "uppgift saknas",
-- which the SCB page's completeness panel lists for the coordinator to decide.
-- A project enrolment has no registration reason, and a KAA registration no
-- default: a reason nobody chose is a guess in national statistics.
ALTER TABLE enrolments DROP CONSTRAINT enrolments_registration_reason_check;
ALTER TABLE enrolments ALTER COLUMN registration_reason DROP DEFAULT, ALTER COLUMN registration_reason DROP NOT NULL;
UPDATE enrolments SET registration_reason = NULL WHERE kind = 'project';
UPDATE enrolments SET registration_reason = 'unknown' WHERE registration_reason = 'im_at_registration';
ALTER TABLE enrolments
    ADD CONSTRAINT enrolments_registration_reason_check
        CHECK (registration_reason IN ('dropped_out', 'dropped_out_im', 'study_certificate', 'never_started', 'moved_in', 'unknown')),
    ADD CONSTRAINT enrolments_registration_reason_kaa CHECK ((kind = 'kaa') = (registration_reason IS NOT NULL));

-- Avregistrering: the law's reasons for a KAA registration, a project's own
-- for a project enrolment; "Annan orsak" needs a short text, "Flyttat till
-- annan kommun" keeps the new home municipality (kommunkod).
ALTER TABLE enrolments DROP CONSTRAINT enrolments_end_reason_check;
ALTER TABLE enrolments
    ADD COLUMN end_note text CHECK (length(end_note) BETWEEN 1 AND 200),
    ADD COLUMN moved_to text CHECK (moved_to ~ '^[0-9]{4}$');

-- Declining is not an end of KAA. A registration ended as "declined" is open
-- again, unless the person has turned 20 since (then it ends on the birthday
-- as "fyllt 20 år") or was registered again later (then it stays ended as
-- "annan orsak", with the old reason in the text).
UPDATE enrolments e SET end_reason = 'other', end_note = 'Tackade nej (före december 2026: att tacka nej avslutar inte KAA)'
WHERE e.kind = 'kaa' AND e.end_reason = 'declined'
  AND EXISTS (SELECT 1 FROM enrolments x WHERE x.tenant_id = e.tenant_id AND x.participant_id = e.participant_id
                AND x.kind = 'kaa' AND x.id <> e.id AND x.starts_on >= e.starts_on);
UPDATE enrolments e SET end_reason = 'turned_20', ends_on = greatest(e.starts_on, (p.birth_date + interval '20 years')::date)
FROM participants p
WHERE e.kind = 'kaa' AND e.end_reason = 'declined' AND p.tenant_id = e.tenant_id AND p.id = e.participant_id
  AND (p.birth_date + interval '20 years')::date <= current_date;
UPDATE enrolments SET end_reason = NULL, ends_on = NULL WHERE kind = 'kaa' AND end_reason = 'declined';

-- Other old reasons outside their list become "annan orsak" with the old
-- reason as its text.
UPDATE enrolments SET end_note = CASE end_reason
        WHEN 'completed' THEN 'Fullföljt'
        WHEN 'project_exit' THEN 'Avslut i projektet'
        WHEN 'declined' THEN 'Tackade nej'
        WHEN 'national_programme' THEN 'Påbörjat nationellt program'
        WHEN 'introduction_programme' THEN 'Påbörjat introduktionsprogram'
        WHEN 'equivalent_education' THEN 'Påbörjat motsvarande utbildning'
        WHEN 'turned_20' THEN 'Fyllt 20 år'
        ELSE end_note END,
    end_reason = 'other'
WHERE (kind = 'kaa' AND end_reason IN ('completed', 'project_exit'))
   OR (kind = 'project' AND end_reason NOT IN ('project_exit', 'moved', 'other'));
UPDATE enrolments SET end_note = 'Ingen beskrivning (avregistrerad före december 2026)'
WHERE end_reason = 'other' AND end_note IS NULL;

ALTER TABLE enrolments
    ADD CONSTRAINT enrolments_end_reason_check CHECK (
        (kind = 'kaa' AND end_reason IN ('national_programme', 'introduction_programme', 'adapted_upper_secondary',
                                         'equivalent_education', 'turned_20', 'moved', 'emigrated', 'deceased', 'other'))
        OR (kind = 'project' AND end_reason IN ('project_exit', 'moved', 'other'))),
    ADD CONSTRAINT enrolments_end_note_other CHECK ((end_reason = 'other') = (end_note IS NOT NULL)),
    ADD CONSTRAINT enrolments_moved_to_moved CHECK (moved_to IS NULL OR (kind = 'kaa' AND end_reason = 'moved'));

-- School background: a dropped-out introduction programme is its own value.
ALTER TABLE participants DROP CONSTRAINT participants_upper_secondary_check;
ALTER TABLE participants ADD CONSTRAINT participants_upper_secondary_check
    CHECK (upper_secondary IN ('never_started', 'dropped_out', 'dropped_out_im', 'study_certificate', 'unknown'));

-- "Uppgift saknas" is a choice at an ESF uppföljning too.
ALTER TABLE followups DROP CONSTRAINT followups_occupation_check;
ALTER TABLE followups ADD CONSTRAINT followups_occupation_check
    CHECK (occupation IN ('national_programme', 'introduction_programme', 'komvux', 'folkhogskola', 'studies_other', 'work',
                          'work_placement', 'arbetsformedlingen', 'municipal_measure', 'health_care', 'no_activity',
                          'not_reachable', 'moved', 'unknown'));

-- An åtgärd offered and declined ends as "declined" (SCB asks for them).
ALTER TABLE plan_measures DROP CONSTRAINT plan_measures_end_reason_check;
ALTER TABLE plan_measures ADD CONSTRAINT plan_measures_end_reason_check
    CHECK (end_reason IN ('completed', 'dropped_out', 'declined', 'studies', 'work', 'other'));
