-- The KAA list import as schools send their lists (issue 20;
-- docs/design/import.md): where an upload came from, the school a young
-- person last attended, the lists applied and who was on each (to show
-- who is gone from the next one), and the queue of rows without a valid
-- personnummer ("Saknar giltigt personnummer").

-- Where an upload came from: 'fil' for a file, or a school-system
-- connector's own key. Lists are compared with the previous one of the
-- same source.
ALTER TABLE imports ADD COLUMN source text NOT NULL DEFAULT 'fil' CHECK (source ~ '^[a-z0-9_:-]{1,40}$');

-- The school the young person last attended, as the list names it: past
-- occupation (education), which Förordning (2006:39) lets the register hold.
ALTER TABLE participants ADD COLUMN school text NOT NULL DEFAULT '' CHECK (length(school) <= 200);

-- A list applied (confirmed). digest identifies its set of personnummer,
-- so that applying the same list again records nothing new. Only the last
-- two lists of a source are kept: the newest is what the next one is
-- compared with.
CREATE TABLE import_lists (
    tenant_id  integer NOT NULL REFERENCES orgs (id),
    id         bigint GENERATED ALWAYS AS IDENTITY,
    source     text NOT NULL CHECK (source ~ '^[a-z0-9_:-]{1,40}$'),
    filename   text NOT NULL CHECK (length(filename) <= 255),
    digest     text NOT NULL CHECK (digest ~ '^[0-9a-f]{64}$'),
    people     integer NOT NULL CHECK (people >= 0),
    applied_by integer NOT NULL REFERENCES users (id),
    applied_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX import_lists_source ON import_lists (tenant_id, source, id DESC);
ALTER TABLE import_lists ENABLE ROW LEVEL SECURITY;
ALTER TABLE import_lists FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON import_lists USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
GRANT SELECT, INSERT, DELETE ON import_lists TO kaa_app;

-- Who was on a list applied: ids only.
CREATE TABLE import_list_people (
    tenant_id      integer NOT NULL REFERENCES orgs (id),
    list_id        bigint NOT NULL,
    participant_id bigint NOT NULL,
    PRIMARY KEY (tenant_id, list_id, participant_id),
    FOREIGN KEY (tenant_id, list_id) REFERENCES import_lists (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, participant_id) REFERENCES participants (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX import_list_people_participant ON import_list_people (tenant_id, participant_id);
ALTER TABLE import_list_people ENABLE ROW LEVEL SECURITY;
ALTER TABLE import_list_people FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON import_list_people USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
GRANT SELECT, INSERT, DELETE ON import_list_people TO kaa_app;

-- Rows of a list whose number is a reservnummer or another temporary
-- number: kept, not dropped, until a coordinator registers the person with
-- a valid personnummer or removes the row (then the row is deleted), and
-- at most as long as the retention decision keeps someone identified but
-- never registered (retention_erase below).
CREATE TABLE import_unidentified (
    tenant_id      integer NOT NULL REFERENCES orgs (id),
    id             bigint GENERATED ALWAYS AS IDENTITY,
    source         text NOT NULL CHECK (source ~ '^[a-z0-9_:-]{1,40}$'),
    filename       text NOT NULL CHECK (length(filename) <= 255),
    line           integer NOT NULL CHECK (line > 0),
    number         text NOT NULL CHECK (length(number) BETWEEN 1 AND 40),
    first_name     text NOT NULL COLLATE sv CHECK (length(first_name) BETWEEN 1 AND 100),
    last_name      text NOT NULL COLLATE sv CHECK (length(last_name) BETWEEN 1 AND 100),
    mobile         text NOT NULL DEFAULT '',
    email          text NOT NULL DEFAULT '',
    school         text NOT NULL DEFAULT '' CHECK (length(school) <= 200),
    programme      text NOT NULL DEFAULT '' CHECK (length(programme) <= 1000),
    left_school_on date,
    registered_on  date,
    reason         text NOT NULL DEFAULT 'unknown' CHECK (reason IN ('dropped_out', 'dropped_out_im', 'study_certificate', 'never_started', 'moved_in', 'unknown')),
    created_by     integer NOT NULL REFERENCES users (id),
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, number)
);
ALTER TABLE import_unidentified ENABLE ROW LEVEL SECURITY;
ALTER TABLE import_unidentified FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON import_unidentified USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
GRANT SELECT, INSERT, DELETE ON import_unidentified TO kaa_app;
GRANT SELECT, DELETE ON import_unidentified TO kaa_retention;

-- Gallring empties the school with the other fields and removes queue rows
-- nobody resolved; the rest is 000039's body.
CREATE OR REPLACE FUNCTION retention_erase(t integer, today date) RETURNS TABLE(rule text, people bigint)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public'
    AS $$
DECLARE
    ids bigint[];
    rules text[];
    d retention_decisions;
BEGIN
    IF t IS DISTINCT FROM app_tenant_id() THEN
        RAISE EXCEPTION 'retention_erase: % is not the municipality of this transaction', t USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT * INTO d FROM retention_decisions x WHERE x.tenant_id = t ORDER BY x.recorded_at DESC, x.id DESC LIMIT 1;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    SELECT coalesce(array_agg(r.participant_id), '{}'), coalesce(array_agg(r.rule), '{}') INTO ids, rules
    FROM retention_due(t, today, d.kaa_months, d.project_months, d.unenrolled_months) r;
    UPDATE participants p SET personnummer = '', first_name = '', last_name = '', mobile = '', email = '',
           street = '', postal_code = '', city = '', programme = '', school = '', erased_on = today, updated_at = now()
    WHERE p.tenant_id = t AND p.id = ANY (ids);
    UPDATE contacts c SET note = '' WHERE c.tenant_id = t AND c.participant_id = ANY (ids) AND c.note <> '';
    UPDATE contact_amendments a SET note = '', reason = 'Gallrad'
    FROM contacts c WHERE a.tenant_id = t AND c.tenant_id = t AND c.id = a.contact_id AND c.participant_id = ANY (ids);
    UPDATE mappings m SET strengths = '', challenges = '', direction_note = '' WHERE m.tenant_id = t AND m.participant_id = ANY (ids);
    UPDATE plans x SET change_note = '' WHERE x.tenant_id = t AND x.participant_id = ANY (ids) AND x.change_note <> '';
    UPDATE plan_goals g SET text = '–' WHERE g.tenant_id = t AND g.participant_id = ANY (ids);
    UPDATE plan_measures m SET description = '', responsible_unit = '' WHERE m.tenant_id = t AND m.participant_id = ANY (ids);
    -- The free text of an avregistrering ("annan orsak") and of its corrections.
    UPDATE enrolments e SET end_note = '–' WHERE e.tenant_id = t AND e.participant_id = ANY (ids) AND e.end_note IS NOT NULL;
    UPDATE enrolment_corrections c SET reason = '–',
           old_end_note = CASE WHEN c.old_end_note IS NOT NULL THEN '–' END,
           new_end_note = CASE WHEN c.new_end_note IS NOT NULL THEN '–' END
    WHERE c.tenant_id = t AND c.participant_id = ANY (ids);
    -- The note or place of a booked meeting (000033).
    UPDATE appointments a SET note = '' WHERE a.tenant_id = t AND a.participant_id = ANY (ids) AND a.note <> '';
    -- The SMS sent to and received from the person (000036): number and
    -- text go; the contact each was logged as stays, its note emptied above.
    DELETE FROM sms_messages s WHERE s.tenant_id = t AND s.participant_id = ANY (ids);
    -- Replies that matched no one, and notices of people who moved here
    -- that nobody registered or dismissed (000038), are kept no longer than
    -- someone identified but never registered.
    DELETE FROM sms_messages s WHERE s.tenant_id = t AND s.participant_id IS NULL
       AND s.created_at < today - make_interval(months => d.unenrolled_months);
    DELETE FROM move_notices n WHERE n.tenant_id = t AND n.handled_at IS NULL
       AND n.sent_at < today - make_interval(months => d.unenrolled_months);
    -- Rows of a school's list without a valid personnummer that nobody
    -- resolved (000040) go after the same time.
    DELETE FROM import_unidentified u WHERE u.tenant_id = t
       AND u.created_at < today - make_interval(months => d.unenrolled_months);
    -- The SCB files the municipality produced hold personnummer: they are
    -- kept as long as the decision keeps KAA data, counted from the end of
    -- their half-year, and then removed whole.
    DELETE FROM scb_files f WHERE f.tenant_id = t
       AND (CASE WHEN right(f.half_year, 1) = '1' THEN make_date(left(f.half_year, 4)::int, 6, 30)
                 ELSE make_date(left(f.half_year, 4)::int, 12, 31) END) < today - make_interval(months => d.kaa_months);
    RETURN QUERY SELECT r.rule, count(*) FROM unnest(rules) r(rule) GROUP BY r.rule ORDER BY r.rule;
END
$$;

