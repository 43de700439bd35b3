-- ESF+ asks, for every participant of a project, their labour-market status
-- and level of education when they started: recorded on the project
-- enrolment, never on a KAA one.
ALTER TABLE enrolments
    ADD COLUMN labour_market_status text CHECK (labour_market_status IN ('unemployed', 'long_term_unemployed', 'inactive', 'employed')),
    ADD COLUMN education_level text CHECK (education_level IN ('isced_0_2', 'isced_3_4', 'isced_5_8')),
    ADD CONSTRAINT enrolments_esf_entry_project_only CHECK (kind = 'project' OR (labour_market_status IS NULL AND education_level IS NULL));

-- The ESF+ common indicators of a project per member and gender ('all' for
-- every gender together): the participants who started in the period, by
-- labour-market status, age and education at entry; the results recorded at
-- exit and six months after in the period. Counts only, through the
-- umbrella's narrow path: SECURITY DEFINER, owned by kaa_aggregate, for the
-- project's leaders and evaluators.
CREATE FUNCTION project_esf_indicators(project integer, period_from date, period_to date)
    RETURNS TABLE (org_id integer, indicator text, gender text, value bigint)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
    AS $$
    WITH members AS (
        SELECT m.org_id FROM project_orgs m
        WHERE m.project_id = project
          AND EXISTS (SELECT 1 FROM project_roles r WHERE r.project_id = project AND r.user_id = app_user_id())
    ),
    entry AS (
        SELECT e.tenant_id, p.gender, e.labour_market_status AS lm, e.education_level AS edu,
               extract(year FROM age(e.starts_on, p.birth_date)) AS age
        FROM enrolments e
        JOIN subprojects s ON s.id = e.subproject_id AND s.project_id = project
        JOIN participants p ON p.tenant_id = e.tenant_id AND p.id = e.participant_id
        WHERE e.tenant_id IN (SELECT org_id FROM members) AND e.starts_on BETWEEN period_from AND period_to
    ),
    result AS (
        SELECT f.tenant_id, p.gender, f.kind, f.esf_job_searching, f.esf_in_education, f.esf_qualification, f.esf_employed
        FROM followups f
        JOIN enrolments e ON e.tenant_id = f.tenant_id AND e.id = f.enrolment_id
        JOIN subprojects s ON s.id = e.subproject_id AND s.project_id = project
        JOIN participants p ON p.tenant_id = f.tenant_id AND p.id = f.participant_id
        WHERE f.tenant_id IN (SELECT org_id FROM members) AND f.done_on BETWEEN period_from AND period_to
    ),
    entry_counts AS (
        SELECT tenant_id, coalesce(gender, 'all') AS gender,
               count(*) AS participants,
               count(*) FILTER (WHERE lm IN ('unemployed', 'long_term_unemployed')) AS unemployed,
               count(*) FILTER (WHERE lm = 'long_term_unemployed') AS long_term_unemployed,
               count(*) FILTER (WHERE lm = 'inactive') AS inactive,
               count(*) FILTER (WHERE lm = 'employed') AS employed,
               count(*) FILTER (WHERE lm IS NULL) AS status_unknown,
               count(*) FILTER (WHERE age < 18) AS under_18,
               count(*) FILTER (WHERE age BETWEEN 18 AND 29) AS age_18_29,
               count(*) FILTER (WHERE age >= 30) AS age_30_plus,
               count(*) FILTER (WHERE edu = 'isced_0_2') AS isced_0_2,
               count(*) FILTER (WHERE edu = 'isced_3_4') AS isced_3_4,
               count(*) FILTER (WHERE edu = 'isced_5_8') AS isced_5_8,
               count(*) FILTER (WHERE edu IS NULL) AS education_unknown
        FROM entry GROUP BY GROUPING SETS ((tenant_id, gender), (tenant_id))
    ),
    result_counts AS (
        SELECT tenant_id, coalesce(gender, 'all') AS gender,
               count(*) FILTER (WHERE kind = 'exit') AS exits,
               count(*) FILTER (WHERE kind = 'exit' AND esf_job_searching) AS job_searching,
               count(*) FILTER (WHERE kind = 'exit' AND esf_in_education) AS in_education,
               count(*) FILTER (WHERE kind = 'exit' AND esf_qualification) AS qualification,
               count(*) FILTER (WHERE kind = 'exit' AND esf_employed) AS employed_at_exit,
               count(*) FILTER (WHERE kind = 'six_months') AS six_months,
               count(*) FILTER (WHERE kind = 'six_months' AND esf_employed) AS employed_six_months
        FROM result GROUP BY GROUPING SETS ((tenant_id, gender), (tenant_id))
    )
    SELECT c.tenant_id, i.indicator, c.gender, i.value FROM entry_counts c
    CROSS JOIN LATERAL (VALUES ('participants', c.participants), ('unemployed', c.unemployed), ('long_term_unemployed', c.long_term_unemployed),
        ('inactive', c.inactive), ('employed', c.employed), ('status_unknown', c.status_unknown), ('under_18', c.under_18),
        ('age_18_29', c.age_18_29), ('age_30_plus', c.age_30_plus), ('isced_0_2', c.isced_0_2), ('isced_3_4', c.isced_3_4),
        ('isced_5_8', c.isced_5_8), ('education_unknown', c.education_unknown)) i(indicator, value)
    UNION ALL
    SELECT c.tenant_id, i.indicator, c.gender, i.value FROM result_counts c
    CROSS JOIN LATERAL (VALUES ('exits', c.exits), ('job_searching', c.job_searching), ('in_education', c.in_education),
        ('qualification', c.qualification), ('employed_at_exit', c.employed_at_exit), ('six_months', c.six_months),
        ('employed_six_months', c.employed_six_months)) i(indicator, value)
$$;
REVOKE ALL ON FUNCTION project_esf_indicators(integer, date, date) FROM PUBLIC;
ALTER FUNCTION project_esf_indicators(integer, date, date) OWNER TO kaa_aggregate;
GRANT EXECUTE ON FUNCTION project_esf_indicators(integer, date, date) TO kaa_app;
