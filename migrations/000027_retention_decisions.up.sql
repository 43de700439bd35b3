-- Gallring follows a recorded decision (gallringsbeslut) of the responsible
-- board, not a default of ours. Each municipality records its decisions
-- here; the newest recorded one is in force and the earlier ones stay as the
-- history (rows are never changed or removed). Without a decision nothing is
-- erased.
CREATE TABLE retention_decisions (
    id                bigint GENERATED ALWAYS AS IDENTITY,
    tenant_id         integer NOT NULL REFERENCES orgs (id),
    -- The decision's diarienummer, its date and the deciding body (nämnd).
    reference         text NOT NULL CHECK (length(btrim(reference)) BETWEEN 1 AND 100),
    decided_on        date NOT NULL,
    decided_by        text NOT NULL CHECK (length(btrim(decided_by)) BETWEEN 1 AND 200),
    -- Months after avregistrering from the KAA register, after a project
    -- enrolment ended, and after identification for someone never registered.
    kaa_months        integer NOT NULL CHECK (kaa_months BETWEEN 1 AND 240),
    project_months    integer NOT NULL CHECK (project_months BETWEEN 1 AND 240),
    unenrolled_months integer NOT NULL CHECK (unenrolled_months BETWEEN 1 AND 240),
    recorded_by       integer REFERENCES users (id),
    recorded_at       timestamptz NOT NULL DEFAULT now(),
    CHECK (decided_on <= (recorded_at AT TIME ZONE 'Europe/Stockholm')::date),
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX retention_decisions_current ON retention_decisions (tenant_id, recorded_at DESC, id DESC);
ALTER TABLE retention_decisions ENABLE ROW LEVEL SECURITY;
ALTER TABLE retention_decisions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON retention_decisions USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
GRANT SELECT, INSERT ON retention_decisions TO kaa_app;
GRANT SELECT ON retention_decisions TO kaa_retention;

-- The times an administrator saved before decisions existed had no
-- reference: they are not taken as a decision and erase nothing. They stay
-- in retention_policies, read only, to fill in the form for the first
-- decision and for the report of what they would erase.
REVOKE INSERT, UPDATE ON retention_policies FROM kaa_app;
ALTER TABLE retention_policies ALTER COLUMN kaa_months DROP DEFAULT,
    ALTER COLUMN project_months DROP DEFAULT, ALTER COLUMN unenrolled_months DROP DEFAULT;

-- Whose data is due as of today under the given months (invoker's rights).
DROP FUNCTION retention_due(integer, date);
CREATE FUNCTION retention_due(t integer, today date, kaa integer, project integer, unenrolled integer)
    RETURNS TABLE (participant_id bigint, rule text)
    LANGUAGE sql STABLE AS $$
    SELECT p.id,
           CASE WHEN e.n = 0 THEN 'unenrolled' WHEN e.project_end IS NOT NULL THEN 'project' ELSE 'kaa' END
    FROM participants p
    CROSS JOIN LATERAL (
        SELECT count(*) AS n, count(*) FILTER (WHERE x.ends_on IS NULL) AS open,
               max(x.ends_on) FILTER (WHERE x.kind = 'kaa') AS kaa_end, max(x.ends_on) FILTER (WHERE x.kind = 'project') AS project_end
        FROM enrolments x WHERE x.tenant_id = t AND x.participant_id = p.id) e
    WHERE p.tenant_id = t AND p.erased_on IS NULL
      AND ((e.n = 0 AND p.identified_on < today - make_interval(months => unenrolled))
        OR (e.n > 0 AND e.open = 0
            AND (e.kaa_end IS NULL OR e.kaa_end < today - make_interval(months => kaa))
            AND (e.project_end IS NULL OR e.project_end < today - make_interval(months => project))))
$$;
GRANT EXECUTE ON FUNCTION retention_due(integer, date, integer, integer, integer) TO kaa_app, kaa_retention;

-- Erase, in the municipality app.tenant_id names, everyone due as of today
-- under its gallringsbeslut in force. Without a decision it erases nothing,
-- whoever calls it. Returns the people erased per rule.
CREATE OR REPLACE FUNCTION retention_erase(t integer, today date)
    RETURNS TABLE (rule text, people bigint)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
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
