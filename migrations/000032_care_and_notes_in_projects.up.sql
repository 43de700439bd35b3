-- What the KAA register may hold (Förordning 2006:39): identity, contact
-- details, occupation and the åtgärder. Issue 17 left three things for a
-- decision (docs/privacy.md, "Vad KAA-registret får innehålla"); this is it.
--
-- 1. Strengths and challenges in the mapping are an assessment of the person,
--    not occupation or an åtgärd: held only for a project participant. For
--    anyone who never had a project enrolment they are emptied, in every
--    version. The direction and its note (what the young person wants to do:
--    the future occupation) stay.
UPDATE mappings m SET strengths = '', challenges = ''
WHERE (m.strengths <> '' OR m.challenges <> '')
  AND NOT EXISTS (SELECT 1 FROM enrolments e WHERE e.tenant_id = m.tenant_id AND e.participant_id = m.participant_id AND e.kind = 'project');

-- 2. A referral to the student health service ("Skolan (elevhälsan)") or to
--    social services tells of health or social care, as a referral to health
--    care or a youth clinic does (000028): held only for a project
--    participant. For anyone else the mapping keeps that a referral was made,
--    as "Annan", not where.
UPDATE mappings m SET referral_to = 'other'
WHERE m.referral_to IN ('school', 'social_services')
  AND NOT EXISTS (SELECT 1 FROM enrolments e WHERE e.tenant_id = m.tenant_id AND e.participant_id = m.participant_id AND e.kind = 'project');

-- 3. Social services responsible for an åtgärd: social services is part of
--    the municipality, and the register documents that the municipality
--    carries out the åtgärd, not which of its boards. For anyone who never had
--    a project enrolment it becomes "Kommunen", whose name is not asked.
UPDATE plan_measures m SET responsible = 'municipality', responsible_unit = ''
WHERE m.responsible = 'social_services'
  AND NOT EXISTS (SELECT 1 FROM enrolments e WHERE e.tenant_id = m.tenant_id AND e.participant_id = m.participant_id AND e.kind = 'project');

-- 4. How the register learnt of the young person: "Socialtjänsten" said that
--    social services knew the person. It becomes "Annan verksamhet i
--    kommunen" for everyone (the way in is not about a project).
ALTER TABLE participants DROP CONSTRAINT participants_source_check;
UPDATE participants SET source = 'municipal_service' WHERE source = 'social_services';
ALTER TABLE participants ADD CONSTRAINT participants_source_check
    CHECK (source IN ('school_dropout_notice', 'school_list', 'self_referral', 'municipal_service', 'arbetsformedlingen', 'other'));
