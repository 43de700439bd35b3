-- How many people each member of a project has had in the project's
-- sub-projects from period_from to period_to: only that count, for the
-- umbrella's comparison with the planned participants over the project's
-- life, without computing every indicator of project_indicators over years.
-- Same narrow path: SECURITY DEFINER, owned by kaa_aggregate, answering only
-- the project's leaders and evaluators.
CREATE FUNCTION project_participants(project integer, period_from date, period_to date)
    RETURNS TABLE (org_id integer, value bigint)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
    AS $$
    SELECT m.org_id, count(DISTINCT e.participant_id)
    FROM project_orgs m
    LEFT JOIN subprojects s ON s.project_id = project AND s.org_id = m.org_id
    LEFT JOIN enrolments e ON e.tenant_id = m.org_id AND e.subproject_id = s.id
         AND e.starts_on <= period_to AND (e.ends_on IS NULL OR e.ends_on >= period_from)
    WHERE m.project_id = project
      AND EXISTS (SELECT 1 FROM project_roles r WHERE r.project_id = project AND r.user_id = app_user_id())
    GROUP BY m.org_id
$$;
REVOKE ALL ON FUNCTION project_participants(integer, date, date) FROM PUBLIC;
ALTER FUNCTION project_participants(integer, date, date) OWNER TO kaa_aggregate;
GRANT EXECUTE ON FUNCTION project_participants(integer, date, date) TO kaa_app;
