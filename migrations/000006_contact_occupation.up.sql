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
LEFT JOIN LATERAL (
    SELECT * FROM contact_amendments x
    WHERE x.tenant_id = c.tenant_id AND x.contact_id = c.id
    ORDER BY x.id DESC LIMIT 1
) a ON true;
