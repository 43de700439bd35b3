-- The evaluator's export gains what project_export does not return: the
-- exact age at the start of the enrolment (internal/export generalises it
-- to 2-year, 5-year bands or nothing, as the search for the least
-- information loss finds), the län of the member (from its kommunkod; a
-- level between the municipality and the whole project) and the ESF+ status
-- at entry (labour-market status, education level). It is a function of its
-- own beside project_export, with the same people, the same check of who
-- asks and the same keyed pseudonym; internal/export joins the two on
-- (pseudonym, org_id), which is unique: one person is one participant of a
-- member.
CREATE FUNCTION project_export_entry(project integer, only_org integer, period_from date, period_to date)
    RETURNS TABLE (pseudonym text, org_id integer, age integer, region text,
                   labour_market_status text, education_level text)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    scope integer := coalesce(only_org, 0);
    k bytea;
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
    SELECT x.secret INTO k FROM export_keys x WHERE x.project_id = project AND x.org_id = scope ORDER BY x.version DESC LIMIT 1;
    RETURN QUERY
    WITH pop AS (
        SELECT DISTINCT ON (e.tenant_id, e.participant_id)
               e.tenant_id, e.participant_id, e.starts_on, e.labour_market_status, e.education_level
        FROM enrolments e
        JOIN subprojects s ON s.id = e.subproject_id AND s.project_id = project
        JOIN project_orgs m ON m.project_id = project AND m.org_id = e.tenant_id
        WHERE (only_org IS NULL OR e.tenant_id = only_org)
          AND e.starts_on <= period_to AND (e.ends_on IS NULL OR e.ends_on >= period_from)
        ORDER BY e.tenant_id, e.participant_id, e.starts_on DESC
    )
    SELECT encode(substr(hmac(convert_to(CASE WHEN p.erased_on IS NULL THEN p.personnummer ELSE 'gallrad:' || p.id END, 'UTF8'), k, 'sha256'), 1, 16), 'hex'),
           pop.tenant_id, extract(year FROM age(pop.starts_on, p.birth_date))::integer,
           CASE WHEN o.kind = 'municipality' AND o.key ~ '^[0-9]{4}$' THEN left(o.key, 2) END,
           pop.labour_market_status, pop.education_level
    FROM pop
    JOIN participants p ON p.tenant_id = pop.tenant_id AND p.id = pop.participant_id
    JOIN orgs o ON o.id = pop.tenant_id;
END
$$;
REVOKE ALL ON FUNCTION project_export_entry(integer, integer, date, date) FROM PUBLIC;
ALTER FUNCTION project_export_entry(integer, integer, date, date) OWNER TO kaa_aggregate;
GRANT EXECUTE ON FUNCTION project_export_entry(integer, integer, date, date) TO kaa_app;
