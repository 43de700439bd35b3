-- What the dashboards read instead of a municipality's whole contact log.
--
-- 1. Each person's first contact attempt and first reached contact, kept
--    beside last_contact_at by refresh_participants, which the contact and
--    amendment triggers already call: the medians from identification to
--    first contact read one row a person.
ALTER TABLE participants ADD COLUMN first_contact_at timestamptz, ADD COLUMN first_reached_at timestamptz;

CREATE OR REPLACE FUNCTION refresh_participants(t integer, ids bigint[]) RETURNS void
    LANGUAGE sql AS $$
    UPDATE participants p SET
        last_contact_at = s.last_at,
        first_contact_at = s.first_at,
        first_reached_at = s.first_reached,
        ever_reached = s.first_reached IS NOT NULL,
        enrolments = (SELECT count(*) FROM enrolments e WHERE e.tenant_id = t AND e.participant_id = p.id),
        open_enrolments = (SELECT count(*) FROM enrolments e WHERE e.tenant_id = t AND e.participant_id = p.id AND e.ends_on IS NULL)
    FROM unnest(ids) i(id)
    CROSS JOIN LATERAL (
        SELECT max(c.occurred_at) AS last_at, min(c.occurred_at) AS first_at, min(c.occurred_at) FILTER (WHERE c.reached) AS first_reached
        FROM contacts_effective c WHERE c.tenant_id = t AND c.participant_id = i.id) s
    WHERE p.tenant_id = t AND p.id = i.id
$$;

-- The owner is bound by row-level security too (FORCE): fill the new
-- columns one municipality at a time, as that municipality.
DO $$
DECLARE t integer;
BEGIN
    FOR t IN SELECT id FROM orgs WHERE kind = 'municipality' ORDER BY id LOOP
        PERFORM set_config('app.tenant_id', t::text, true);
        UPDATE participants p SET first_contact_at = s.first_at, first_reached_at = s.first_reached
        FROM (SELECT c.participant_id, min(c.occurred_at) AS first_at, min(c.occurred_at) FILTER (WHERE c.reached) AS first_reached
              FROM contacts_effective c WHERE c.tenant_id = t GROUP BY c.participant_id) s
        WHERE p.tenant_id = t AND p.id = s.participant_id;
    END LOOP;
    PERFORM set_config('app.tenant_id', '', true);
END
$$;

-- The people of a sub-project, found from the sub-project.
CREATE INDEX enrolments_subproject_idx ON enrolments (tenant_id, subproject_id) WHERE subproject_id IS NOT NULL;

-- 2. The contacts of a period, found through an index on the time they
--    happened. A contact carries whether it has been amended (set when its
--    first amendment is added), so that the many never amended are found by
--    their own time and the few amended ones by the time their latest
--    amendment gives, without asking the amendments about every contact.
ALTER TABLE contacts ADD COLUMN amended boolean NOT NULL DEFAULT false;
CREATE INDEX contacts_time_idx ON contacts (tenant_id, occurred_at);
CREATE INDEX contacts_amended_idx ON contacts (tenant_id, participant_id) WHERE amended;

-- The original of an amended contact still cannot change; only the mark
-- that it has been amended may be set.
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

CREATE FUNCTION mark_amended() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE contacts c SET amended = true
    FROM (SELECT DISTINCT tenant_id, contact_id FROM new_rows) n
    WHERE c.tenant_id = n.tenant_id AND c.id = n.contact_id AND NOT c.amended;
    RETURN NULL;
END $$;
CREATE TRIGGER mark_amended AFTER INSERT ON contact_amendments REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION mark_amended();

DO $$
DECLARE t integer;
BEGIN
    FOR t IN SELECT id FROM orgs WHERE kind = 'municipality' ORDER BY id LOOP
        PERFORM set_config('app.tenant_id', t::text, true);
        UPDATE contacts c SET amended = true
        WHERE c.tenant_id = t AND c.id IN (SELECT a.contact_id FROM contact_amendments a WHERE a.tenant_id = t);
    END LOOP;
    PERFORM set_config('app.tenant_id', '', true);
