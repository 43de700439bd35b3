-- The size of one municipality's KAA list at the end of each of the 24 months
-- up to and including the month of as_of. It runs with the caller's rights,
-- so row-level security limits it to the caller's own municipality; the
-- municipality dashboard calls it directly.
CREATE FUNCTION kaa_list_by_month(tenant integer, as_of date)
    RETURNS TABLE (month date, value bigint)
    LANGUAGE sql STABLE SET search_path = public
    AS $$
    WITH months AS (
        SELECT m::date AS month, (m + interval '1 month' - interval '1 day')::date AS last
        FROM generate_series(date_trunc('month', as_of) - interval '23 months', date_trunc('month', as_of), interval '1 month') m
    )
    SELECT months.month, count(DISTINCT e.participant_id)
    FROM months LEFT JOIN enrolments e ON e.tenant_id = tenant AND e.kind = 'kaa' AND e.starts_on <= months.last
         AND (e.ends_on IS NULL OR e.ends_on > months.last)
    GROUP BY months.month ORDER BY months.month
$$;

-- The same for every member municipality of a project, for a user who leads
-- or evaluates it: counts only, through the umbrella's narrow path
-- (SECURITY DEFINER, owned by kaa_aggregate, like project_indicators).
CREATE FUNCTION project_kaa_list(project integer, as_of date)
    RETURNS TABLE (org_id integer, month date, value bigint)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
    AS $$
    SELECT m.org_id, l.month, l.value
    FROM project_orgs m CROSS JOIN LATERAL kaa_list_by_month(m.org_id, as_of) l
    WHERE m.project_id = project
      AND EXISTS (SELECT 1 FROM project_roles r WHERE r.project_id = project AND r.user_id = app_user_id())
$$;
REVOKE ALL ON FUNCTION project_kaa_list(integer, date) FROM PUBLIC;
ALTER FUNCTION project_kaa_list(integer, date) OWNER TO kaa_aggregate;
GRANT EXECUTE ON FUNCTION project_kaa_list(integer, date) TO kaa_app;
