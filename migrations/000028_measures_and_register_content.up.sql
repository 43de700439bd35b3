-- Issue 17, section 2: the documentation Förordning 2006:39 asks for, and only
-- what the KAA register may hold (docs/privacy.md says it field by field).

-- Each åtgärd has its own follow-up date (uppföljningsdatum), on or after its
-- start. An åtgärd written before had only its plan's: one still open gets
-- that date where it is not before the åtgärd's start; ended ones, and those
-- the plan's date would precede, get none (the editor asks for one at the
-- next revision).
ALTER TABLE plan_measures ADD COLUMN follow_up_on date;
UPDATE plan_measures m SET follow_up_on = p.follow_up_on
FROM plans p
WHERE p.tenant_id = m.tenant_id AND p.participant_id = m.participant_id AND p.version = m.version
  AND m.ends_on IS NULL AND p.follow_up_on IS NOT NULL AND (m.starts_on IS NULL OR p.follow_up_on >= m.starts_on);
ALTER TABLE plan_measures ADD CONSTRAINT plan_measures_follow_up_after_start
    CHECK (follow_up_on IS NULL OR starts_on IS NULL OR follow_up_on >= starts_on);
CREATE INDEX plan_measures_follow_up_idx ON plan_measures (tenant_id, follow_up_on) WHERE ends_on IS NULL;

-- Goals and sub-goals are linked to the åtgärder that serve them, in the same
-- plan version of the same person: the keys make any other link impossible.
CREATE TABLE plan_measure_goals (
    tenant_id      integer NOT NULL,
    participant_id bigint NOT NULL,
    version        integer NOT NULL,
    measure        integer NOT NULL, -- position of the åtgärd in its version
    goal           integer NOT NULL, -- position of the goal or sub-goal in the same version
    PRIMARY KEY (tenant_id, participant_id, version, measure, goal),
    FOREIGN KEY (tenant_id, participant_id, version, measure) REFERENCES plan_measures (tenant_id, participant_id, version, position) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, participant_id, version, goal) REFERENCES plan_goals (tenant_id, participant_id, version, position) ON DELETE CASCADE
);
ALTER TABLE plan_measure_goals ENABLE ROW LEVEL SECURITY;
ALTER TABLE plan_measure_goals FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON plan_measure_goals USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
-- Versions are only ever added, as with the rest of a plan.
GRANT SELECT, INSERT ON plan_measure_goals TO kaa_app;

-- The outcome follow-ups at exit and six months are ESF's: they belong to a
-- project enrolment only. Those scheduled for a KAA registration go, recorded
-- or not (with their earlier recordings): the register may not hold their
-- survey answers, ESF result flags or "Vård eller behandling". The audit log
-- keeps that they were recorded, never what they said.
DELETE FROM followups f USING enrolments e
WHERE e.tenant_id = f.tenant_id AND e.id = f.enrolment_id AND e.kind = 'kaa';

-- "Vård eller behandling" is not a KAA occupation: a contact that said so
-- says "Uppgift saknas" (the original of an amended contact too).
ALTER TABLE contacts DISABLE TRIGGER keep_amended_original;
UPDATE contacts SET occupation = 'unknown' WHERE occupation = 'health_care';
ALTER TABLE contacts ENABLE TRIGGER keep_amended_original;
UPDATE contact_amendments SET occupation = 'unknown' WHERE occupation = 'health_care';
ALTER TABLE contacts DROP CONSTRAINT contacts_occupation_check;
ALTER TABLE contacts ADD CONSTRAINT contacts_occupation_check
    CHECK (occupation IN ('national_programme', 'introduction_programme', 'komvux', 'folkhogskola', 'studies_other', 'work',
                          'work_placement', 'arbetsformedlingen', 'municipal_measure', 'no_activity', 'not_reachable', 'moved', 'unknown'));
ALTER TABLE contact_amendments DROP CONSTRAINT contact_amendments_occupation_check;
ALTER TABLE contact_amendments ADD CONSTRAINT contact_amendments_occupation_check
    CHECK (occupation IN ('national_programme', 'introduction_programme', 'komvux', 'folkhogskola', 'studies_other', 'work',
                          'work_placement', 'arbetsformedlingen', 'municipal_measure', 'no_activity', 'not_reachable', 'moved', 'unknown'));

-- A referral to health care or a youth clinic is held only for a project
-- participant. For anyone else the mapping keeps that a referral was made,
-- as "Annan" (other), not where.
UPDATE mappings m SET referral_to = 'other'
WHERE m.referral_to IN ('health_care', 'youth_clinic')
  AND NOT EXISTS (SELECT 1 FROM enrolments e WHERE e.tenant_id = m.tenant_id AND e.participant_id = m.participant_id AND e.kind = 'project');

-- Gender is asked by ESF+ of project participants; the KAA register may not
-- hold it beyond what the personnummer says. Someone who never had a project
-- enrolment has none ("not_stated").
UPDATE participants p SET gender = 'not_stated'
WHERE p.gender <> 'not_stated'
  AND NOT EXISTS (SELECT 1 FROM enrolments e WHERE e.tenant_id = p.tenant_id AND e.participant_id = p.id AND e.kind = 'project');

-- Health care responsible for an åtgärd says something of the young person's
-- health: held only for a project participant. For anyone else such an
-- åtgärd's responsible becomes "Annan aktör" with no name (the name could be
-- a clinic's); the editor asks for a name at the next revision.
UPDATE plan_measures m SET responsible = 'other', responsible_unit = ''
WHERE m.responsible = 'health_care'
  AND NOT EXISTS (SELECT 1 FROM enrolments e WHERE e.tenant_id = m.tenant_id AND e.participant_id = m.participant_id AND e.kind = 'project');
