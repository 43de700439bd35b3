-- Gallring: removing personal data when its purpose has ended, while the
-- anonymous rows the statistics are computed from stay.

-- Each municipality's retention policy: months after the last KAA enrolment
-- ended, after the last project enrolment ended (ESF+ projects keep their
-- documentation for the audit period), and after identification for someone
-- never enrolled. A municipality without a row has the defaults.
CREATE TABLE retention_policies (
    tenant_id         integer NOT NULL REFERENCES orgs (id),
    kaa_months        integer NOT NULL DEFAULT 24 CHECK (kaa_months BETWEEN 1 AND 240),
    project_months    integer NOT NULL DEFAULT 120 CHECK (project_months BETWEEN 1 AND 240),
    unenrolled_months integer NOT NULL DEFAULT 6 CHECK (unenrolled_months BETWEEN 1 AND 240),
    PRIMARY KEY (tenant_id)
);
ALTER TABLE retention_policies ENABLE ROW LEVEL SECURITY;
ALTER TABLE retention_policies FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON retention_policies USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
GRANT SELECT, INSERT, UPDATE ON retention_policies TO kaa_app;

-- An erased person keeps their row (its id, gender, birth date,
-- identification date and summary) for the statistics; the personnummer,
-- name and contact details are emptied and erased_on says when.
ALTER TABLE participants ADD COLUMN erased_on date;
ALTER TABLE participants DROP CONSTRAINT participants_personnummer_check,
    DROP CONSTRAINT participants_first_name_check, DROP CONSTRAINT participants_last_name_check,
    DROP CONSTRAINT participants_tenant_id_personnummer_key;
ALTER TABLE participants
    ADD CONSTRAINT participants_personnummer_check CHECK (personnummer ~ '^[0-9]{12}$' OR (erased_on IS NOT NULL AND personnummer = '')),
    ADD CONSTRAINT participants_first_name_check CHECK (length(first_name) <= 100 AND (length(first_name) >= 1 OR erased_on IS NOT NULL)),
    ADD CONSTRAINT participants_last_name_check CHECK (length(last_name) <= 100 AND (length(last_name) >= 1 OR erased_on IS NOT NULL));
CREATE UNIQUE INDEX participants_personnummer_key ON participants (tenant_id, personnummer) WHERE personnummer <> '';

-- The role that erases. It owns retention_erase and nothing else, and is
-- bound by row-level security like everyone: it reaches the municipality
-- that app.tenant_id names.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'kaa_retention') THEN
        CREATE ROLE kaa_retention NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
    END IF;
END
$$;
GRANT kaa_retention TO CURRENT_USER;
GRANT USAGE, CREATE ON SCHEMA public TO kaa_retention;
-- (contacts_effective for refresh_participants, which the contact trigger calls.)
GRANT SELECT ON orgs, retention_policies, enrolments, contacts_effective TO kaa_retention;
GRANT SELECT, UPDATE ON participants, contacts, contact_amendments, mappings, plans, plan_goals, plan_measures TO kaa_retention;