END
$$;

-- contacts_between gives the same rows as filtering contacts_effective on
-- the Swedish date from period_from to period_to, and
-- participant_contacts_between those of one person. Both run with the
-- caller's rights, so row-level security still decides what they see, and
-- PostgreSQL inlines them into the query that calls them.
CREATE FUNCTION contacts_between(t integer, period_from date, period_to date)
    RETURNS SETOF contacts_effective
    LANGUAGE sql STABLE AS $$
    SELECT c.tenant_id, c.id, c.participant_id, c.occurred_at, c.channel, c.direction, c.reached, c.method, c.note,
           c.created_by, c.created_at, false, c.occupation
    FROM contacts c
    WHERE c.tenant_id = t AND NOT c.amended
      AND c.occurred_at >= period_from::timestamp AT TIME ZONE 'Europe/Stockholm'
      AND c.occurred_at < (period_to + 1)::timestamp AT TIME ZONE 'Europe/Stockholm'
    UNION ALL
    SELECT c.tenant_id, c.id, c.participant_id, a.occurred_at, a.channel, a.direction, a.reached, a.method, a.note,
           c.created_by, c.created_at, true, a.occupation
    FROM contacts c
    CROSS JOIN LATERAL (SELECT * FROM contact_amendments x WHERE x.tenant_id = t AND x.contact_id = c.id ORDER BY x.id DESC LIMIT 1) a
    WHERE c.tenant_id = t AND c.amended
      AND (a.occurred_at AT TIME ZONE 'Europe/Stockholm')::date BETWEEN period_from AND period_to
$$;
CREATE FUNCTION participant_contacts_between(t integer, participant bigint, period_from date, period_to date)
    RETURNS SETOF contacts_effective
    LANGUAGE sql STABLE AS $$
    -- contacts_between's two halves with the person in each, so that both
    -- reach the contacts through the person's own index.
    SELECT c.tenant_id, c.id, c.participant_id, c.occurred_at, c.channel, c.direction, c.reached, c.method, c.note,
           c.created_by, c.created_at, false, c.occupation
    FROM contacts c
    WHERE c.tenant_id = t AND c.participant_id = participant AND NOT c.amended
      AND c.occurred_at >= period_from::timestamp AT TIME ZONE 'Europe/Stockholm'
      AND c.occurred_at < (period_to + 1)::timestamp AT TIME ZONE 'Europe/Stockholm'
    UNION ALL
    SELECT c.tenant_id, c.id, c.participant_id, a.occurred_at, a.channel, a.direction, a.reached, a.method, a.note,
           c.created_by, c.created_at, true, a.occupation
    FROM contacts c
    CROSS JOIN LATERAL (SELECT * FROM contact_amendments x WHERE x.tenant_id = t AND x.contact_id = c.id ORDER BY x.id DESC LIMIT 1) a
    WHERE c.tenant_id = t AND c.participant_id = participant AND c.amended
      AND (a.occurred_at AT TIME ZONE 'Europe/Stockholm')::date BETWEEN period_from AND period_to
$$;
GRANT EXECUTE ON FUNCTION contacts_between(integer, date, date), participant_contacts_between(integer, bigint, date, date) TO kaa_app, kaa_aggregate;

-- 3. The KAA list at the end of each month in one pass over the
--    municipality's KAA enrolments: each adds one from the month it starts
--    and takes it away from the month it ends, and a running sum gives the
--    list at each month's end (an enrolment ending on a month's last day is
--    off that month's list, as before).
CREATE OR REPLACE FUNCTION kaa_list_by_month(tenant integer, as_of date)
    RETURNS TABLE (month date, value bigint)
    LANGUAGE sql STABLE SET search_path = public
    AS $$
    WITH first AS (SELECT (date_trunc('month', as_of) - interval '23 months')::date AS month),
    steps AS (
        SELECT greatest(date_trunc('month', e.starts_on)::date, first.month) AS month, 1 AS step
        FROM enrolments e, first
        WHERE e.tenant_id = tenant AND e.kind = 'kaa' AND (e.ends_on IS NULL OR e.ends_on >= first.month + interval '1 month')
        UNION ALL
        SELECT date_trunc('month', e.ends_on)::date, -1
        FROM enrolments e, first
        WHERE e.tenant_id = tenant AND e.kind = 'kaa' AND e.ends_on >= first.month + interval '1 month'
    ),
    per_month AS (SELECT s.month, sum(s.step) AS step FROM steps s GROUP BY s.month)
    SELECT m::date, coalesce(sum(p.step) FILTER (WHERE p.month <= m), 0)::bigint
    FROM first, generate_series(first.month, date_trunc('month', as_of), interval '1 month') m
    LEFT JOIN per_month p ON p.month <= m
    GROUP BY m ORDER BY m
