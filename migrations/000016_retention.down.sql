-- The erased cannot be restored: this only removes the means.
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
    SELECT encode(substr(hmac(convert_to(p.personnummer, 'UTF8'), k, 'sha256'), 1, 16), 'hex'), v, pop.tenant_id, o.name, s.name, p.gender,
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
DROP FUNCTION retention_erase(integer, date);
DROP FUNCTION retention_due(integer, date);
CREATE OR REPLACE FUNCTION contacts_keep_amended_original() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    was contacts := OLD;
BEGIN
    was.amended := NEW.amended;
    IF NEW IS NOT DISTINCT FROM was AND NEW.amended THEN
        RETURN NEW;
    END IF;
    IF OLD.amended OR EXISTS (SELECT 1 FROM contact_amendments a WHERE a.tenant_id = OLD.tenant_id AND a.contact_id = OLD.id) THEN
        RAISE EXCEPTION 'contact % has amendments; its original cannot change', OLD.id USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;
REVOKE ALL ON participants, contacts, contact_amendments, mappings, plans, plan_goals, plan_measures, orgs, retention_policies, enrolments, contacts_effective FROM kaa_retention;
REVOKE ALL ON SCHEMA public FROM kaa_retention;
DROP INDEX participants_personnummer_key;
ALTER TABLE participants DROP CONSTRAINT participants_personnummer_check,
    DROP CONSTRAINT participants_first_name_check, DROP CONSTRAINT participants_last_name_check;
ALTER TABLE participants
    ADD CONSTRAINT participants_personnummer_check CHECK (personnummer ~ '^[0-9]{12}$'),
    ADD CONSTRAINT participants_first_name_check CHECK (length(first_name) BETWEEN 1 AND 100),
    ADD CONSTRAINT participants_last_name_check CHECK (length(last_name) BETWEEN 1 AND 100),
    ADD CONSTRAINT participants_tenant_id_personnummer_key UNIQUE (tenant_id, personnummer);
ALTER TABLE participants DROP COLUMN erased_on;
DROP TABLE retention_policies;
