REVOKE SELECT (phone) ON users FROM kaa_app;
ALTER TABLE users DROP COLUMN phone;

-- The view's rowtype loses a column: drop it with the two functions that
-- return it, and create all three as 000036 left them.
DROP FUNCTION participant_contacts_between(integer, bigint, date, date);
DROP FUNCTION contacts_between(integer, date, date);
DROP VIEW contacts_effective;
ALTER TABLE contact_amendments DROP COLUMN party;
ALTER TABLE contacts DROP COLUMN party;

CREATE VIEW contacts_effective WITH (security_invoker = true) AS
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
LEFT JOIN (
    SELECT DISTINCT ON (x.tenant_id, x.contact_id) x.tenant_id, x.id, x.contact_id, x.occurred_at, x.channel, x.direction,
           x.reached, x.method, x.note, x.reason, x.created_at, x.created_by, x.occupation
    FROM contact_amendments x
    ORDER BY x.tenant_id, x.contact_id, x.id DESC
) a ON a.tenant_id = c.tenant_id AND a.contact_id = c.id;
GRANT SELECT ON contacts_effective TO kaa_app, kaa_aggregate, kaa_retention;

CREATE FUNCTION contacts_between(t integer, period_from date, period_to date) RETURNS SETOF contacts_effective
    LANGUAGE sql STABLE
    AS $$
    SELECT c.tenant_id, c.id, c.participant_id, c.occurred_at, c.channel, c.direction, c.reached, c.method, c.note,
           c.created_by, c.created_at, false, c.occupation
    FROM contacts c
    WHERE c.tenant_id = t AND NOT c.amended
      AND c.occurred_at >= period_from::timestamp AT TIME ZONE 'Europe/Stockholm'
      AND c.occurred_at < (period_to + 1)::timestamp AT TIME ZONE 'Europe/Stockholm'
    UNION ALL
    SELECT c.tenant_id, c.id, c.participant_id, a.occurred_at, a.channel, a.direction, a.reached, a.method, a.note,
           c.created_by, c.created_at, true, a.occupation
    FROM contacts c
    CROSS JOIN LATERAL (SELECT * FROM contact_amendments x WHERE x.tenant_id = t AND x.contact_id = c.id ORDER BY x.id DESC LIMIT 1) a
    WHERE c.tenant_id = t AND c.amended
      AND (a.occurred_at AT TIME ZONE 'Europe/Stockholm')::date BETWEEN period_from AND period_to
$$;

CREATE FUNCTION participant_contacts_between(t integer, participant bigint, period_from date, period_to date) RETURNS SETOF contacts_effective
    LANGUAGE sql STABLE
    AS $$
    -- contacts_between's two halves with the person in each, so that both
    -- reach the contacts through the person's own index.
    SELECT c.tenant_id, c.id, c.participant_id, c.occurred_at, c.channel, c.direction, c.reached, c.method, c.note,
           c.created_by, c.created_at, false, c.occupation
    FROM contacts c
    WHERE c.tenant_id = t AND c.participant_id = participant AND NOT c.amended
      AND c.occurred_at >= period_from::timestamp AT TIME ZONE 'Europe/Stockholm'
      AND c.occurred_at < (period_to + 1)::timestamp AT TIME ZONE 'Europe/Stockholm'
    UNION ALL
    SELECT c.tenant_id, c.id, c.participant_id, a.occurred_at, a.channel, a.direction, a.reached, a.method, a.note,
           c.created_by, c.created_at, true, a.occupation
    FROM contacts c
    CROSS JOIN LATERAL (SELECT * FROM contact_amendments x WHERE x.tenant_id = t AND x.contact_id = c.id ORDER BY x.id DESC LIMIT 1) a
    WHERE c.tenant_id = t AND c.participant_id = participant AND c.amended
      AND (a.occurred_at AT TIME ZONE 'Europe/Stockholm')::date BETWEEN period_from AND period_to
$$;
GRANT ALL ON FUNCTION contacts_between(integer, date, date) TO kaa_app, kaa_aggregate;
GRANT ALL ON FUNCTION participant_contacts_between(integer, bigint, date, date) TO kaa_app, kaa_aggregate;
