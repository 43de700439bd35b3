-- Issue 19: who was contacted (the party), and the coordinator's phone for
-- letters and the printed plan.

-- The party of a contact: the young person, a guardian (vårdnadshavare), the
-- school or another actor. Every contact logged before this was with the
-- young person. "reached" keeps its one meaning, that the young person was
-- reached: a contact with anyone else never reaches them, so every count of
-- reached young people (the status, the queues, SCB's file, the dashboards)
-- stays right without knowing about parties (docs/design/letters.md).
ALTER TABLE contacts ADD COLUMN party text NOT NULL DEFAULT 'young_person'
    CONSTRAINT contacts_party_check CHECK (party IN ('young_person', 'guardian', 'school', 'other_actor'));
ALTER TABLE contacts ADD CONSTRAINT contacts_reached_party_check CHECK (NOT reached OR party = 'young_person');
ALTER TABLE contact_amendments ADD COLUMN party text NOT NULL DEFAULT 'young_person'
    CONSTRAINT contact_amendments_party_check CHECK (party IN ('young_person', 'guardian', 'school', 'other_actor'));
ALTER TABLE contact_amendments ADD CONSTRAINT contact_amendments_reached_party_check CHECK (NOT reached OR party = 'young_person');

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
       coalesce(a.occupation, c.occupation)   AS occupation,
       coalesce(a.party, c.party)             AS party
FROM contacts c
LEFT JOIN (
    SELECT DISTINCT ON (x.tenant_id, x.contact_id) x.tenant_id, x.id, x.contact_id, x.occurred_at, x.channel, x.direction,
           x.reached, x.method, x.note, x.reason, x.created_at, x.created_by, x.occupation, x.party
    FROM contact_amendments x
    ORDER BY x.tenant_id, x.contact_id, x.id DESC
) a ON a.tenant_id = c.tenant_id AND a.contact_id = c.id;

-- The two functions return rows of contacts_effective, which now ends with the party.
CREATE OR REPLACE FUNCTION contacts_between(t integer, period_from date, period_to date) RETURNS SETOF contacts_effective
    LANGUAGE sql STABLE
    AS $$
    SELECT c.tenant_id, c.id, c.participant_id, c.occurred_at, c.channel, c.direction, c.reached, c.method, c.note,
           c.created_by, c.created_at, false, c.occupation, c.party
    FROM contacts c
    WHERE c.tenant_id = t AND NOT c.amended
      AND c.occurred_at >= period_from::timestamp AT TIME ZONE 'Europe/Stockholm'
      AND c.occurred_at < (period_to + 1)::timestamp AT TIME ZONE 'Europe/Stockholm'
    UNION ALL
    SELECT c.tenant_id, c.id, c.participant_id, a.occurred_at, a.channel, a.direction, a.reached, a.method, a.note,
           c.created_by, c.created_at, true, a.occupation, a.party
    FROM contacts c
    CROSS JOIN LATERAL (SELECT * FROM contact_amendments x WHERE x.tenant_id = t AND x.contact_id = c.id ORDER BY x.id DESC LIMIT 1) a
    WHERE c.tenant_id = t AND c.amended
      AND (a.occurred_at AT TIME ZONE 'Europe/Stockholm')::date BETWEEN period_from AND period_to
$$;

CREATE OR REPLACE FUNCTION participant_contacts_between(t integer, participant bigint, period_from date, period_to date) RETURNS SETOF contacts_effective
    LANGUAGE sql STABLE
    AS $$
    -- contacts_between's two halves with the person in each, so that both
    -- reach the contacts through the person's own index.
    SELECT c.tenant_id, c.id, c.participant_id, c.occurred_at, c.channel, c.direction, c.reached, c.method, c.note,
           c.created_by, c.created_at, false, c.occupation, c.party
    FROM contacts c
    WHERE c.tenant_id = t AND c.participant_id = participant AND NOT c.amended
      AND c.occurred_at >= period_from::timestamp AT TIME ZONE 'Europe/Stockholm'
      AND c.occurred_at < (period_to + 1)::timestamp AT TIME ZONE 'Europe/Stockholm'
    UNION ALL
    SELECT c.tenant_id, c.id, c.participant_id, a.occurred_at, a.channel, a.direction, a.reached, a.method, a.note,
           c.created_by, c.created_at, true, a.occupation, a.party
    FROM contacts c
    CROSS JOIN LATERAL (SELECT * FROM contact_amendments x WHERE x.tenant_id = t AND x.contact_id = c.id ORDER BY x.id DESC LIMIT 1) a
    WHERE c.tenant_id = t AND c.participant_id = participant AND c.amended
      AND (a.occurred_at AT TIME ZONE 'Europe/Stockholm')::date BETWEEN period_from AND period_to
$$;

-- The coordinator's own phone, shown on letters and the printed plan. The
-- user sets it; the app checks it is a Swedish number and stores it as typed.
ALTER TABLE users ADD COLUMN phone text NOT NULL DEFAULT ''
    CONSTRAINT users_phone_check CHECK (length(phone) <= 30 AND phone ~ '^[0-9 ()+-]*$');
GRANT SELECT (phone) ON users TO kaa_app;
