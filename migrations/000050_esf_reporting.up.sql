-- ESF reporting (issue 22, section 3; docs/design/esf-reporting.md).

-- The project's case number at Svenska ESF-rådet (diarienummer), which the
-- monthly participant file to SCB names. Not personal data.
ALTER TABLE projects ADD COLUMN esf_case_number text
    CHECK (esf_case_number ~ '^[0-9A-Za-zÅÄÖåäö/. -]{1,40}$');

-- The hours a participant spent in the project's activities in a month,
-- as the project records them for SCB's monthly file ("tidsomfattning").
-- One number per project enrolment and month; nothing about what was done.
CREATE TABLE esf_hours (
    tenant_id    integer NOT NULL,
    enrolment_id bigint NOT NULL,
    month        date NOT NULL CHECK (extract(day FROM month) = 1),
    hours        numeric(5, 1) NOT NULL CHECK (hours >= 0 AND hours <= 744),
    recorded_by  integer NOT NULL REFERENCES users (id),
    recorded_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, enrolment_id, month),
    FOREIGN KEY (tenant_id, enrolment_id) REFERENCES enrolments (tenant_id, id) ON DELETE CASCADE
);
ALTER TABLE esf_hours ENABLE ROW LEVEL SECURITY;
ALTER TABLE esf_hours FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON esf_hours USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
GRANT SELECT, INSERT, UPDATE, DELETE ON esf_hours TO kaa_app;

-- Every monthly participant file to SCB the product produced, kept byte
-- for byte so that an earlier month can be downloaded again exactly as it
-- was sent. The files hold personnummer: they live under the
-- municipality's row-level security like the register, and are never
-- changed. A file is one municipality's participants in one project.
CREATE TABLE esf_files (
    tenant_id      integer NOT NULL REFERENCES orgs (id),
    id             bigint GENERATED ALWAYS AS IDENTITY,
    project_id     integer NOT NULL REFERENCES projects (id),
    month          date NOT NULL CHECK (extract(day FROM month) = 1),
    spec_version   text NOT NULL CHECK (spec_version ~ '^[0-9]{4}-[0-9]{2}$'),
    file_name      text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 200),
    rows           integer NOT NULL CHECK (rows >= 0),
    warnings       integer NOT NULL CHECK (warnings >= 0),
    content_sha256 text NOT NULL CHECK (content_sha256 ~ '^[0-9a-f]{64}$'),
    xlsx           bytea NOT NULL,
    xlsx_sha256    text NOT NULL CHECK (xlsx_sha256 ~ '^[0-9a-f]{64}$'),
    created_by     integer NOT NULL REFERENCES users (id),
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX esf_files_month_idx ON esf_files (tenant_id, project_id, month, id);
ALTER TABLE esf_files ENABLE ROW LEVEL SECURITY;
ALTER TABLE esf_files FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON esf_files USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
-- Append-only for the program: no UPDATE or DELETE.
GRANT SELECT, INSERT ON esf_files TO kaa_app;

-- Gallring removes the kept monthly files with the project's data; the rest
-- is the body as 000040 left it.
GRANT SELECT, DELETE ON esf_files TO kaa_retention;
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
    -- The ESF monthly files (000050) hold personnummer: kept as long as the
    -- decision keeps project data, counted from the end of their month.
    DELETE FROM esf_files f WHERE f.tenant_id = t
       AND (f.month + interval '1 month' - interval '1 day')::date < today - make_interval(months => d.project_months);
    RETURN QUERY SELECT r.rule, count(*) FROM unnest(rules) r(rule) GROUP BY r.rule ORDER BY r.rule;
END
$$;
