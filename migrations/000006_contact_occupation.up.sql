-- SCB's block 2 asks for the young person's occupation at each contact.
ALTER TABLE contacts ADD COLUMN occupation text NOT NULL DEFAULT 'unknown'
    CHECK (occupation IN ('national_programme', 'introduction_programme', 'komvux', 'folkhogskola', 'studies_other', 'work',
                          'work_placement', 'arbetsformedlingen', 'municipal_measure', 'health_care', 'no_activity',
                          'not_reachable', 'moved', 'unknown'));
ALTER TABLE contact_amendments ADD COLUMN occupation text NOT NULL DEFAULT 'unknown'
    CHECK (occupation IN ('national_programme', 'introduction_programme', 'komvux', 'folkhogskola', 'studies_other', 'work',
                          'work_placement', 'arbetsformedlingen', 'municipal_measure', 'health_care', 'no_activity',
                          'not_reachable', 'moved', 'unknown'));
CREATE OR REPLACE VIEW contacts_effective WITH (security_invoker = true) AS
SELECT c.tenant_id, c.id, c.participant_id,
       coalesce(a.occurred_at, c.occurred_at) AS occurred_at,
       coalesce(a.channel, c.channel)         AS channel,
       coalesce(a.direction, c.direction)     AS direction,
       coalesce(a.reached, c.reached)         AS reached,
       coalesce(a.method, c.method)           AS method,
       coalesce(a.note, c.note)               AS note,
       c.created_by, c.created_at,
       a.id IS NOT NULL                       AS amended,
       coalesce(a.occupation, c.occupation)   AS occupation
FROM contacts c
-- The latest amendment of each contact, joined once rather than looked up per
-- contact: amendments are few, contacts many.
LEFT JOIN (
    SELECT DISTINCT ON (x.tenant_id, x.contact_id) *
    FROM contact_amendments x
    ORDER BY x.tenant_id, x.contact_id, x.id DESC
) a ON a.tenant_id = c.tenant_id AND a.contact_id = c.id;