$$;

-- 4. The umbrella's indicators from the same roll-ups: the period's contacts
--    through contacts_between, member by member, and the first contacts
--    from the participants' own columns. Same narrow path, same answers.
CREATE OR REPLACE FUNCTION project_indicators(project integer, period_from date, period_to date)
    RETURNS TABLE (org_id integer, indicator text, value bigint)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
    AS $$
    WITH allowed AS (
        SELECT 1 FROM project_roles r WHERE r.project_id = project AND r.user_id = app_user_id()
    ),
    members AS (
        SELECT m.org_id FROM project_orgs m WHERE m.project_id = project AND EXISTS (SELECT 1 FROM allowed)
    ),
    -- The people of the project in the period: enrolled in one of its sub-projects.
    pop AS (
        SELECT DISTINCT e.tenant_id, e.participant_id
        FROM members m JOIN subprojects s ON s.org_id = m.org_id AND s.project_id = project
        JOIN enrolments e ON e.tenant_id = s.org_id AND e.subproject_id = s.id
        WHERE true
          AND e.starts_on <= period_to AND (e.ends_on IS NULL OR e.ends_on >= period_from)
    ),
    contact AS (
        SELECT c.tenant_id, c.participant_id, c.channel, c.reached, c.occupation
        FROM pop CROSS JOIN LATERAL participant_contacts_between(pop.tenant_id, pop.participant_id, period_from, period_to) c
    ),
    -- Everyone of the population once, with whether they were contacted and
    -- reached in the period: an aggregate rather than a join, so that the
    -- plan cannot loop over the contacts once a person.
    touched AS (
        SELECT x.tenant_id, x.participant_id, bool_or(x.contacted) AS contacted, bool_or(x.reached) AS reached
        FROM (SELECT pop.tenant_id, pop.participant_id, false AS contacted, false AS reached FROM pop
              UNION ALL SELECT c.tenant_id, c.participant_id, true, c.reached FROM contact c) x
        GROUP BY x.tenant_id, x.participant_id
    ),
    person AS (
        SELECT t.tenant_id, t.participant_id, p.gender, p.identified_on, t.contacted, t.reached, p.has_plan AS with_plan,
               (p.first_contact_at AT TIME ZONE 'Europe/Stockholm')::date - p.identified_on AS attempt_days,
               (p.first_reached_at AT TIME ZONE 'Europe/Stockholm')::date - p.identified_on AS reached_days
        FROM touched t JOIN participants p ON p.tenant_id = t.tenant_id AND p.id = t.participant_id
    ),
    -- Days from identification to the first attempt and the first reached contact.
    firsts AS (
        SELECT tenant_id, attempt_days, reached_days FROM person WHERE identified_on BETWEEN period_from AND period_to
    ),
    -- The follow-ups of the period, person by person through their index.
    followup AS (
        SELECT person.tenant_id, person.gender, f.kind, f.occupation,
               f.survey_long_term_goal, f.survey_clear_plan, f.survey_respect, f.survey_no_barrier
        FROM person CROSS JOIN LATERAL (
            SELECT * FROM followups f
            WHERE f.tenant_id = person.tenant_id AND f.participant_id = person.participant_id
              AND f.done_on BETWEEN period_from AND period_to) f
    ),
    outcome AS (
        SELECT f.tenant_id, f.kind, f.occupation, f.gender FROM followup f
    ),
    survey AS (
        SELECT f.tenant_id, f.gender, q.question, q.answer
        FROM followup f
        CROSS JOIN LATERAL (VALUES ('long_term_goal', f.survey_long_term_goal), ('clear_plan', f.survey_clear_plan),
                                   ('respect', f.survey_respect), ('no_barrier', f.survey_no_barrier)) q(question, answer)
        WHERE f.kind = 'exit' AND f.gender IN ('woman', 'man')
    )
    -- Each indicator in one pass over its rows, grouped by municipality (a
    -- municipality without rows has no row: a count of zero).
    SELECT s.tenant_id, x.indicator, x.value FROM (
        SELECT tenant_id, count(*) AS n, count(*) FILTER (WHERE identified_on BETWEEN period_from AND period_to) AS identified,
               count(*) FILTER (WHERE contacted) AS contacted, count(*) FILTER (WHERE reached) AS reached,
               count(*) FILTER (WHERE with_plan) AS with_plan,
               count(*) FILTER (WHERE gender = 'woman') AS woman, count(*) FILTER (WHERE gender = 'man') AS man,
               count(*) FILTER (WHERE gender = 'non_binary') AS non_binary, count(*) FILTER (WHERE gender = 'not_stated') AS not_stated
        FROM person GROUP BY tenant_id) s
    CROSS JOIN LATERAL (VALUES ('participants', s.n), ('identified', s.identified), ('contacted', s.contacted), ('reached', s.reached),
                               ('with_plan', s.with_plan), ('gender_woman', s.woman), ('gender_man', s.man),
                               ('gender_non_binary', s.non_binary), ('gender_not_stated', s.not_stated)) x(indicator, value)
    UNION ALL
    SELECT s.tenant_id, x.indicator, x.value FROM (
        SELECT tenant_id, count(*) AS n, count(*) FILTER (WHERE occupation = 'unknown') AS unknown FROM contact GROUP BY tenant_id) s
    CROSS JOIN LATERAL (VALUES ('contacts', s.n), ('contacts_unknown', s.unknown)) x(indicator, value)
    UNION ALL
    SELECT s.tenant_id, x.indicator, x.value FROM (
        SELECT tenant_id, channel, count(*) AS attempts, count(*) FILTER (WHERE reached) AS reached FROM contact GROUP BY tenant_id, channel) s
    CROSS JOIN LATERAL (VALUES ('channel_' || s.channel || '_attempts', s.attempts), ('channel_' || s.channel || '_reached', s.reached)) x(indicator, value)
    UNION ALL
    SELECT tenant_id, 'outcome_' || kind || '_' || occupation || '_' || gender, count(*) FROM outcome GROUP BY tenant_id, kind, occupation, gender
    UNION ALL
    -- A median of fewer than five people would describe them too closely: left out.
    SELECT s.tenant_id, x.indicator, x.value FROM (
        SELECT tenant_id, count(attempt_days) AS attempts, percentile_disc(0.5) WITHIN GROUP (ORDER BY attempt_days)::bigint AS attempt,
               count(reached_days) AS reaches, percentile_disc(0.5) WITHIN GROUP (ORDER BY reached_days)::bigint AS reach
        FROM firsts GROUP BY tenant_id) s
    CROSS JOIN LATERAL (VALUES ('median_attempt_days', CASE WHEN s.attempts >= 5 THEN s.attempt END),
                               ('median_reached_days', CASE WHEN s.reaches >= 5 THEN s.reach END)) x(indicator, value)
    WHERE x.value IS NOT NULL
    UNION ALL
    SELECT s.tenant_id, x.indicator, x.value FROM (
        SELECT tenant_id, question, gender, count(*) FILTER (WHERE answer = 'yes') AS yes, count(*) FILTER (WHERE answer IN ('yes', 'no')) AS answered
        FROM survey GROUP BY tenant_id, question, gender) s
    CROSS JOIN LATERAL (VALUES ('survey_' || s.question || '_' || s.gender || '_yes', s.yes),
                               ('survey_' || s.question || '_' || s.gender || '_answered', s.answered)) x(indicator, value)
$$;
