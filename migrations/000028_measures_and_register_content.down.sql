-- What 000028 removed (follow-ups of KAA registrations, "Vård eller
-- behandling" at contacts, health referrals of people outside projects) is
-- not restored: it was data the register may not hold.
ALTER TABLE contact_amendments DROP CONSTRAINT contact_amendments_occupation_check;
ALTER TABLE contact_amendments ADD CONSTRAINT contact_amendments_occupation_check
    CHECK (occupation IN ('national_programme', 'introduction_programme', 'komvux', 'folkhogskola', 'studies_other', 'work',
                          'work_placement', 'arbetsformedlingen', 'municipal_measure', 'health_care', 'no_activity',
                          'not_reachable', 'moved', 'unknown'));
ALTER TABLE contacts DROP CONSTRAINT contacts_occupation_check;
ALTER TABLE contacts ADD CONSTRAINT contacts_occupation_check
    CHECK (occupation IN ('national_programme', 'introduction_programme', 'komvux', 'folkhogskola', 'studies_other', 'work',
                          'work_placement', 'arbetsformedlingen', 'municipal_measure', 'health_care', 'no_activity',
                          'not_reachable', 'moved', 'unknown'));
DROP TABLE plan_measure_goals;
DROP INDEX plan_measures_follow_up_idx;
ALTER TABLE plan_measures DROP CONSTRAINT plan_measures_follow_up_after_start;
ALTER TABLE plan_measures DROP COLUMN follow_up_on;
