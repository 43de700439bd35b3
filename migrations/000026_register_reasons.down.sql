ALTER TABLE plan_measures DROP CONSTRAINT plan_measures_end_reason_check;
UPDATE plan_measures SET end_reason = 'other' WHERE end_reason = 'declined';
ALTER TABLE plan_measures ADD CONSTRAINT plan_measures_end_reason_check
    CHECK (end_reason IN ('completed', 'dropped_out', 'studies', 'work', 'other'));

ALTER TABLE followups DROP CONSTRAINT followups_occupation_check;
UPDATE followups SET occupation = 'not_reachable' WHERE occupation = 'unknown';
ALTER TABLE followups ADD CONSTRAINT followups_occupation_check
    CHECK (occupation IN ('national_programme', 'introduction_programme', 'komvux', 'folkhogskola', 'studies_other', 'work',
                          'work_placement', 'arbetsformedlingen', 'municipal_measure', 'health_care', 'no_activity',
                          'not_reachable', 'moved'));

ALTER TABLE participants DROP CONSTRAINT participants_upper_secondary_check;
UPDATE participants SET upper_secondary = 'unknown' WHERE upper_secondary = 'dropped_out_im';
ALTER TABLE participants ADD CONSTRAINT participants_upper_secondary_check
    CHECK (upper_secondary IN ('never_started', 'dropped_out', 'study_certificate', 'unknown'));

ALTER TABLE enrolments DROP CONSTRAINT enrolments_end_reason_check, DROP CONSTRAINT enrolments_end_note_other,
    DROP CONSTRAINT enrolments_moved_to_moved;
UPDATE enrolments SET end_reason = 'other' WHERE end_reason IN ('adapted_upper_secondary', 'emigrated', 'deceased');
ALTER TABLE enrolments DROP COLUMN end_note, DROP COLUMN moved_to;
ALTER TABLE enrolments ADD CONSTRAINT enrolments_end_reason_check CHECK (end_reason IN ('national_programme', 'introduction_programme',
    'equivalent_education', 'completed', 'turned_20', 'moved', 'project_exit', 'declined', 'other'));

ALTER TABLE enrolments DROP CONSTRAINT enrolments_registration_reason_check, DROP CONSTRAINT enrolments_registration_reason_kaa;
UPDATE enrolments SET registration_reason = 'unknown' WHERE registration_reason IS NULL OR registration_reason IN ('dropped_out_im', 'moved_in');
ALTER TABLE enrolments ALTER COLUMN registration_reason SET DEFAULT 'unknown', ALTER COLUMN registration_reason SET NOT NULL;
ALTER TABLE enrolments ADD CONSTRAINT enrolments_registration_reason_check
    CHECK (registration_reason IN ('im_at_registration', 'dropped_out', 'study_certificate', 'never_started', 'unknown'));
