DROP VIEW contacts_effective;
ALTER TABLE contact_amendments DROP COLUMN occupation;
ALTER TABLE contacts DROP COLUMN occupation;
CREATE VIEW contacts_effective WITH (security_invoker = true) AS
SELECT c.tenant_id, c.id, c.participant_id,
       coalesce(a.occurred_at, c.occurred_at) AS occurred_at,
       coalesce(a.channel, c.channel)         AS channel,
       coalesce(a.direction, c.direction)     AS direction,
       coalesce(a.reached, c.reached)         AS reached,
       coalesce(a.method, c.method)           AS method,
       coalesce(a.note, c.note)               AS note,
       c.created_by, c.created_at,
       a.id IS NOT NULL                       AS amended
FROM contacts c
LEFT JOIN LATERAL (
    SELECT * FROM contact_amendments x
    WHERE x.tenant_id = c.tenant_id AND x.contact_id = c.id
    ORDER BY x.id DESC LIMIT 1
) a ON true;
GRANT SELECT ON contacts_effective TO kaa_app;