-- Whose data is due, by which rule, as of today (invoker's rights).
CREATE FUNCTION retention_due(t integer, today date)
    RETURNS TABLE (participant_id bigint, rule text)
    LANGUAGE sql STABLE AS $$
    WITH policy AS (
        SELECT coalesce(max(r.kaa_months), 24) AS kaa, coalesce(max(r.project_months), 120) AS project,
               coalesce(max(r.unenrolled_months), 6) AS unenrolled
        FROM retention_policies r WHERE r.tenant_id = t)
    SELECT p.id,
           CASE WHEN e.n = 0 THEN 'unenrolled' WHEN e.project_end IS NOT NULL THEN 'project' ELSE 'kaa' END
    FROM participants p, policy
    CROSS JOIN LATERAL (
        SELECT count(*) AS n, count(*) FILTER (WHERE x.ends_on IS NULL) AS open,
               max(x.ends_on) FILTER (WHERE x.kind = 'kaa') AS kaa_end, max(x.ends_on) FILTER (WHERE x.kind = 'project') AS project_end
        FROM enrolments x WHERE x.tenant_id = t AND x.participant_id = p.id) e
    WHERE p.tenant_id = t AND p.erased_on IS NULL
      AND ((e.n = 0 AND p.identified_on < today - make_interval(months => policy.unenrolled))
        OR (e.n > 0 AND e.open = 0
            AND (e.kaa_end IS NULL OR e.kaa_end < today - make_interval(months => policy.kaa))
            AND (e.project_end IS NULL OR e.project_end < today - make_interval(months => policy.project))))
$$;
GRANT EXECUTE ON FUNCTION retention_due(integer, date) TO kaa_app, kaa_retention;

-- The original of an amended contact cannot change, except its note emptied by gallring.
CREATE OR REPLACE FUNCTION contacts_keep_amended_original() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    was contacts := OLD;
BEGIN
    was.amended := NEW.amended;
    IF NEW IS NOT DISTINCT FROM was AND NEW.amended THEN
        RETURN NEW;
    END IF;
    was.note := NEW.note;
    IF current_user = 'kaa_retention' AND NEW.note = '' AND NEW IS NOT DISTINCT FROM was THEN
        RETURN NEW;
    END IF;
    IF OLD.amended OR EXISTS (SELECT 1 FROM contact_amendments a WHERE a.tenant_id = OLD.tenant_id AND a.contact_id = OLD.id) THEN
        RAISE EXCEPTION 'contact % has amendments; its original cannot change', OLD.id USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;

-- Erase everyone of the municipality app.tenant_id names whose data is due
-- as of today: the personnummer, name, contact details, every note and the
-- free text of mappings and plans. Codes, dates, counts, follow-ups and the
-- summary stay, so the dashboards, the ESF+ tables and the SCB counts of the
-- past do not change. Someone already erased is not touched again. Returns
-- the people erased per rule.
CREATE FUNCTION retention_erase(t integer, today date)
    RETURNS TABLE (rule text, people bigint)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    ids bigint[];
    rules text[];
BEGIN
    IF t IS DISTINCT FROM app_tenant_id() THEN
        RAISE EXCEPTION 'retention_erase: % is not the municipality of this transaction', t USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT coalesce(array_agg(d.participant_id), '{}'), coalesce(array_agg(d.rule), '{}') INTO ids, rules
    FROM retention_due(t, today) d;
    UPDATE participants p SET personnummer = '', first_name = '', last_name = '', mobile = '', email = '',
           street = '', postal_code = '', city = '', programme = '', erased_on = today, updated_at = now()
    WHERE p.tenant_id = t AND p.id = ANY (ids);
    UPDATE contacts c SET note = '' WHERE c.tenant_id = t AND c.participant_id = ANY (ids) AND c.note <> '';
    UPDATE contact_amendments a SET note = '', reason = 'Gallrad'
    FROM contacts c WHERE a.tenant_id = t AND c.tenant_id = t AND c.id = a.contact_id AND c.participant_id = ANY (ids);
    UPDATE mappings m SET strengths = '', challenges = '', direction_note = '' WHERE m.tenant_id = t AND m.participant_id = ANY (ids);
    UPDATE plans x SET change_note = '' WHERE x.tenant_id = t AND x.participant_id = ANY (ids) AND x.change_note <> '';
    UPDATE plan_goals g SET text = '–' WHERE g.tenant_id = t AND g.participant_id = ANY (ids);
    UPDATE plan_measures m SET description = '', responsible_unit = '' WHERE m.tenant_id = t AND m.participant_id = ANY (ids);
    RETURN QUERY SELECT r.rule, count(*) FROM unnest(rules) r(rule) GROUP BY r.rule ORDER BY r.rule;
END
$$;
REVOKE ALL ON FUNCTION retention_erase(integer, date) FROM PUBLIC;
ALTER FUNCTION retention_erase(integer, date) OWNER TO kaa_retention;
GRANT EXECUTE ON FUNCTION retention_erase(integer, date) TO kaa_app;

-- An erased person's export id comes from their record, not their emptied personnummer.
CREATE OR REPLACE FUNCTION project_export(project integer, only_org integer, period_from date, period_to date)
    RETURNS TABLE (pseudonym text, key_version integer, org_id integer, municipality text, subproject text,
                   gender text, age_band text, entry_month date, exit_month date, days_in_project integer,
                   registration_reason text, end_reason text, contacts jsonb, days_to_first_contact integer,
                   has_plan boolean, goals integer, measures_by_type jsonb, measures_by_responsible jsonb,
                   outcome_exit text, outcome_six_months text, esf_job_searching boolean, esf_in_education boolean,
                   esf_qualification boolean, esf_employed boolean, esf_employed_six_months boolean,
                   survey_long_term_goal text, survey_clear_plan text, survey_respect text, survey_no_barrier text)
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public
    AS $$
DECLARE
    scope integer := coalesce(only_org, 0);
    k bytea;
    v integer;
BEGIN
    IF NOT (
        (only_org IS NULL AND EXISTS (SELECT 1 FROM project_roles r WHERE r.project_id = project AND r.user_id = app_user_id()))
        OR (only_org IS NOT NULL
            AND EXISTS (SELECT 1 FROM memberships m WHERE m.tenant_id = only_org AND m.user_id = app_user_id() AND m.role = 'coordinator')
            AND EXISTS (SELECT 1 FROM project_orgs po WHERE po.project_id = project AND po.org_id = only_org))
    ) THEN
        RETURN;
    END IF;
    INSERT INTO export_keys (project_id, org_id, version) VALUES (project, scope, 1) ON CONFLICT DO NOTHING;
    SELECT x.secret, x.version INTO k, v FROM export_keys x WHERE x.project_id = project AND x.org_id = scope ORDER BY x.version DESC LIMIT 1;
    RETURN QUERY
    WITH pop AS (
        SELECT DISTINCT ON (e.tenant_id, e.participant_id)
               e.tenant_id, e.participant_id, e.id AS enrolment_id, e.subproject_id, e.starts_on, e.ends_on,
               e.end_reason, e.registration_reason
        FROM enrolments e
        JOIN subprojects s ON s.id = e.subproject_id AND s.project_id = project
        JOIN project_orgs m ON m.project_id = project AND m.org_id = e.tenant_id
        WHERE (only_org IS NULL OR e.tenant_id = only_org)
          AND e.starts_on <= period_to AND (e.ends_on IS NULL OR e.ends_on >= period_from)
        ORDER BY e.tenant_id, e.participant_id, e.starts_on DESC
    )
    SELECT encode(substr(hmac(convert_to(CASE WHEN p.erased_on IS NULL THEN p.personnummer ELSE 'gallrad:' || p.id END, 'UTF8'), k, 'sha256'), 1, 16), 'hex'), v, pop.tenant_id, o.name, s.name, p.gender,
           CASE WHEN extract(year FROM age(pop.starts_on, p.birth_date)) < 18 THEN '15-17'
                WHEN extract(year FROM age(pop.starts_on, p.birth_date)) < 20 THEN '18-19'
                ELSE '20-24' END,
           date_trunc('month', pop.starts_on)::date, date_trunc('month', pop.ends_on)::date,
           coalesce(pop.ends_on, least(period_to, current_date)) - pop.starts_on,
           CASE WHEN pop.registration_reason <> 'unknown' THEN pop.registration_reason
                ELSE coalesce((SELECT x.registration_reason FROM enrolments x WHERE x.tenant_id = pop.tenant_id
                               AND x.participant_id = pop.participant_id AND x.kind = 'kaa' ORDER BY x.starts_on DESC LIMIT 1), 'unknown') END,
           pop.end_reason,
           coalesce((SELECT jsonb_object_agg(c.channel, jsonb_build_array(c.n, c.r)) FROM (
                         SELECT ce.channel, count(*) AS n, count(*) FILTER (WHERE ce.reached) AS r FROM contacts_effective ce
                         WHERE ce.tenant_id = pop.tenant_id AND ce.participant_id = pop.participant_id
                           AND (ce.occurred_at AT TIME ZONE 'Europe/Stockholm')::date BETWEEN pop.starts_on AND coalesce(pop.ends_on, period_to)
                         GROUP BY ce.channel) c), '{}'),
           (SELECT min((ce.occurred_at AT TIME ZONE 'Europe/Stockholm')::date) FROM contacts_effective ce
            WHERE ce.tenant_id = pop.tenant_id AND ce.participant_id = pop.participant_id) - p.identified_on,
           cur.version IS NOT NULL,
           coalesce((SELECT count(*) FROM plan_goals g WHERE g.tenant_id = pop.tenant_id AND g.participant_id = pop.participant_id
                     AND g.version = cur.version AND g.parent IS NULL), 0)::integer,
           coalesce((SELECT jsonb_object_agg(t.type, t.n) FROM (SELECT pm.type, count(*) AS n FROM plan_measures pm
                     WHERE pm.tenant_id = pop.tenant_id AND pm.participant_id = pop.participant_id AND pm.version = cur.version
                     GROUP BY pm.type) t), '{}'),
           coalesce((SELECT jsonb_object_agg(t.responsible, t.n) FROM (SELECT pm.responsible, count(*) AS n FROM plan_measures pm
                     WHERE pm.tenant_id = pop.tenant_id AND pm.participant_id = pop.participant_id AND pm.version = cur.version
                     GROUP BY pm.responsible) t), '{}'),
           fe.occupation, f6.occupation, fe.esf_job_searching, fe.esf_in_education, fe.esf_qualification, fe.esf_employed, f6.esf_employed,
           fe.survey_long_term_goal, fe.survey_clear_plan, fe.survey_respect, fe.survey_no_barrier
    FROM pop
    JOIN participants p ON p.tenant_id = pop.tenant_id AND p.id = pop.participant_id
    JOIN orgs o ON o.id = pop.tenant_id
    JOIN subprojects s ON s.id = pop.subproject_id
    LEFT JOIN LATERAL (SELECT max(pl.version) AS version FROM plans pl
                       WHERE pl.tenant_id = pop.tenant_id AND pl.participant_id = pop.participant_id) cur ON true
    LEFT JOIN followups fe ON fe.tenant_id = pop.tenant_id AND fe.enrolment_id = pop.enrolment_id AND fe.kind = 'exit' AND fe.done_on IS NOT NULL
    LEFT JOIN followups f6 ON f6.tenant_id = pop.tenant_id AND f6.enrolment_id = pop.enrolment_id AND f6.kind = 'six_months' AND f6.done_on IS NOT NULL;
END
$$;
