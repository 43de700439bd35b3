-- Back to retention policies without decisions: the decision in force becomes
-- the municipality's policy (the history of decisions is lost).
ALTER TABLE retention_policies ALTER COLUMN kaa_months SET DEFAULT 24,
    ALTER COLUMN project_months SET DEFAULT 120, ALTER COLUMN unenrolled_months SET DEFAULT 6;
INSERT INTO retention_policies (tenant_id, kaa_months, project_months, unenrolled_months)
SELECT DISTINCT ON (tenant_id) tenant_id, kaa_months, project_months, unenrolled_months
FROM retention_decisions ORDER BY tenant_id, recorded_at DESC, id DESC
ON CONFLICT (tenant_id) DO UPDATE SET kaa_months = excluded.kaa_months, project_months = excluded.project_months,
    unenrolled_months = excluded.unenrolled_months;
GRANT INSERT, UPDATE ON retention_policies TO kaa_app;

DROP FUNCTION retention_due(integer, date, integer, integer, integer);
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

CREATE OR REPLACE FUNCTION retention_erase(t integer, today date)
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

DROP TABLE retention_decisions;
