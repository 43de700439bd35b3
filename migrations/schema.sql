-- The schema after every migration (up to 000051), as pg_dump of PostgreSQL 15
-- prints it (--schema-only, with grants, row-level security policies and the
-- owners other than the migrating role), normalised. Written by
-- `make schema` from a freshly migrated database: do not edit it by hand.
-- A new migration that changes a function says only what changes: it starts
-- from the function's body here, and its down file restores that body by
-- copying it from here (docs/architecture.md, "Migrations and
-- migrations/schema.sql").

-- Name: sv; Type: COLLATION; Schema: public

CREATE COLLATION public.sv (provider = icu, locale = 'sv-SE');

-- Name: btree_gin; Type: EXTENSION; Schema: -

CREATE EXTENSION IF NOT EXISTS btree_gin WITH SCHEMA public;

-- Name: EXTENSION btree_gin; Type: COMMENT; Schema: -

COMMENT ON EXTENSION btree_gin IS 'support for indexing common datatypes in GIN';

-- Name: pgcrypto; Type: EXTENSION; Schema: -

CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public;

-- Name: EXTENSION pgcrypto; Type: COMMENT; Schema: -

COMMENT ON EXTENSION pgcrypto IS 'cryptographic functions';

-- Name: app_tenant_id(); Type: FUNCTION; Schema: public

CREATE FUNCTION public.app_tenant_id() RETURNS integer
    LANGUAGE sql STABLE
    AS $$ SELECT NULLIF(current_setting('app.tenant_id', true), '')::integer $$;

-- Name: app_user_id(); Type: FUNCTION; Schema: public

CREATE FUNCTION public.app_user_id() RETURNS integer
    LANGUAGE sql STABLE
    AS $$ SELECT NULLIF(current_setting('app.user_id', true), '')::integer $$;

-- Name: audit_chain(); Type: FUNCTION; Schema: public

CREATE FUNCTION public.audit_chain() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    last record;
    audit_key bytea := decode(nullif(current_setting('kaa.audit_key', true), ''), 'base64');
BEGIN
    IF audit_key IS NULL THEN
        RAISE EXCEPTION 'audit_events: this connection has no audit key'
            USING HINT = 'The program sets kaa.audit_key from KAA_AUDIT_KEY; see docs/operations.md.';
    END IF;
    PERFORM pg_advisory_xact_lock(1096, NEW.tenant_id);
    SELECT a.seq, a.hash INTO last FROM audit_events a WHERE a.tenant_id = NEW.tenant_id ORDER BY a.seq DESC LIMIT 1;
    NEW.seq := coalesce(last.seq, 0) + 1;
    NEW.prev_hash := last.hash;
    NEW.key_id := encode(substr(sha256(convert_to('kaa audit key id:', 'UTF8') || audit_key), 1, 4), 'hex');
    NEW.hash := hmac(audit_message(NEW), audit_key, 'sha256');
    RETURN NEW;
END
$$;

-- Name: audit_events; Type: TABLE; Schema: public

CREATE TABLE public.audit_events (
    tenant_id integer NOT NULL,
    id bigint NOT NULL,
    at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    user_id integer,
    action text NOT NULL,
    record_type text DEFAULT ''::text NOT NULL,
    record_id text DEFAULT ''::text NOT NULL,
    request_id text DEFAULT ''::text NOT NULL,
    client_addr text DEFAULT ''::text NOT NULL,
    detail jsonb DEFAULT '{}'::jsonb NOT NULL,
    seq bigint NOT NULL,
    prev_hash bytea,
    hash bytea NOT NULL,
    key_id text,
    CONSTRAINT audit_events_action_check CHECK ((action ~ '^[a-z_]+\.[a-z_]+$'::text))
);

ALTER TABLE ONLY public.audit_events FORCE ROW LEVEL SECURITY;

-- Name: audit_hash(public.audit_events); Type: FUNCTION; Schema: public

CREATE FUNCTION public.audit_hash(a public.audit_events) RETURNS bytea
    LANGUAGE sql STABLE
    AS $$
    SELECT sha256(coalesce(a.prev_hash, '\x'::bytea) || convert_to(concat_ws(E'\x1f',
        a.tenant_id, a.seq, a.id, to_char(a.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'),
        coalesce(a.user_id::text, ''), a.action, a.record_type, a.record_id, a.request_id, a.client_addr,
        a.detail::text), 'UTF8'))
$$;

-- Name: audit_message(public.audit_events); Type: FUNCTION; Schema: public

CREATE FUNCTION public.audit_message(a public.audit_events) RETURNS bytea
    LANGUAGE sql STABLE
    AS $$
    SELECT coalesce(a.prev_hash, '\x'::bytea) || convert_to(concat_ws(E'\x1f',
        a.tenant_id, a.seq, a.id, to_char(a.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'),
        coalesce(a.user_id::text, ''), a.action, a.record_type, a.record_id, a.request_id, a.client_addr,
        a.detail::text), 'UTF8')
$$;

-- Name: contact_amendments; Type: TABLE; Schema: public

CREATE TABLE public.contact_amendments (
    tenant_id integer NOT NULL,
    id bigint NOT NULL,
    contact_id bigint NOT NULL,
    occurred_at timestamp with time zone NOT NULL,
    channel text NOT NULL,
    direction text NOT NULL,
    reached boolean NOT NULL,
    method text NOT NULL,
    note text NOT NULL,
    reason text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by integer NOT NULL,
    occupation text DEFAULT 'unknown'::text NOT NULL,
    party text DEFAULT 'young_person'::text NOT NULL,
    CONSTRAINT contact_amendments_channel_check CHECK ((channel = ANY (ARRAY['sms'::text, 'phone'::text, 'social_media'::text, 'email'::text, 'letter'::text, 'home_visit'::text, 'meeting_office'::text, 'meeting_school'::text, 'meeting_other'::text]))),
    CONSTRAINT contact_amendments_direction_check CHECK ((direction = ANY (ARRAY['outgoing'::text, 'incoming'::text]))),
    CONSTRAINT contact_amendments_method_check CHECK ((method = ANY (ARRAY[''::text, 'mi'::text, 'coaching'::text, 'solution_focused'::text, '7tjugo'::text, 'other'::text]))),
    CONSTRAINT contact_amendments_note_check CHECK ((length(note) <= 2000)),
    CONSTRAINT contact_amendments_occupation_check CHECK ((occupation = ANY (ARRAY['national_programme'::text, 'introduction_programme'::text, 'komvux'::text, 'folkhogskola'::text, 'studies_other'::text, 'work'::text, 'work_placement'::text, 'arbetsformedlingen'::text, 'municipal_measure'::text, 'no_activity'::text, 'not_reachable'::text, 'moved'::text, 'unknown'::text]))),
    CONSTRAINT contact_amendments_party_check CHECK ((party = ANY (ARRAY['young_person'::text, 'guardian'::text, 'school'::text, 'other_actor'::text]))),
    CONSTRAINT contact_amendments_reached_party_check CHECK (((NOT reached) OR (party = 'young_person'::text))),
    CONSTRAINT contact_amendments_reason_check CHECK (((length(reason) >= 1) AND (length(reason) <= 500)))
);

ALTER TABLE ONLY public.contact_amendments FORCE ROW LEVEL SECURITY;

-- Name: contacts; Type: TABLE; Schema: public

CREATE TABLE public.contacts (
    tenant_id integer NOT NULL,
    id bigint NOT NULL,
    participant_id bigint NOT NULL,
    occurred_at timestamp with time zone NOT NULL,
    channel text NOT NULL,
    direction text NOT NULL,
    reached boolean NOT NULL,
    method text DEFAULT ''::text NOT NULL,
    note text DEFAULT ''::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by integer NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    occupation text DEFAULT 'unknown'::text NOT NULL,
    amended boolean DEFAULT false NOT NULL,
    party text DEFAULT 'young_person'::text NOT NULL,
    CONSTRAINT contacts_channel_check CHECK ((channel = ANY (ARRAY['sms'::text, 'phone'::text, 'social_media'::text, 'email'::text, 'letter'::text, 'home_visit'::text, 'meeting_office'::text, 'meeting_school'::text, 'meeting_other'::text]))),
    CONSTRAINT contacts_direction_check CHECK ((direction = ANY (ARRAY['outgoing'::text, 'incoming'::text]))),
    CONSTRAINT contacts_method_check CHECK ((method = ANY (ARRAY[''::text, 'mi'::text, 'coaching'::text, 'solution_focused'::text, '7tjugo'::text, 'other'::text]))),
    CONSTRAINT contacts_note_check CHECK ((length(note) <= 2000)),
    CONSTRAINT contacts_occupation_check CHECK ((occupation = ANY (ARRAY['national_programme'::text, 'introduction_programme'::text, 'komvux'::text, 'folkhogskola'::text, 'studies_other'::text, 'work'::text, 'work_placement'::text, 'arbetsformedlingen'::text, 'municipal_measure'::text, 'no_activity'::text, 'not_reachable'::text, 'moved'::text, 'unknown'::text]))),
    CONSTRAINT contacts_party_check CHECK ((party = ANY (ARRAY['young_person'::text, 'guardian'::text, 'school'::text, 'other_actor'::text]))),
    CONSTRAINT contacts_reached_party_check CHECK (((NOT reached) OR (party = 'young_person'::text)))
);

ALTER TABLE ONLY public.contacts FORCE ROW LEVEL SECURITY;

-- Name: contacts_effective; Type: VIEW; Schema: public

CREATE VIEW public.contacts_effective WITH (security_invoker='true') AS
 SELECT c.tenant_id,
    c.id,
    c.participant_id,
    COALESCE(a.occurred_at, c.occurred_at) AS occurred_at,
    COALESCE(a.channel, c.channel) AS channel,
    COALESCE(a.direction, c.direction) AS direction,
    COALESCE(a.reached, c.reached) AS reached,
    COALESCE(a.method, c.method) AS method,
    COALESCE(a.note, c.note) AS note,
    c.created_by,
    c.created_at,
    (a.id IS NOT NULL) AS amended,
    COALESCE(a.occupation, c.occupation) AS occupation,
    COALESCE(a.party, c.party) AS party
   FROM (public.contacts c
     LEFT JOIN ( SELECT DISTINCT ON (x.tenant_id, x.contact_id) x.tenant_id,
            x.id,
            x.contact_id,
            x.occurred_at,
            x.channel,
            x.direction,
            x.reached,
            x.method,
            x.note,
            x.reason,
            x.created_at,
            x.created_by,
            x.occupation,
            x.party
           FROM public.contact_amendments x
          ORDER BY x.tenant_id, x.contact_id, x.id DESC) a ON (((a.tenant_id = c.tenant_id) AND (a.contact_id = c.id))));

-- Name: contacts_between(integer, date, date); Type: FUNCTION; Schema: public

CREATE FUNCTION public.contacts_between(t integer, period_from date, period_to date) RETURNS SETOF public.contacts_effective
    LANGUAGE sql STABLE
    AS $$
    SELECT c.tenant_id, c.id, c.participant_id, c.occurred_at, c.channel, c.direction, c.reached, c.method, c.note,
           c.created_by, c.created_at, false, c.occupation, c.party
    FROM contacts c
    WHERE c.tenant_id = t AND NOT c.amended
      AND c.occurred_at >= period_from::timestamp AT TIME ZONE 'Europe/Stockholm'
      AND c.occurred_at < (period_to + 1)::timestamp AT TIME ZONE 'Europe/Stockholm'
    UNION ALL
    SELECT c.tenant_id, c.id, c.participant_id, a.occurred_at, a.channel, a.direction, a.reached, a.method, a.note,
           c.created_by, c.created_at, true, a.occupation, a.party
    FROM contacts c
    CROSS JOIN LATERAL (SELECT * FROM contact_amendments x WHERE x.tenant_id = t AND x.contact_id = c.id ORDER BY x.id DESC LIMIT 1) a
    WHERE c.tenant_id = t AND c.amended
      AND (a.occurred_at AT TIME ZONE 'Europe/Stockholm')::date BETWEEN period_from AND period_to
$$;

-- Name: contacts_keep_amended_original(); Type: FUNCTION; Schema: public

CREATE FUNCTION public.contacts_keep_amended_original() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
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

-- Name: idp_directory(); Type: FUNCTION; Schema: public; Owner: kaa_aggregate

CREATE FUNCTION public.idp_directory() RETURNS TABLE(tenant_id integer, org_key text, org_name text, id bigint, name text, domains text[])
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'public'
    AS $$
    SELECT p.tenant_id, o.key, o.name, p.id, p.name, p.domains
    FROM identity_providers p JOIN orgs o ON o.id = p.tenant_id ORDER BY o.name, p.name
$$;

ALTER FUNCTION public.idp_directory() OWNER TO kaa_aggregate;

-- Name: idp_passwords_refused(integer); Type: FUNCTION; Schema: public; Owner: kaa_aggregate

CREATE FUNCTION public.idp_passwords_refused(uid integer) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'public'
    AS $$
    SELECT EXISTS (SELECT 1 FROM memberships m JOIN identity_providers p ON p.tenant_id = m.tenant_id
                   WHERE m.user_id = uid AND NOT p.passwords_allowed)
$$;

ALTER FUNCTION public.idp_passwords_refused(uid integer) OWNER TO kaa_aggregate;

-- Name: kaa_list_by_month(integer, date); Type: FUNCTION; Schema: public

CREATE FUNCTION public.kaa_list_by_month(tenant integer, as_of date) RETURNS TABLE(month date, value bigint)
    LANGUAGE sql STABLE
    SET search_path TO 'public'
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

-- Name: mark_amended(); Type: FUNCTION; Schema: public

CREATE FUNCTION public.mark_amended() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    UPDATE contacts c SET amended = true
    FROM (SELECT DISTINCT tenant_id, contact_id FROM new_rows) n
    WHERE c.tenant_id = n.tenant_id AND c.id = n.contact_id AND NOT c.amended;
    RETURN NULL;
END $$;

-- Name: memberships_no_system_admin(); Type: FUNCTION; Schema: public

CREATE FUNCTION public.memberships_no_system_admin() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'public'
    AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM users WHERE id = NEW.user_id AND is_system_admin) THEN
        RAISE EXCEPTION 'a system administrator cannot hold a role in an organisation'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;

-- Name: org_admin_counts(); Type: FUNCTION; Schema: public; Owner: kaa_aggregate

CREATE FUNCTION public.org_admin_counts() RETURNS TABLE(org_id integer, admins bigint)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'public'
    AS $$
        SELECT m.tenant_id, count(*) FROM memberships m
        JOIN users u ON u.id = m.user_id AND u.active
        WHERE m.role = 'municipality_admin' GROUP BY m.tenant_id
    $$;

ALTER FUNCTION public.org_admin_counts() OWNER TO kaa_aggregate;

-- Name: own_password_hash(integer); Type: FUNCTION; Schema: public; Owner: kaa_credentials

CREATE FUNCTION public.own_password_hash(uid integer) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'public'
    AS $$ SELECT u.password_hash FROM users u WHERE u.id = uid AND uid = app_user_id() $$;

ALTER FUNCTION public.own_password_hash(uid integer) OWNER TO kaa_credentials;

-- Name: own_totp_secret(integer); Type: FUNCTION; Schema: public; Owner: kaa_credentials

CREATE FUNCTION public.own_totp_secret(uid integer) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'public'
    AS $$ SELECT u.totp_secret FROM users u WHERE u.id = uid AND uid = app_user_id() AND u.active $$;

ALTER FUNCTION public.own_totp_secret(uid integer) OWNER TO kaa_credentials;

-- Name: participant_contacts_between(integer, bigint, date, date); Type: FUNCTION; Schema: public

CREATE FUNCTION public.participant_contacts_between(t integer, participant bigint, period_from date, period_to date) RETURNS SETOF public.contacts_effective
    LANGUAGE sql STABLE
    AS $$
    -- contacts_between's two halves with the person in each, so that both
    -- reach the contacts through the person's own index.
    SELECT c.tenant_id, c.id, c.participant_id, c.occurred_at, c.channel, c.direction, c.reached, c.method, c.note,
           c.created_by, c.created_at, false, c.occupation, c.party
    FROM contacts c
    WHERE c.tenant_id = t AND c.participant_id = participant AND NOT c.amended
      AND c.occurred_at >= period_from::timestamp AT TIME ZONE 'Europe/Stockholm'
      AND c.occurred_at < (period_to + 1)::timestamp AT TIME ZONE 'Europe/Stockholm'
    UNION ALL
    SELECT c.tenant_id, c.id, c.participant_id, a.occurred_at, a.channel, a.direction, a.reached, a.method, a.note,
           c.created_by, c.created_at, true, a.occupation, a.party
    FROM contacts c
    CROSS JOIN LATERAL (SELECT * FROM contact_amendments x WHERE x.tenant_id = t AND x.contact_id = c.id ORDER BY x.id DESC LIMIT 1) a
    WHERE c.tenant_id = t AND c.participant_id = participant AND c.amended
      AND (a.occurred_at AT TIME ZONE 'Europe/Stockholm')::date BETWEEN period_from AND period_to
$$;

-- Name: participant_status(integer, integer, boolean, boolean, boolean); Type: FUNCTION; Schema: public

CREATE FUNCTION public.participant_status(enrolments integer, open_enrolments integer, has_plan boolean, ever_reached boolean, contacted boolean) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT CASE WHEN enrolments > 0 AND open_enrolments = 0 THEN 'ended'
                WHEN has_plan THEN 'active_plan'
                WHEN ever_reached THEN 'in_contact'
                WHEN contacted THEN 'contact_attempted'
                ELSE 'identified' END
$$;

-- Name: project_esf_indicators(integer, date, date); Type: FUNCTION; Schema: public; Owner: kaa_aggregate

CREATE FUNCTION public.project_esf_indicators(project integer, period_from date, period_to date) RETURNS TABLE(org_id integer, indicator text, gender text, value bigint)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'public'
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

ALTER FUNCTION public.project_esf_indicators(project integer, period_from date, period_to date) OWNER TO kaa_aggregate;

-- Name: project_export(integer, integer, date, date); Type: FUNCTION; Schema: public; Owner: kaa_aggregate

CREATE FUNCTION public.project_export(project integer, only_org integer, period_from date, period_to date) RETURNS TABLE(pseudonym text, key_version integer, org_id integer, municipality text, subproject text, gender text, age_band text, entry_month date, exit_month date, days_in_project integer, registration_reason text, end_reason text, contacts jsonb, days_to_first_contact integer, has_plan boolean, goals integer, measures_by_type jsonb, measures_by_responsible jsonb, outcome_exit text, outcome_six_months text, esf_job_searching boolean, esf_in_education boolean, esf_qualification boolean, esf_employed boolean, esf_employed_six_months boolean, survey_long_term_goal text, survey_clear_plan text, survey_respect text, survey_no_barrier text)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public'
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

ALTER FUNCTION public.project_export(project integer, only_org integer, period_from date, period_to date) OWNER TO kaa_aggregate;

-- Name: project_export_entry(integer, integer, date, date); Type: FUNCTION; Schema: public; Owner: kaa_aggregate

CREATE FUNCTION public.project_export_entry(project integer, only_org integer, period_from date, period_to date) RETURNS TABLE(pseudonym text, org_id integer, age integer, region text, labour_market_status text, education_level text)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public'
    AS $_$
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
$_$;

ALTER FUNCTION public.project_export_entry(project integer, only_org integer, period_from date, period_to date) OWNER TO kaa_aggregate;

-- Name: project_indicators(integer, date, date); Type: FUNCTION; Schema: public; Owner: kaa_aggregate

CREATE FUNCTION public.project_indicators(project integer, period_from date, period_to date) RETURNS TABLE(org_id integer, indicator text, value bigint)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'public'
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

ALTER FUNCTION public.project_indicators(project integer, period_from date, period_to date) OWNER TO kaa_aggregate;

-- Name: project_kaa_list(integer, date); Type: FUNCTION; Schema: public; Owner: kaa_aggregate

CREATE FUNCTION public.project_kaa_list(project integer, as_of date) RETURNS TABLE(org_id integer, month date, value bigint)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'public'
    AS $$
    SELECT m.org_id, l.month, l.value
    FROM project_orgs m CROSS JOIN LATERAL kaa_list_by_month(m.org_id, as_of) l
    WHERE m.project_id = project
      AND EXISTS (SELECT 1 FROM project_roles r WHERE r.project_id = project AND r.user_id = app_user_id())
$$;

ALTER FUNCTION public.project_kaa_list(project integer, as_of date) OWNER TO kaa_aggregate;

-- Name: project_participants(integer, date, date); Type: FUNCTION; Schema: public; Owner: kaa_aggregate

CREATE FUNCTION public.project_participants(project integer, period_from date, period_to date) RETURNS TABLE(org_id integer, value bigint)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'public'
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

ALTER FUNCTION public.project_participants(project integer, period_from date, period_to date) OWNER TO kaa_aggregate;

-- Name: purge_stale_imports(); Type: FUNCTION; Schema: public; Owner: kaa_aggregate

CREATE FUNCTION public.purge_stale_imports() RETURNS bigint
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'public'
    AS $$
        WITH d AS (DELETE FROM imports WHERE created_at < now() - interval '1 day' RETURNING 1)
        SELECT count(*) FROM d
    $$;

ALTER FUNCTION public.purge_stale_imports() OWNER TO kaa_aggregate;

-- Name: refresh_from_amendments(); Type: FUNCTION; Schema: public

CREATE FUNCTION public.refresh_from_amendments() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    PERFORM refresh_participants(c.tenant_id, array_agg(DISTINCT c.participant_id))
    FROM new_rows n JOIN contacts c ON c.tenant_id = n.tenant_id AND c.id = n.contact_id GROUP BY c.tenant_id;
    RETURN NULL;
END $$;

-- Name: refresh_from_contacts(); Type: FUNCTION; Schema: public

CREATE FUNCTION public.refresh_from_contacts() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    PERFORM refresh_participants(n.tenant_id, array_agg(DISTINCT n.participant_id)) FROM new_rows n GROUP BY n.tenant_id;
    RETURN NULL;
END $$;

-- Name: refresh_from_plans(); Type: FUNCTION; Schema: public

CREATE FUNCTION public.refresh_from_plans() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    UPDATE participants p SET has_plan = true
    FROM (SELECT DISTINCT tenant_id, participant_id FROM new_rows) n
    WHERE p.tenant_id = n.tenant_id AND p.id = n.participant_id AND NOT p.has_plan;
    RETURN NULL;
END $$;

-- Name: refresh_participants(integer, bigint[]); Type: FUNCTION; Schema: public

CREATE FUNCTION public.refresh_participants(t integer, ids bigint[]) RETURNS void
    LANGUAGE sql
    AS $$
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

-- Name: retention_due(integer, date, integer, integer, integer); Type: FUNCTION; Schema: public

CREATE FUNCTION public.retention_due(t integer, today date, kaa integer, project integer, unenrolled integer) RETURNS TABLE(participant_id bigint, rule text)
    LANGUAGE sql STABLE
    AS $$
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

-- Name: retention_erase(integer, date); Type: FUNCTION; Schema: public; Owner: kaa_retention

CREATE FUNCTION public.retention_erase(t integer, today date) RETURNS TABLE(rule text, people bigint)
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

ALTER FUNCTION public.retention_erase(t integer, today date) OWNER TO kaa_retention;

-- Name: send_move_notice(bigint); Type: FUNCTION; Schema: public; Owner: kaa_notice

CREATE FUNCTION public.send_move_notice(eid bigint) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public'
    AS $$
DECLARE
    t integer := app_tenant_id();
    e record;
    p record;
    receiver integer;
    nid bigint;
    inserted integer;
BEGIN
    IF t IS NULL THEN
        RETURN 'refused';
    END IF;
    SELECT x.id, x.participant_id, x.ends_on, x.moved_to INTO e FROM enrolments x
    WHERE x.tenant_id = t AND x.id = eid AND x.kind = 'kaa' AND x.end_reason = 'moved'
      AND x.moved_to IS NOT NULL AND x.ends_on IS NOT NULL
      -- the latest KAA enrolment of the person: none opened since
      AND NOT EXISTS (SELECT 1 FROM enrolments y WHERE y.tenant_id = t AND y.participant_id = x.participant_id
                      AND y.kind = 'kaa' AND y.id > x.id);
    IF NOT FOUND THEN
        RETURN 'refused';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM move_consents c WHERE c.tenant_id = t AND c.enrolment_id = eid) THEN
        RETURN 'refused';
    END IF;
    SELECT x.personnummer, x.first_name, x.last_name INTO p FROM participants x
    WHERE x.tenant_id = t AND x.id = e.participant_id AND x.erased_on IS NULL;
    IF NOT FOUND THEN
        RETURN 'refused';
    END IF;
    IF EXISTS (SELECT 1 FROM move_consents c WHERE c.tenant_id = t AND c.enrolment_id = eid AND c.notice_outcome = 'sent') THEN
        RETURN 'already_sent';
    END IF;
    SELECT o.id INTO receiver FROM orgs o WHERE o.kind = 'municipality' AND o.key = e.moved_to;
    IF NOT FOUND OR receiver = t THEN
        RETURN 'not_user';
    END IF;
    IF NOT coalesce((SELECT s.accepts_move_notices FROM tenant_settings s WHERE s.tenant_id = receiver), true) THEN
        RETURN 'turned_off';
    END IF;
    nid := nextval('move_notices_id_seq');
    INSERT INTO move_notices (id, tenant_id, from_org_id, source_enrolment, personnummer, first_name, last_name, moved_on)
    OVERRIDING SYSTEM VALUE
    VALUES (nid, receiver, t, eid, p.personnummer, p.first_name, p.last_name, e.ends_on)
    ON CONFLICT DO NOTHING;
    GET DIAGNOSTICS inserted = ROW_COUNT;
    IF inserted = 1 THEN
        -- the arrival, in the receiver's log (the hash chain's trigger
        -- appends it to the receiver's chain under the receiver's lock)
        INSERT INTO audit_events (tenant_id, user_id, action, record_type, record_id, detail)
        VALUES (receiver, NULL, 'move_notice.arrive', 'move_notice', nid::text,
                jsonb_build_object('from', (SELECT o.key FROM orgs o WHERE o.id = t)));
    END IF;
    RETURN 'sent';
END
$$;

ALTER FUNCTION public.send_move_notice(eid bigint) OWNER TO kaa_notice;

-- Name: signin_account(text); Type: FUNCTION; Schema: public; Owner: kaa_credentials

CREATE FUNCTION public.signin_account(e text) RETURNS TABLE(id integer, password_hash text, active boolean, two_factor boolean)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'public'
    AS $$ SELECT u.id, u.password_hash, u.active, u.totp_enabled_at IS NOT NULL FROM users u WHERE u.email = e $$;

ALTER FUNCTION public.signin_account(e text) OWNER TO kaa_credentials;

-- Name: sms_reply_tenant(text); Type: FUNCTION; Schema: public; Owner: kaa_aggregate

CREATE FUNCTION public.sms_reply_tenant(number text) RETURNS integer
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'public'
    AS $$
    SELECT CASE WHEN count(DISTINCT tenant_id) = 1 THEN min(tenant_id) END FROM sms_messages
    WHERE phone = number AND direction = 'outgoing' AND created_at > now() - interval '90 days'
$$;

ALTER FUNCTION public.sms_reply_tenant(number text) OWNER TO kaa_aggregate;

-- Name: sms_report_tenant(text); Type: FUNCTION; Schema: public; Owner: kaa_aggregate

CREATE FUNCTION public.sms_report_tenant(pid text) RETURNS integer
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'public'
    AS $$
    SELECT tenant_id FROM sms_messages WHERE provider_id = pid AND pid <> '' AND direction = 'outgoing' ORDER BY id DESC LIMIT 1
$$;

ALTER FUNCTION public.sms_report_tenant(pid text) OWNER TO kaa_aggregate;

-- Name: use_recovery_code(integer, text); Type: FUNCTION; Schema: public; Owner: kaa_credentials

CREATE FUNCTION public.use_recovery_code(uid integer, hash text) RETURNS boolean
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'public'
    AS $$
        WITH used AS (
            UPDATE recovery_codes SET used_at = now()
            WHERE user_id = uid AND code_hash = hash AND used_at IS NULL AND uid = app_user_id()
            RETURNING 1)
        SELECT EXISTS (SELECT 1 FROM used)
    $$;

ALTER FUNCTION public.use_recovery_code(uid integer, hash text) OWNER TO kaa_credentials;

-- Name: user_has_any_role(integer); Type: FUNCTION; Schema: public; Owner: kaa_aggregate

CREATE FUNCTION public.user_has_any_role(uid integer) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'public'
    AS $$
        SELECT EXISTS (SELECT 1 FROM memberships WHERE user_id = uid)
            OR EXISTS (SELECT 1 FROM project_roles WHERE user_id = uid)
            OR EXISTS (SELECT 1 FROM users WHERE id = uid AND is_system_admin)
    $$;

ALTER FUNCTION public.user_has_any_role(uid integer) OWNER TO kaa_aggregate;

-- Name: user_has_role_outside(integer, integer); Type: FUNCTION; Schema: public; Owner: kaa_aggregate

CREATE FUNCTION public.user_has_role_outside(uid integer, t integer) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'public'
    AS $$
        SELECT EXISTS (SELECT 1 FROM memberships WHERE user_id = uid AND tenant_id <> t)
            OR EXISTS (SELECT 1 FROM project_roles WHERE user_id = uid)
            OR EXISTS (SELECT 1 FROM users WHERE id = uid AND is_system_admin)
    $$;

ALTER FUNCTION public.user_has_role_outside(uid integer, t integer) OWNER TO kaa_aggregate;

-- Name: appointments; Type: TABLE; Schema: public

CREATE TABLE public.appointments (
    tenant_id integer NOT NULL,
    id bigint NOT NULL,
    participant_id bigint NOT NULL,
    kind text NOT NULL,
    due_at timestamp with time zone NOT NULL,
    note text DEFAULT ''::text NOT NULL,
    responsible integer NOT NULL,
    created_by integer NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    done_at timestamp with time zone,
    cancelled_at timestamp with time zone,
    CONSTRAINT appointments_check CHECK (((done_at IS NULL) OR (cancelled_at IS NULL))),
    CONSTRAINT appointments_kind_check CHECK ((kind = ANY (ARRAY['meeting_school'::text, 'home_visit'::text, 'meeting_office'::text, 'call_back'::text, 'other'::text]))),
    CONSTRAINT appointments_note_check CHECK ((length(note) <= 200))
);

ALTER TABLE ONLY public.appointments FORCE ROW LEVEL SECURITY;

-- Name: appointments_id_seq; Type: SEQUENCE; Schema: public

ALTER TABLE public.appointments ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.appointments_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: audit_events_id_seq; Type: SEQUENCE; Schema: public

ALTER TABLE public.audit_events ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.audit_events_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: contact_amendments_id_seq; Type: SEQUENCE; Schema: public

ALTER TABLE public.contact_amendments ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.contact_amendments_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: contacts_id_seq; Type: SEQUENCE; Schema: public

ALTER TABLE public.contacts ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.contacts_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: enrolment_corrections; Type: TABLE; Schema: public

CREATE TABLE public.enrolment_corrections (
    tenant_id integer NOT NULL,
    id bigint NOT NULL,
    participant_id bigint NOT NULL,
    enrolment_id bigint NOT NULL,
    corrected_at timestamp with time zone DEFAULT now() NOT NULL,
    corrected_by integer,
    reason text NOT NULL,
    old_ends_on date NOT NULL,
    old_end_reason text NOT NULL,
    old_end_note text,
    old_moved_to text,
    new_ends_on date,
    new_end_reason text,
    new_end_note text,
    new_moved_to text,
    CONSTRAINT enrolment_corrections_check CHECK (((new_ends_on IS NULL) = (new_end_reason IS NULL))),
    CONSTRAINT enrolment_corrections_check1 CHECK (((new_ends_on IS NOT NULL) OR ((new_end_note IS NULL) AND (new_moved_to IS NULL)))),
    CONSTRAINT enrolment_corrections_reason_check CHECK (((length(reason) >= 1) AND (length(reason) <= 200)))
);

ALTER TABLE ONLY public.enrolment_corrections FORCE ROW LEVEL SECURITY;

-- Name: enrolment_corrections_id_seq; Type: SEQUENCE; Schema: public

ALTER TABLE public.enrolment_corrections ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.enrolment_corrections_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: enrolments; Type: TABLE; Schema: public

CREATE TABLE public.enrolments (
    tenant_id integer NOT NULL,
    id bigint NOT NULL,
    participant_id bigint NOT NULL,
    kind text NOT NULL,
    subproject_id integer,
    starts_on date NOT NULL,
    ends_on date,
    registration_reason text,
    end_reason text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by integer,
    labour_market_status text,
    education_level text,
    end_note text,
    moved_to text,
    CONSTRAINT enrolments_check CHECK (((kind = 'kaa'::text) = (subproject_id IS NULL))),
    CONSTRAINT enrolments_check1 CHECK (((ends_on IS NULL) OR (ends_on >= starts_on))),
    CONSTRAINT enrolments_check2 CHECK (((ends_on IS NULL) = (end_reason IS NULL))),
    CONSTRAINT enrolments_education_level_check CHECK ((education_level = ANY (ARRAY['isced_0_2'::text, 'isced_3_4'::text, 'isced_5_8'::text]))),
    CONSTRAINT enrolments_end_note_check CHECK (((length(end_note) >= 1) AND (length(end_note) <= 200))),
    CONSTRAINT enrolments_end_note_other CHECK (((end_reason = 'other'::text) = (end_note IS NOT NULL))),
    CONSTRAINT enrolments_end_reason_check CHECK ((((kind = 'kaa'::text) AND (end_reason = ANY (ARRAY['national_programme'::text, 'introduction_programme'::text, 'adapted_upper_secondary'::text, 'equivalent_education'::text, 'turned_20'::text, 'moved'::text, 'emigrated'::text, 'deceased'::text, 'other'::text]))) OR ((kind = 'project'::text) AND (end_reason = ANY (ARRAY['project_exit'::text, 'moved'::text, 'other'::text]))))),
    CONSTRAINT enrolments_esf_entry_project_only CHECK (((kind = 'project'::text) OR ((labour_market_status IS NULL) AND (education_level IS NULL)))),
    CONSTRAINT enrolments_kind_check CHECK ((kind = ANY (ARRAY['kaa'::text, 'project'::text]))),
    CONSTRAINT enrolments_labour_market_status_check CHECK ((labour_market_status = ANY (ARRAY['unemployed'::text, 'long_term_unemployed'::text, 'inactive'::text, 'employed'::text]))),
    CONSTRAINT enrolments_moved_to_check CHECK ((moved_to ~ '^[0-9]{4}$'::text)),
    CONSTRAINT enrolments_moved_to_moved CHECK (((moved_to IS NULL) OR ((kind = 'kaa'::text) AND (end_reason = 'moved'::text)))),
    CONSTRAINT enrolments_registration_reason_check CHECK ((registration_reason = ANY (ARRAY['dropped_out'::text, 'dropped_out_im'::text, 'study_certificate'::text, 'never_started'::text, 'moved_in'::text, 'unknown'::text]))),
    CONSTRAINT enrolments_registration_reason_kaa CHECK (((kind = 'kaa'::text) = (registration_reason IS NOT NULL)))
);

ALTER TABLE ONLY public.enrolments FORCE ROW LEVEL SECURITY;

-- Name: enrolments_id_seq; Type: SEQUENCE; Schema: public

ALTER TABLE public.enrolments ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.enrolments_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: esf_files; Type: TABLE; Schema: public

CREATE TABLE public.esf_files (
    tenant_id integer NOT NULL,
    id bigint NOT NULL,
    project_id integer NOT NULL,
    month date NOT NULL,
    spec_version text NOT NULL,
    file_name text NOT NULL,
    rows integer NOT NULL,
    warnings integer NOT NULL,
    content_sha256 text NOT NULL,
    xlsx bytea NOT NULL,
    xlsx_sha256 text NOT NULL,
    created_by integer NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT esf_files_content_sha256_check CHECK ((content_sha256 ~ '^[0-9a-f]{64}$'::text)),
    CONSTRAINT esf_files_file_name_check CHECK (((length(file_name) >= 1) AND (length(file_name) <= 200))),
    CONSTRAINT esf_files_month_check CHECK ((EXTRACT(day FROM month) = (1)::numeric)),
    CONSTRAINT esf_files_rows_check CHECK ((rows >= 0)),
    CONSTRAINT esf_files_spec_version_check CHECK ((spec_version ~ '^[0-9]{4}-[0-9]{2}$'::text)),
    CONSTRAINT esf_files_warnings_check CHECK ((warnings >= 0)),
    CONSTRAINT esf_files_xlsx_sha256_check CHECK ((xlsx_sha256 ~ '^[0-9a-f]{64}$'::text))
);

ALTER TABLE ONLY public.esf_files FORCE ROW LEVEL SECURITY;

-- Name: esf_files_id_seq; Type: SEQUENCE; Schema: public

ALTER TABLE public.esf_files ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.esf_files_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: esf_hours; Type: TABLE; Schema: public

CREATE TABLE public.esf_hours (
    tenant_id integer NOT NULL,
    enrolment_id bigint NOT NULL,
    month date NOT NULL,
    hours numeric(5,1) NOT NULL,
    recorded_by integer NOT NULL,
    recorded_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT esf_hours_hours_check CHECK (((hours >= (0)::numeric) AND (hours <= (744)::numeric))),
    CONSTRAINT esf_hours_month_check CHECK ((EXTRACT(day FROM month) = (1)::numeric))
);

ALTER TABLE ONLY public.esf_hours FORCE ROW LEVEL SECURITY;

-- Name: export_keys; Type: TABLE; Schema: public

CREATE TABLE public.export_keys (
    project_id integer NOT NULL,
    org_id integer DEFAULT 0 NOT NULL,
    version integer NOT NULL,
    secret bytea DEFAULT public.gen_random_bytes(32) NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT export_keys_secret_check CHECK ((length(secret) >= 32)),
    CONSTRAINT export_keys_version_check CHECK ((version >= 1))
);

-- Name: followup_revisions; Type: TABLE; Schema: public

CREATE TABLE public.followup_revisions (
    tenant_id integer NOT NULL,
    id bigint NOT NULL,
    followup_id bigint NOT NULL,
    snapshot jsonb NOT NULL,
    replaced_by integer NOT NULL,
    replaced_at timestamp with time zone DEFAULT now() NOT NULL
);

ALTER TABLE ONLY public.followup_revisions FORCE ROW LEVEL SECURITY;

-- Name: followup_revisions_id_seq; Type: SEQUENCE; Schema: public

ALTER TABLE public.followup_revisions ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.followup_revisions_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: followups; Type: TABLE; Schema: public

CREATE TABLE public.followups (
    tenant_id integer NOT NULL,
    id bigint NOT NULL,
    participant_id bigint NOT NULL,
    enrolment_id bigint NOT NULL,
    kind text NOT NULL,
    due_on date NOT NULL,
    done_on date,
    occupation text,
    esf_job_searching boolean,
    esf_in_education boolean,
    esf_qualification boolean,
    esf_employed boolean,
    survey_long_term_goal text,
    survey_clear_plan text,
    survey_respect text,
    survey_no_barrier text,
    recorded_by integer,
    recorded_at timestamp with time zone,
    CONSTRAINT followups_check CHECK (((done_on IS NULL) = (occupation IS NULL))),
    CONSTRAINT followups_check1 CHECK (((kind = 'exit'::text) OR ((survey_long_term_goal IS NULL) AND (survey_clear_plan IS NULL) AND (survey_respect IS NULL) AND (survey_no_barrier IS NULL)))),
    CONSTRAINT followups_kind_check CHECK ((kind = ANY (ARRAY['exit'::text, 'six_months'::text]))),
    CONSTRAINT followups_occupation_check CHECK ((occupation = ANY (ARRAY['national_programme'::text, 'introduction_programme'::text, 'komvux'::text, 'folkhogskola'::text, 'studies_other'::text, 'work'::text, 'work_placement'::text, 'arbetsformedlingen'::text, 'municipal_measure'::text, 'health_care'::text, 'no_activity'::text, 'not_reachable'::text, 'moved'::text, 'unknown'::text]))),
    CONSTRAINT followups_survey_clear_plan_check CHECK ((survey_clear_plan = ANY (ARRAY['yes'::text, 'no'::text, 'no_answer'::text]))),
    CONSTRAINT followups_survey_long_term_goal_check CHECK ((survey_long_term_goal = ANY (ARRAY['yes'::text, 'no'::text, 'no_answer'::text]))),
    CONSTRAINT followups_survey_no_barrier_check CHECK ((survey_no_barrier = ANY (ARRAY['yes'::text, 'no'::text, 'no_answer'::text]))),
    CONSTRAINT followups_survey_respect_check CHECK ((survey_respect = ANY (ARRAY['yes'::text, 'no'::text, 'no_answer'::text])))
);

ALTER TABLE ONLY public.followups FORCE ROW LEVEL SECURITY;

-- Name: followups_id_seq; Type: SEQUENCE; Schema: public

ALTER TABLE public.followups ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.followups_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: identity_providers; Type: TABLE; Schema: public

CREATE TABLE public.identity_providers (
    tenant_id integer NOT NULL,
    id bigint NOT NULL,
    name text NOT NULL,
    issuer text NOT NULL,
    client_id text NOT NULL,
    client_secret text NOT NULL,
    domains text[] DEFAULT '{}'::text[] NOT NULL,
    strong_methods text[] DEFAULT '{}'::text[] NOT NULL,
    passwords_allowed boolean DEFAULT true NOT NULL,
    created_by integer,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT identity_providers_client_id_check CHECK (((length(client_id) >= 1) AND (length(client_id) <= 200))),
    CONSTRAINT identity_providers_client_secret_check CHECK ((client_secret ~~ 'kaa1:%'::text)),
    CONSTRAINT identity_providers_issuer_check CHECK (((length(issuer) >= 1) AND (length(issuer) <= 500))),
    CONSTRAINT identity_providers_name_check CHECK (((length(btrim(name)) >= 1) AND (length(btrim(name)) <= 100)))
);

ALTER TABLE ONLY public.identity_providers FORCE ROW LEVEL SECURITY;

-- Name: identity_providers_id_seq; Type: SEQUENCE; Schema: public

ALTER TABLE public.identity_providers ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.identity_providers_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: import_list_people; Type: TABLE; Schema: public

CREATE TABLE public.import_list_people (
    tenant_id integer NOT NULL,
    list_id bigint NOT NULL,
    participant_id bigint NOT NULL
);

ALTER TABLE ONLY public.import_list_people FORCE ROW LEVEL SECURITY;

-- Name: import_lists; Type: TABLE; Schema: public

CREATE TABLE public.import_lists (
    tenant_id integer NOT NULL,
    id bigint NOT NULL,
    source text NOT NULL,
    filename text NOT NULL,
    digest text NOT NULL,
    people integer NOT NULL,
    applied_by integer NOT NULL,
    applied_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT import_lists_digest_check CHECK ((digest ~ '^[0-9a-f]{64}$'::text)),
    CONSTRAINT import_lists_filename_check CHECK ((length(filename) <= 255)),
    CONSTRAINT import_lists_people_check CHECK ((people >= 0)),
    CONSTRAINT import_lists_source_check CHECK ((source ~ '^[a-z0-9_:-]{1,40}$'::text))
);

ALTER TABLE ONLY public.import_lists FORCE ROW LEVEL SECURITY;

-- Name: import_lists_id_seq; Type: SEQUENCE; Schema: public

ALTER TABLE public.import_lists ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.import_lists_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: import_unidentified; Type: TABLE; Schema: public

CREATE TABLE public.import_unidentified (
    tenant_id integer NOT NULL,
    id bigint NOT NULL,
    source text NOT NULL,
    filename text NOT NULL,
    line integer NOT NULL,
    number text NOT NULL,
    first_name text NOT NULL COLLATE public.sv,
    last_name text NOT NULL COLLATE public.sv,
    mobile text DEFAULT ''::text NOT NULL,
    email text DEFAULT ''::text NOT NULL,
    school text DEFAULT ''::text NOT NULL,
    programme text DEFAULT ''::text NOT NULL,
    left_school_on date,
    registered_on date,
    reason text DEFAULT 'unknown'::text NOT NULL,
    created_by integer NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT import_unidentified_filename_check CHECK ((length(filename) <= 255)),
    CONSTRAINT import_unidentified_first_name_check CHECK (((length(first_name) >= 1) AND (length(first_name) <= 100))),
    CONSTRAINT import_unidentified_last_name_check CHECK (((length(last_name) >= 1) AND (length(last_name) <= 100))),
    CONSTRAINT import_unidentified_line_check CHECK ((line > 0)),
    CONSTRAINT import_unidentified_number_check CHECK (((length(number) >= 1) AND (length(number) <= 40))),
    CONSTRAINT import_unidentified_programme_check CHECK ((length(programme) <= 1000)),
    CONSTRAINT import_unidentified_reason_check CHECK ((reason = ANY (ARRAY['dropped_out'::text, 'dropped_out_im'::text, 'study_certificate'::text, 'never_started'::text, 'moved_in'::text, 'unknown'::text]))),
    CONSTRAINT import_unidentified_school_check CHECK ((length(school) <= 200)),
    CONSTRAINT import_unidentified_source_check CHECK ((source ~ '^[a-z0-9_:-]{1,40}$'::text))
);

ALTER TABLE ONLY public.import_unidentified FORCE ROW LEVEL SECURITY;

-- Name: import_unidentified_id_seq; Type: SEQUENCE; Schema: public

ALTER TABLE public.import_unidentified ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.import_unidentified_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: imports; Type: TABLE; Schema: public

CREATE TABLE public.imports (
    tenant_id integer NOT NULL,
    id bigint NOT NULL,
    created_by integer NOT NULL,
    filename text NOT NULL,
    mapping jsonb,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    content jsonb NOT NULL,
    source text DEFAULT 'fil'::text NOT NULL,
    CONSTRAINT imports_filename_check CHECK ((length(filename) <= 255)),
    CONSTRAINT imports_source_check CHECK ((source ~ '^[a-z0-9_:-]{1,40}$'::text))
);

ALTER TABLE ONLY public.imports FORCE ROW LEVEL SECURITY;

-- Name: imports_id_seq; Type: SEQUENCE; Schema: public

ALTER TABLE public.imports ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.imports_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: mappings; Type: TABLE; Schema: public

CREATE TABLE public.mappings (
    tenant_id integer NOT NULL,
    participant_id bigint NOT NULL,
    version integer NOT NULL,
    mapped_on date NOT NULL,
    strengths text DEFAULT ''::text NOT NULL,
    challenges text DEFAULT ''::text NOT NULL,
    direction text NOT NULL,
    direction_note text DEFAULT ''::text NOT NULL,
    referral_made boolean DEFAULT false NOT NULL,
    referral_to text DEFAULT ''::text NOT NULL,
    created_by integer NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT mappings_challenges_check CHECK ((length(challenges) <= 2000)),
    CONSTRAINT mappings_check CHECK ((referral_made OR (referral_to = ''::text))),
    CONSTRAINT mappings_direction_check CHECK ((direction = ANY (ARRAY['studies'::text, 'work'::text, 'other'::text, 'undecided'::text]))),
    CONSTRAINT mappings_direction_note_check CHECK ((length(direction_note) <= 1000)),
    CONSTRAINT mappings_referral_to_check CHECK ((referral_to = ANY (ARRAY[''::text, 'school'::text, 'social_services'::text, 'arbetsformedlingen'::text, 'health_care'::text, 'youth_clinic'::text, 'other'::text]))),
    CONSTRAINT mappings_strengths_check CHECK ((length(strengths) <= 2000)),
    CONSTRAINT mappings_version_check CHECK ((version >= 1))
);

ALTER TABLE ONLY public.mappings FORCE ROW LEVEL SECURITY;

-- Name: memberships; Type: TABLE; Schema: public

CREATE TABLE public.memberships (
    tenant_id integer NOT NULL,
    user_id integer NOT NULL,
    role text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by integer,
    CONSTRAINT memberships_role_check CHECK ((role = ANY (ARRAY['coordinator'::text, 'municipality_admin'::text])))
);

ALTER TABLE ONLY public.memberships FORCE ROW LEVEL SECURITY;

-- Name: move_consents; Type: TABLE; Schema: public

CREATE TABLE public.move_consents (
    tenant_id integer NOT NULL,
    id bigint NOT NULL,
    participant_id bigint NOT NULL,
    enrolment_id bigint NOT NULL,
    given_by text NOT NULL,
    given_on date NOT NULL,
    method text NOT NULL,
    notice_outcome text,
    recorded_by integer,
    recorded_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT move_consents_check CHECK ((given_on <= ((recorded_at AT TIME ZONE 'Europe/Stockholm'::text))::date)),
    CONSTRAINT move_consents_given_by_check CHECK ((given_by = ANY (ARRAY['young_person'::text, 'guardian'::text]))),
    CONSTRAINT move_consents_method_check CHECK ((method = ANY (ARRAY['oral'::text, 'written'::text]))),
    CONSTRAINT move_consents_notice_outcome_check CHECK ((notice_outcome = ANY (ARRAY['sent'::text, 'already_sent'::text, 'not_user'::text, 'turned_off'::text])))
);

ALTER TABLE ONLY public.move_consents FORCE ROW LEVEL SECURITY;

-- Name: move_consents_id_seq; Type: SEQUENCE; Schema: public

ALTER TABLE public.move_consents ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.move_consents_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: move_notices; Type: TABLE; Schema: public

CREATE TABLE public.move_notices (
    tenant_id integer NOT NULL,
    id bigint NOT NULL,
    from_org_id integer NOT NULL,
    source_enrolment bigint NOT NULL,
    personnummer text NOT NULL,
    first_name text NOT NULL COLLATE public.sv,
    last_name text NOT NULL COLLATE public.sv,
    moved_on date NOT NULL,
    sent_at timestamp with time zone DEFAULT now() NOT NULL,
    outcome text,
    dismiss_reason text,
    handled_by integer,
    handled_at timestamp with time zone,
    CONSTRAINT move_notices_check CHECK (((outcome IS NULL) = (handled_at IS NULL))),
    CONSTRAINT move_notices_check1 CHECK (((outcome = 'dismissed'::text) = (dismiss_reason IS NOT NULL))),
    CONSTRAINT move_notices_dismiss_reason_check CHECK (((length(btrim(dismiss_reason)) >= 1) AND (length(btrim(dismiss_reason)) <= 200))),
    CONSTRAINT move_notices_outcome_check CHECK ((outcome = ANY (ARRAY['registered'::text, 'dismissed'::text])))
);

ALTER TABLE ONLY public.move_notices FORCE ROW LEVEL SECURITY;

-- Name: move_notices_id_seq; Type: SEQUENCE; Schema: public

ALTER TABLE public.move_notices ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.move_notices_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: orgs; Type: TABLE; Schema: public

CREATE TABLE public.orgs (
    id integer NOT NULL,
    key text NOT NULL,
    name text NOT NULL COLLATE public.sv,
    kind text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    require_two_factor boolean DEFAULT true NOT NULL,
    CONSTRAINT orgs_check CHECK (((kind <> 'municipality'::text) OR (key ~ '^[0-9]{4}$'::text))),
    CONSTRAINT orgs_key_check CHECK (((key ~ '^[a-z0-9-]{2,20}$'::text) OR (key ~ '^[0-9]{4}$'::text))),
    CONSTRAINT orgs_kind_check CHECK ((kind = ANY (ARRAY['municipality'::text, 'region'::text, 'agency'::text, 'school'::text, 'other'::text]))),
    CONSTRAINT orgs_name_check CHECK (((length(name) >= 1) AND (length(name) <= 200)))
);

-- Name: orgs_id_seq; Type: SEQUENCE; Schema: public

ALTER TABLE public.orgs ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.orgs_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: participant_coordinators; Type: TABLE; Schema: public

CREATE TABLE public.participant_coordinators (
    tenant_id integer NOT NULL,
    participant_id bigint NOT NULL,
    user_id integer NOT NULL
);

ALTER TABLE ONLY public.participant_coordinators FORCE ROW LEVEL SECURITY;

-- Name: participants; Type: TABLE; Schema: public

CREATE TABLE public.participants (
    tenant_id integer NOT NULL,
    id bigint NOT NULL,
    personnummer text NOT NULL,
    birth_date date NOT NULL,
    first_name text NOT NULL COLLATE public.sv,
    last_name text NOT NULL COLLATE public.sv,
    mobile text DEFAULT ''::text NOT NULL,
    email text DEFAULT ''::text NOT NULL,
    street text DEFAULT ''::text NOT NULL,
    postal_code text DEFAULT ''::text NOT NULL,
    city text DEFAULT ''::text NOT NULL,
    gender text DEFAULT 'not_stated'::text NOT NULL,
    compulsory_done boolean,
    upper_secondary text DEFAULT 'unknown'::text NOT NULL,
    programme text DEFAULT ''::text NOT NULL,
    left_school_on date,
    source text DEFAULT 'other'::text NOT NULL,
    identified_on date DEFAULT CURRENT_DATE NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by integer,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    last_contact_at timestamp with time zone,
    ever_reached boolean DEFAULT false NOT NULL,
    enrolments integer DEFAULT 0 NOT NULL,
    open_enrolments integer DEFAULT 0 NOT NULL,
    has_plan boolean DEFAULT false NOT NULL,
    first_contact_at timestamp with time zone,
    first_reached_at timestamp with time zone,
    erased_on date,
    status text GENERATED ALWAYS AS (public.participant_status(enrolments, open_enrolments, has_plan, ever_reached, (last_contact_at IS NOT NULL))) STORED NOT NULL,
    no_sms boolean DEFAULT false NOT NULL,
    school text DEFAULT ''::text NOT NULL,
    CONSTRAINT participants_first_name_check CHECK (((length(first_name) <= 100) AND ((length(first_name) >= 1) OR (erased_on IS NOT NULL)))),
    CONSTRAINT participants_gender_check CHECK ((gender = ANY (ARRAY['woman'::text, 'man'::text, 'non_binary'::text, 'not_stated'::text]))),
    CONSTRAINT participants_last_name_check CHECK (((length(last_name) <= 100) AND ((length(last_name) >= 1) OR (erased_on IS NOT NULL)))),
    CONSTRAINT participants_personnummer_check CHECK (((personnummer ~ '^[0-9]{12}$'::text) OR ((erased_on IS NOT NULL) AND (personnummer = ''::text)))),
    CONSTRAINT participants_school_check CHECK ((length(school) <= 200)),
    CONSTRAINT participants_source_check CHECK ((source = ANY (ARRAY['school_dropout_notice'::text, 'school_list'::text, 'self_referral'::text, 'municipal_service'::text, 'arbetsformedlingen'::text, 'other'::text]))),
    CONSTRAINT participants_upper_secondary_check CHECK ((upper_secondary = ANY (ARRAY['never_started'::text, 'dropped_out'::text, 'dropped_out_im'::text, 'study_certificate'::text, 'unknown'::text])))
);

ALTER TABLE ONLY public.participants FORCE ROW LEVEL SECURITY;

-- Name: participants_id_seq; Type: SEQUENCE; Schema: public

ALTER TABLE public.participants ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.participants_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: password_resets; Type: TABLE; Schema: public

CREATE TABLE public.password_resets (
    token_hash bytea NOT NULL,
    user_id integer NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    used_at timestamp with time zone,
    CONSTRAINT password_resets_check CHECK ((expires_at > created_at)),
    CONSTRAINT password_resets_token_hash_check CHECK ((length(token_hash) = 32))
);

-- Name: plan_goals; Type: TABLE; Schema: public

CREATE TABLE public.plan_goals (
    tenant_id integer NOT NULL,
    participant_id bigint NOT NULL,
    version integer NOT NULL,
    "position" integer NOT NULL,
    parent integer,
    text text NOT NULL,
    status text NOT NULL,
    CONSTRAINT plan_goals_status_check CHECK ((status = ANY (ARRAY['not_started'::text, 'in_progress'::text, 'reached'::text, 'dropped'::text]))),
    CONSTRAINT plan_goals_text_check CHECK (((length(text) >= 1) AND (length(text) <= 500)))
);

ALTER TABLE ONLY public.plan_goals FORCE ROW LEVEL SECURITY;

-- Name: plan_measure_goals; Type: TABLE; Schema: public

CREATE TABLE public.plan_measure_goals (
    tenant_id integer NOT NULL,
    participant_id bigint NOT NULL,
    version integer NOT NULL,
    measure integer NOT NULL,
    goal integer NOT NULL
);

ALTER TABLE ONLY public.plan_measure_goals FORCE ROW LEVEL SECURITY;

-- Name: plan_measures; Type: TABLE; Schema: public

CREATE TABLE public.plan_measures (
    tenant_id integer NOT NULL,
    participant_id bigint NOT NULL,
    version integer NOT NULL,
    "position" integer NOT NULL,
    type text NOT NULL,
    description text DEFAULT ''::text NOT NULL,
    responsible text NOT NULL,
    responsible_unit text DEFAULT ''::text NOT NULL,
    starts_on date,
    ends_on date,
    end_reason text,
    follow_up_on date,
    CONSTRAINT plan_measures_check CHECK (((ends_on IS NULL) OR (starts_on IS NULL) OR (ends_on >= starts_on))),
    CONSTRAINT plan_measures_check1 CHECK (((ends_on IS NULL) = (end_reason IS NULL))),
    CONSTRAINT plan_measures_description_check CHECK ((length(description) <= 500)),
    CONSTRAINT plan_measures_end_reason_check CHECK ((end_reason = ANY (ARRAY['completed'::text, 'dropped_out'::text, 'declined'::text, 'studies'::text, 'work'::text, 'other'::text]))),
    CONSTRAINT plan_measures_follow_up_after_start CHECK (((follow_up_on IS NULL) OR (starts_on IS NULL) OR (follow_up_on >= starts_on))),
    CONSTRAINT plan_measures_responsible_check CHECK ((responsible = ANY (ARRAY['young_person'::text, 'municipality'::text, 'school'::text, 'arbetsformedlingen'::text, 'social_services'::text, 'health_care'::text, 'other'::text]))),
    CONSTRAINT plan_measures_responsible_unit_check CHECK ((length(responsible_unit) <= 200)),
    CONSTRAINT plan_measures_type_check CHECK ((type = ANY (ARRAY['introduction_programme'::text, 'komvux'::text, 'folkhogskola'::text, 'work_placement'::text, 'guidance'::text, 'arbetsformedlingen'::text, 'municipal_labour'::text, 'support'::text, 'other'::text])))
);

ALTER TABLE ONLY public.plan_measures FORCE ROW LEVEL SECURITY;

-- Name: plans; Type: TABLE; Schema: public

CREATE TABLE public.plans (
    tenant_id integer NOT NULL,
    participant_id bigint NOT NULL,
    version integer NOT NULL,
    follow_up_on date,
    agreed_on date,
    change_note text DEFAULT ''::text NOT NULL,
    created_by integer NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT plans_change_note_check CHECK ((length(change_note) <= 500)),
    CONSTRAINT plans_version_check CHECK ((version >= 1))
);

ALTER TABLE ONLY public.plans FORCE ROW LEVEL SECURITY;

-- Name: project_invitations; Type: TABLE; Schema: public

CREATE TABLE public.project_invitations (
    project_id integer NOT NULL,
    org_id integer NOT NULL,
    invited_at timestamp with time zone DEFAULT now() NOT NULL,
    invited_by integer
);

-- Name: project_orgs; Type: TABLE; Schema: public

CREATE TABLE public.project_orgs (
    project_id integer NOT NULL,
    org_id integer NOT NULL,
    accepted_at timestamp with time zone NOT NULL,
    accepted_by integer
);

-- Name: project_roles; Type: TABLE; Schema: public

CREATE TABLE public.project_roles (
    project_id integer NOT NULL,
    user_id integer NOT NULL,
    role text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT project_roles_role_check CHECK ((role = ANY (ARRAY['project_leader'::text, 'evaluator'::text])))
);

-- Name: project_targets; Type: TABLE; Schema: public

CREATE TABLE public.project_targets (
    project_id integer NOT NULL,
    indicator text NOT NULL,
    target numeric NOT NULL,
    CONSTRAINT project_targets_indicator_check CHECK ((indicator ~ '^[a-z0-9_]+$'::text))
);

-- Name: projects; Type: TABLE; Schema: public

CREATE TABLE public.projects (
    id integer NOT NULL,
    key text NOT NULL,
    name text NOT NULL COLLATE public.sv,
    owner_org_id integer NOT NULL,
    starts_on date NOT NULL,
    ends_on date NOT NULL,
    funding text DEFAULT 'ESF'::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    esf_case_number text,
    CONSTRAINT projects_check CHECK ((ends_on >= starts_on)),
    CONSTRAINT projects_esf_case_number_check CHECK ((esf_case_number ~ '^[0-9A-Za-zÅÄÖåäö/. -]{1,40}$'::text)),
    CONSTRAINT projects_funding_check CHECK ((funding = ANY (ARRAY['ESF'::text, 'ESF+'::text, 'other'::text]))),
    CONSTRAINT projects_key_check CHECK ((key ~ '^[a-z0-9-]{2,30}$'::text)),
    CONSTRAINT projects_name_check CHECK (((length(name) >= 1) AND (length(name) <= 200)))
);

-- Name: projects_id_seq; Type: SEQUENCE; Schema: public

ALTER TABLE public.projects ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.projects_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: recovery_codes; Type: TABLE; Schema: public

CREATE TABLE public.recovery_codes (
    user_id integer NOT NULL,
    code_hash text NOT NULL,
    used_at timestamp with time zone
);

-- Name: retention_decisions; Type: TABLE; Schema: public

CREATE TABLE public.retention_decisions (
    id bigint NOT NULL,
    tenant_id integer NOT NULL,
    reference text NOT NULL,
    decided_on date NOT NULL,
    decided_by text NOT NULL,
    kaa_months integer NOT NULL,
    project_months integer NOT NULL,
    unenrolled_months integer NOT NULL,
    recorded_by integer,
    recorded_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT retention_decisions_check CHECK ((decided_on <= ((recorded_at AT TIME ZONE 'Europe/Stockholm'::text))::date)),
    CONSTRAINT retention_decisions_decided_by_check CHECK (((length(btrim(decided_by)) >= 1) AND (length(btrim(decided_by)) <= 200))),
    CONSTRAINT retention_decisions_kaa_months_check CHECK (((kaa_months >= 1) AND (kaa_months <= 240))),
    CONSTRAINT retention_decisions_project_months_check CHECK (((project_months >= 1) AND (project_months <= 240))),
    CONSTRAINT retention_decisions_reference_check CHECK (((length(btrim(reference)) >= 1) AND (length(btrim(reference)) <= 100))),
    CONSTRAINT retention_decisions_unenrolled_months_check CHECK (((unenrolled_months >= 1) AND (unenrolled_months <= 240)))
);

ALTER TABLE ONLY public.retention_decisions FORCE ROW LEVEL SECURITY;

-- Name: retention_decisions_id_seq; Type: SEQUENCE; Schema: public

ALTER TABLE public.retention_decisions ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.retention_decisions_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: retention_policies; Type: TABLE; Schema: public

CREATE TABLE public.retention_policies (
    tenant_id integer NOT NULL,
    kaa_months integer NOT NULL,
    project_months integer NOT NULL,
    unenrolled_months integer NOT NULL,
    CONSTRAINT retention_policies_kaa_months_check CHECK (((kaa_months >= 1) AND (kaa_months <= 240))),
    CONSTRAINT retention_policies_project_months_check CHECK (((project_months >= 1) AND (project_months <= 240))),
    CONSTRAINT retention_policies_unenrolled_months_check CHECK (((unenrolled_months >= 1) AND (unenrolled_months <= 240)))
);

ALTER TABLE ONLY public.retention_policies FORCE ROW LEVEL SECURITY;

-- Name: scb_files; Type: TABLE; Schema: public

CREATE TABLE public.scb_files (
    tenant_id integer NOT NULL,
    id bigint NOT NULL,
    half_year text NOT NULL,
    spec_version text NOT NULL,
    spec_date date NOT NULL,
    file_name text NOT NULL,
    rows integer NOT NULL,
    findings integer NOT NULL,
    xlsx bytea NOT NULL,
    xlsx_sha256 text NOT NULL,
    text bytea NOT NULL,
    text_sha256 text NOT NULL,
    created_by integer NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT scb_files_file_name_check CHECK (((length(file_name) >= 1) AND (length(file_name) <= 200))),
    CONSTRAINT scb_files_findings_check CHECK ((findings >= 0)),
    CONSTRAINT scb_files_half_year_check CHECK ((half_year ~ '^[0-9]{4}-[12]$'::text)),
    CONSTRAINT scb_files_rows_check CHECK ((rows >= 0)),
    CONSTRAINT scb_files_spec_version_check CHECK ((spec_version ~ '^[0-9]{4}-[12]$'::text)),
    CONSTRAINT scb_files_text_sha256_check CHECK ((text_sha256 ~ '^[0-9a-f]{64}$'::text)),
    CONSTRAINT scb_files_xlsx_sha256_check CHECK ((xlsx_sha256 ~ '^[0-9a-f]{64}$'::text))
);

ALTER TABLE ONLY public.scb_files FORCE ROW LEVEL SECURITY;

-- Name: scb_files_id_seq; Type: SEQUENCE; Schema: public

ALTER TABLE public.scb_files ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.scb_files_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: schema_migrations; Type: TABLE; Schema: public

CREATE TABLE public.schema_migrations (
    version bigint NOT NULL,
    dirty boolean NOT NULL
);

-- Name: school_systems; Type: TABLE; Schema: public

CREATE TABLE public.school_systems (
    tenant_id integer NOT NULL,
    id bigint NOT NULL,
    name text NOT NULL,
    base_url text NOT NULL,
    token_url text NOT NULL,
    client_id text NOT NULL,
    client_secret text NOT NULL,
    scope text DEFAULT ''::text NOT NULL,
    created_by integer,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    last_run_at timestamp with time zone,
    last_ok boolean,
    last_found integer,
    last_new integer,
    last_message text,
    CONSTRAINT school_systems_base_url_check CHECK (((length(base_url) >= 1) AND (length(base_url) <= 500))),
    CONSTRAINT school_systems_client_id_check CHECK (((length(client_id) >= 1) AND (length(client_id) <= 200))),
    CONSTRAINT school_systems_client_secret_check CHECK ((client_secret ~~ 'kaa1:%'::text)),
    CONSTRAINT school_systems_last_found_check CHECK ((last_found >= 0)),
    CONSTRAINT school_systems_last_message_check CHECK ((length(last_message) <= 500)),
    CONSTRAINT school_systems_last_new_check CHECK ((last_new >= 0)),
    CONSTRAINT school_systems_name_check CHECK (((length(btrim(name)) >= 1) AND (length(btrim(name)) <= 100))),
    CONSTRAINT school_systems_scope_check CHECK ((length(scope) <= 500)),
    CONSTRAINT school_systems_token_url_check CHECK (((length(token_url) >= 1) AND (length(token_url) <= 500)))
);

ALTER TABLE ONLY public.school_systems FORCE ROW LEVEL SECURITY;

-- Name: school_systems_id_seq; Type: SEQUENCE; Schema: public

ALTER TABLE public.school_systems ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.school_systems_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: scim_tokens; Type: TABLE; Schema: public

CREATE TABLE public.scim_tokens (
    tenant_id integer NOT NULL,
    token_hash bytea NOT NULL,
    default_role text DEFAULT 'coordinator'::text NOT NULL,
    created_by integer,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    last_used_at timestamp with time zone,
    CONSTRAINT scim_tokens_default_role_check CHECK ((default_role = 'coordinator'::text)),
    CONSTRAINT scim_tokens_token_hash_check CHECK ((length(token_hash) = 32))
);

ALTER TABLE ONLY public.scim_tokens FORCE ROW LEVEL SECURITY;

-- Name: scim_users; Type: TABLE; Schema: public

CREATE TABLE public.scim_users (
    tenant_id integer NOT NULL,
    user_id integer NOT NULL,
    user_name text NOT NULL,
    external_id text,
    given_name text DEFAULT ''::text NOT NULL,
    family_name text DEFAULT ''::text NOT NULL,
    active boolean DEFAULT true NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT scim_users_external_id_check CHECK (((length(external_id) >= 1) AND (length(external_id) <= 200))),
    CONSTRAINT scim_users_family_name_check CHECK ((length(family_name) <= 100)),
    CONSTRAINT scim_users_given_name_check CHECK ((length(given_name) <= 100)),
    CONSTRAINT scim_users_user_name_check CHECK (((length(user_name) >= 1) AND (length(user_name) <= 200)))
);

ALTER TABLE ONLY public.scim_users FORCE ROW LEVEL SECURITY;

-- Name: security_events; Type: TABLE; Schema: public

CREATE TABLE public.security_events (
    id bigint NOT NULL,
    at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    user_id integer,
    action text NOT NULL,
    project_id integer,
    request_id text DEFAULT ''::text NOT NULL,
    client_addr text DEFAULT ''::text NOT NULL,
    detail jsonb DEFAULT '{}'::jsonb NOT NULL,
    CONSTRAINT security_events_action_check CHECK ((action ~ '^[a-z_]+\.[a-z_]+$'::text))
);

-- Name: security_events_id_seq; Type: SEQUENCE; Schema: public

ALTER TABLE public.security_events ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.security_events_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: sessions; Type: TABLE; Schema: public

CREATE TABLE public.sessions (
    token text NOT NULL,
    data bytea NOT NULL,
    expiry timestamp with time zone NOT NULL
);

-- Name: signin_throttle; Type: TABLE; Schema: public

CREATE TABLE public.signin_throttle (
    key text NOT NULL,
    failures integer DEFAULT 0 NOT NULL,
    last_failure timestamp with time zone,
    next_at timestamp with time zone,
    known_until timestamp with time zone
);

-- Name: sms_messages; Type: TABLE; Schema: public

CREATE TABLE public.sms_messages (
    tenant_id integer NOT NULL,
    id bigint NOT NULL,
    direction text NOT NULL,
    participant_id bigint,
    contact_id bigint,
    phone text NOT NULL,
    body text DEFAULT ''::text NOT NULL,
    status text NOT NULL,
    provider_id text DEFAULT ''::text NOT NULL,
    created_by integer,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    delivered_at timestamp with time zone,
    CONSTRAINT sms_messages_body_check CHECK ((length(body) <= 2000)),
    CONSTRAINT sms_messages_check CHECK (((direction = 'outgoing'::text) = (created_by IS NOT NULL))),
    CONSTRAINT sms_messages_check1 CHECK (((direction = 'incoming'::text) OR ((participant_id IS NOT NULL) AND (contact_id IS NOT NULL)))),
    CONSTRAINT sms_messages_direction_check CHECK ((direction = ANY (ARRAY['outgoing'::text, 'incoming'::text]))),
    CONSTRAINT sms_messages_phone_check CHECK ((phone ~ '^\+[0-9]{6,15}$'::text)),
    CONSTRAINT sms_messages_provider_id_check CHECK ((length(provider_id) <= 100)),
    CONSTRAINT sms_messages_status_check CHECK ((status = ANY (ARRAY['sending'::text, 'sent'::text, 'not_sent'::text, 'delivered'::text, 'failed'::text, 'received'::text])))
);

ALTER TABLE ONLY public.sms_messages FORCE ROW LEVEL SECURITY;

-- Name: sms_messages_id_seq; Type: SEQUENCE; Schema: public

ALTER TABLE public.sms_messages ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.sms_messages_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: subprojects; Type: TABLE; Schema: public

CREATE TABLE public.subprojects (
    id integer NOT NULL,
    project_id integer NOT NULL,
    org_id integer NOT NULL,
    name text NOT NULL COLLATE public.sv,
    focus text DEFAULT ''::text NOT NULL,
    planned_participants integer,
    CONSTRAINT subprojects_name_check CHECK (((length(name) >= 1) AND (length(name) <= 200))),
    CONSTRAINT subprojects_planned_participants_check CHECK ((planned_participants >= 0))
);

-- Name: subprojects_id_seq; Type: SEQUENCE; Schema: public

ALTER TABLE public.subprojects ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.subprojects_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: tenant_settings; Type: TABLE; Schema: public

CREATE TABLE public.tenant_settings (
    tenant_id integer NOT NULL,
    no_contact_days integer DEFAULT 30 NOT NULL,
    accepts_move_notices boolean DEFAULT true NOT NULL,
    sms_from text DEFAULT ''::text NOT NULL,
    CONSTRAINT tenant_settings_no_contact_days_check CHECK (((no_contact_days >= 1) AND (no_contact_days <= 365))),
    CONSTRAINT tenant_settings_sms_from_check CHECK (((sms_from = ''::text) OR (sms_from ~ '^[A-Za-z][A-Za-z0-9]{2,10}$'::text) OR (sms_from ~ '^\+[0-9]{7,15}$'::text)))
);

ALTER TABLE ONLY public.tenant_settings FORCE ROW LEVEL SECURITY;

-- Name: user_identities; Type: TABLE; Schema: public

CREATE TABLE public.user_identities (
    tenant_id integer NOT NULL,
    provider_id bigint NOT NULL,
    issuer text NOT NULL,
    subject text NOT NULL,
    user_id integer NOT NULL,
    linked_at timestamp with time zone DEFAULT now() NOT NULL,
    last_used_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT user_identities_issuer_check CHECK (((length(issuer) >= 1) AND (length(issuer) <= 500))),
    CONSTRAINT user_identities_subject_check CHECK (((length(subject) >= 1) AND (length(subject) <= 255)))
);

ALTER TABLE ONLY public.user_identities FORCE ROW LEVEL SECURITY;

-- Name: users; Type: TABLE; Schema: public

CREATE TABLE public.users (
    id integer NOT NULL,
    email text NOT NULL,
    name text NOT NULL COLLATE public.sv,
    password_hash text NOT NULL,
    is_system_admin boolean DEFAULT false NOT NULL,
    active boolean DEFAULT true NOT NULL,
    must_change_password boolean DEFAULT false NOT NULL,
    sessions_valid_after timestamp with time zone DEFAULT now() NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    totp_secret text,
    totp_enabled_at timestamp with time zone,
    totp_last_step bigint,
    digest_off boolean DEFAULT false NOT NULL,
    digest_sent_on date,
    phone text DEFAULT ''::text NOT NULL,
    must_set_up_two_factor boolean DEFAULT false NOT NULL,
    CONSTRAINT users_email_check CHECK (((email = lower(email)) AND (email ~~ '%_@_%'::text))),
    CONSTRAINT users_name_check CHECK (((length(name) >= 1) AND (length(name) <= 200))),
    CONSTRAINT users_phone_check CHECK (((length(phone) <= 30) AND (phone ~ '^[0-9 ()+-]*$'::text))),
    CONSTRAINT users_totp_check CHECK (((totp_enabled_at IS NULL) OR (totp_secret IS NOT NULL)))
);

-- Name: users_id_seq; Type: SEQUENCE; Schema: public

ALTER TABLE public.users ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.users_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: appointments appointments_pkey; Type: CONSTRAINT; Schema: public

ALTER TABLE ONLY public.appointments
    ADD CONSTRAINT appointments_pkey PRIMARY KEY (tenant_id, id);

-- Name: audit_events audit_events_pkey; Type: CONSTRAINT; Schema: public

ALTER TABLE ONLY public.audit_events
    ADD CONSTRAINT audit_events_pkey PRIMARY KEY (tenant_id, id);

-- Name: contact_amendments contact_amendments_pkey; Type: CONSTRAINT; Schema: public

ALTER TABLE ONLY public.contact_amendments
    ADD CONSTRAINT contact_amendments_pkey PRIMARY KEY (tenant_id, id);

-- Name: contacts contacts_pkey; Type: CONSTRAINT; Schema: public

ALTER TABLE ONLY public.contacts
    ADD CONSTRAINT contacts_pkey PRIMARY KEY (tenant_id, id);

-- Name: enrolment_corrections enrolment_corrections_pkey; Type: CONSTRAINT; Schema: public

ALTER TABLE ONLY public.enrolment_corrections
    ADD CONSTRAINT enrolment_corrections_pkey PRIMARY KEY (tenant_id, id);

-- Name: enrolments enrolments_pkey; Type: CONSTRAINT; Schema: public

ALTER TABLE ONLY public.enrolments
    ADD CONSTRAINT enrolments_pkey PRIMARY KEY (tenant_id, id);

-- Name: esf_files esf_files_pkey; Type: CONSTRAINT; Schema: public

ALTER TABLE ONLY public.esf_files
    ADD CONSTRAINT esf_files_pkey PRIMARY KEY (tenant_id, id);

-- Name: esf_hours esf_hours_pkey; Type: CONSTRAINT; Schema: public

ALTER TABLE ONLY public.esf_hours
    ADD CONSTRAINT esf_hours_pkey PRIMARY KEY (tenant_id, enrolment_id, month);

-- Name: export_keys export_keys_pkey; Type: CONSTRAINT; Schema: public

ALTER TABLE ONLY public.export_keys
    ADD CONSTRAINT export_keys_pkey PRIMARY KEY (project_id, org_id, version);

-- Name: followup_revisions followup_revisions_pkey; Type: CONSTRAINT; Schema: public

ALTER TABLE ONLY public.followup_revisions
    ADD CONSTRAINT followup_revisions_pkey PRIMARY KEY (tenant_id, id);

-- Name: followups followups_pkey; Type: CONSTRAINT; Schema: public

ALTER TABLE ONLY public.followups
    ADD CONSTRAINT followups_pkey PRIMARY KEY (tenant_id, id);

-- Name: followups followups_tenant_id_enrolment_id_kind_key; Type: CONSTRAINT; Schema: public

ALTER TABLE ONLY public.followups
    ADD CONSTRAINT followups_tenant_id_enrolment_id_kind_key UNIQUE (tenant_id, enrolment_id, kind);

-- Name: identity_providers identity_providers_pkey; Type: CONSTRAINT; Schema: public

ALTER TABLE ONLY public.identity_providers
    ADD CONSTRAINT identity_providers_pkey PRIMARY KEY (tenant_id, id);

-- Name: identity_providers identity_providers_tenant_id_name_key; Type: CONSTRAINT; Schema: public

ALTER TABLE ONLY public.identity_providers
    ADD CONSTRAINT identity_providers_tenant_id_name_key UNIQUE (tenant_id, name);

-- Name: import_list_people import_list_people_pkey; Type: CONSTRAINT; Schema: public

ALTER TABLE ONLY public.import_list_people
    ADD CONSTRAINT import_list_people_pkey PRIMARY KEY (tenant_id, list_id, participant_id);

-- Name: import_lists import_lists_pkey; Type: CONSTRAINT; Schema: public

ALTER TABLE ONLY public.import_lists
    ADD CONSTRAINT import_lists_pkey PRIMARY KEY (tenant_id, id);

-- Name: import_unidentified import_unidentified_pkey; Type: CONSTRAINT; Schema: public

ALTER TABLE ONLY public.import_unidentified
    ADD CONSTRAINT import_unidentified_pkey PRIMARY KEY (tenant_id, id);

-- Name: import_unidentified import_unidentified_tenant_id_number_key; Type: CONSTRAINT; Schema: public

ALTER TABLE ONLY public.import_unidentified
    ADD CONSTRAINT import_unidentified_tenant_id_number_key UNIQUE (tenant_id, number);

-- Name: imports imports_pkey; Type: CONSTRAINT; Schema: public

ALTER TABLE ONLY public.imports
    ADD CONSTRAINT imports_pkey PRIMARY KEY (tenant_id, id);

-- Name: mappings mappings_pkey; Type: CONSTRAINT; Schema: public

ALTER TABLE ONLY public.mappings
    ADD CONSTRAINT mappings_pkey PRIMARY KEY (tenant_id, participant_id, version);

-- Name: memberships memberships_pkey; Type: CONSTRAINT; Schema: public

ALTER TABLE ONLY public.memberships
    ADD CONSTRAINT memberships_pkey PRIMARY KEY (tenant_id, user_id, role);

-- Name: move_consents move_consents_pkey; Type: CONSTRAINT; Schema: public

ALTER TABLE ONLY public.move_consents
    ADD CONSTRAINT move_consents_pkey PRIMARY KEY (tenant_id, id);

-- Name: move_notices move_notices_pkey; Type: CONSTRAINT; Schema: public

ALTER TABLE ONLY public.move_notices
    ADD CONSTRAINT move_notices_pkey PRIMARY KEY (tenant_id, id);

-- Name: move_notices move_notices_tenant_id_from_org_id_source_enrolment_key; Type: CONSTRAINT; Schema: public

ALTER TABLE ONLY public.move_notices
    ADD CONSTRAINT move_notices_tenant_id_from_org_id_source_enrolment_key UNIQUE (tenant_id, from_org_id, source_enrolment);

-- Name: orgs orgs_key_key; Type: CONSTRAINT; Schema: public

ALTER TABLE ONLY public.orgs
    ADD CONSTRAINT orgs_key_key UNIQUE (key);

-- Name: orgs orgs_pkey; Type: CONSTRAINT; Schema: public

ALTER TABLE ONLY public.orgs
    ADD CONSTRAINT orgs_pkey PRIMARY KEY (id);

-- Name: participant_coordinators participant_coordinators_pkey; Type: CONSTRAINT; Schema: public

ALTER TABLE ONLY public.participant_coordinators
    ADD CONSTRAINT participant_coordinators_pkey PRIMARY KEY (tenant_id, participant_id, user_id);

-- Name: participants participants_pkey; Type: CONSTRAINT; Schema: public

ALTER TABLE ONLY public.participants
    ADD CONSTRAINT participants_pkey PRIMARY KEY (tenant_id, id);

-- Name: password_resets password_resets_pkey; Type: CONSTRAINT; Schema: public

ALTER TABLE ONLY public.password_resets
    ADD CONSTRAINT password_resets_pkey PRIMARY KEY (token_hash);

-- Name: plan_goals plan_goals_pkey; Type: CONSTRAINT; Schema: public

ALTER TABLE ONLY public.plan_goals
    ADD CONSTRAINT plan_goals_pkey PRIMARY KEY (tenant_id, participant_id, version, "position");

-- Name: plan_measure_goals plan_measure_goals_pkey; Type: CONSTRAINT; Schema: public

ALTER TABLE ONLY public.plan_measure_goals
    ADD CONSTRAINT plan_measure_goals_pkey PRIMARY KEY (tenant_id, participant_id, version, measure, goal);

-- Name: plan_measures plan_measures_pkey; Type: CONSTRAINT; Schema: public

ALTER TABLE ONLY public.plan_measures
    ADD CONSTRAINT plan_measures_pkey PRIMARY KEY (tenant_id, participant_id, version, "position");

-- Name: plans plans_pkey; Type: CONSTRAINT; Schema: public

ALTER TABLE ONLY public.plans
    ADD CONSTRAINT plans_pkey PRIMARY KEY (tenant_id, participant_id, version);

-- Name: project_invitations project_invitations_pkey; Type: CONSTRAINT; Schema: public

ALTER TABLE ONLY public.project_invitations
    ADD CONSTRAINT project_invitations_pkey PRIMARY KEY (project_id, org_id);

-- Name: project_orgs project_orgs_pkey; Type: CONSTRAINT; Schema: public

ALTER TABLE ONLY public.project_orgs
    ADD CONSTRAINT project_orgs_pkey PRIMARY KEY (project_id, org_id);

-- Name: project_roles project_roles_pkey; Type: CONSTRAINT; Schema: public

ALTER TABLE ONLY public.project_roles
    ADD CONSTRAINT project_roles_pkey PRIMARY KEY (project_id, user_id, role);

-- Name: project_targets project_targets_pkey; Type: CONSTRAINT; Schema: public

ALTER TABLE ONLY public.project_targets
    ADD CONSTRAINT project_targets_pkey PRIMARY KEY (project_id, indicator);

-- Name: projects projects_key_key; Type: CONSTRAINT; Schema: public

ALTER TABLE ONLY public.projects
    ADD CONSTRAINT projects_key_key UNIQUE (key);

-- Name: projects projects_pkey; Type: CONSTRAINT; Schema: public

ALTER TABLE ONLY public.projects
    ADD CONSTRAINT projects_pkey PRIMARY KEY (id);

-- Name: recovery_codes recovery_codes_pkey; Type: CONSTRAINT; Schema: public

ALTER TABLE ONLY public.recovery_codes
    ADD CONSTRAINT recovery_codes_pkey PRIMARY KEY (user_id, code_hash);

-- Name: retention_decisions retention_decisions_pkey; Type: CONSTRAINT; Schema: public

ALTER TABLE ONLY public.retention_decisions
    ADD CONSTRAINT retention_decisions_pkey PRIMARY KEY (tenant_id, id);

-- Name: retention_policies retention_policies_pkey; Type: CONSTRAINT; Schema: public

ALTER TABLE ONLY public.retention_policies
    ADD CONSTRAINT retention_policies_pkey PRIMARY KEY (tenant_id);

-- Name: scb_files scb_files_pkey; Type: CONSTRAINT; Schema: public

ALTER TABLE ONLY public.scb_files
    ADD CONSTRAINT scb_files_pkey PRIMARY KEY (tenant_id, id);

-- Name: schema_migrations schema_migrations_pkey; Type: CONSTRAINT; Schema: public

ALTER TABLE ONLY public.schema_migrations
    ADD CONSTRAINT schema_migrations_pkey PRIMARY KEY (version);

-- Name: school_systems school_systems_pkey; Type: CONSTRAINT; Schema: public

ALTER TABLE ONLY public.school_systems
    ADD CONSTRAINT school_systems_pkey PRIMARY KEY (tenant_id, id);

-- Name: school_systems school_systems_tenant_id_name_key; Type: CONSTRAINT; Schema: public

ALTER TABLE ONLY public.school_systems
    ADD CONSTRAINT school_systems_tenant_id_name_key UNIQUE (tenant_id, name);

-- Name: scim_tokens scim_tokens_pkey; Type: CONSTRAINT; Schema: public

ALTER TABLE ONLY public.scim_tokens
    ADD CONSTRAINT scim_tokens_pkey PRIMARY KEY (tenant_id);

-- Name: scim_users scim_users_pkey; Type: CONSTRAINT; Schema: public

ALTER TABLE ONLY public.scim_users
    ADD CONSTRAINT scim_users_pkey PRIMARY KEY (tenant_id, user_id);

-- Name: scim_users scim_users_tenant_id_external_id_key; Type: CONSTRAINT; Schema: public

ALTER TABLE ONLY public.scim_users
    ADD CONSTRAINT scim_users_tenant_id_external_id_key UNIQUE (tenant_id, external_id);

-- Name: scim_users scim_users_tenant_id_user_name_key; Type: CONSTRAINT; Schema: public

ALTER TABLE ONLY public.scim_users
    ADD CONSTRAINT scim_users_tenant_id_user_name_key UNIQUE (tenant_id, user_name);

-- Name: security_events security_events_pkey; Type: CONSTRAINT; Schema: public

ALTER TABLE ONLY public.security_events
    ADD CONSTRAINT security_events_pkey PRIMARY KEY (id);

-- Name: sessions sessions_pkey; Type: CONSTRAINT; Schema: public

ALTER TABLE ONLY public.sessions
    ADD CONSTRAINT sessions_pkey PRIMARY KEY (token);

-- Name: signin_throttle signin_throttle_pkey; Type: CONSTRAINT; Schema: public

ALTER TABLE ONLY public.signin_throttle
    ADD CONSTRAINT signin_throttle_pkey PRIMARY KEY (key);

-- Name: sms_messages sms_messages_pkey; Type: CONSTRAINT; Schema: public

ALTER TABLE ONLY public.sms_messages
    ADD CONSTRAINT sms_messages_pkey PRIMARY KEY (tenant_id, id);

-- Name: subprojects subprojects_org_id_key; Type: CONSTRAINT; Schema: public

ALTER TABLE ONLY public.subprojects
    ADD CONSTRAINT subprojects_org_id_key UNIQUE (org_id, id);

-- Name: subprojects subprojects_pkey; Type: CONSTRAINT; Schema: public

ALTER TABLE ONLY public.subprojects
    ADD CONSTRAINT subprojects_pkey PRIMARY KEY (id);

-- Name: subprojects subprojects_project_id_org_id_name_key; Type: CONSTRAINT; Schema: public

ALTER TABLE ONLY public.subprojects
    ADD CONSTRAINT subprojects_project_id_org_id_name_key UNIQUE (project_id, org_id, name);

-- Name: tenant_settings tenant_settings_pkey; Type: CONSTRAINT; Schema: public

ALTER TABLE ONLY public.tenant_settings
    ADD CONSTRAINT tenant_settings_pkey PRIMARY KEY (tenant_id);

-- Name: user_identities user_identities_pkey; Type: CONSTRAINT; Schema: public

ALTER TABLE ONLY public.user_identities
    ADD CONSTRAINT user_identities_pkey PRIMARY KEY (tenant_id, issuer, subject);

-- Name: user_identities user_identities_tenant_id_provider_id_user_id_key; Type: CONSTRAINT; Schema: public

ALTER TABLE ONLY public.user_identities
    ADD CONSTRAINT user_identities_tenant_id_provider_id_user_id_key UNIQUE (tenant_id, provider_id, user_id);

-- Name: users users_pkey; Type: CONSTRAINT; Schema: public

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_pkey PRIMARY KEY (id);

-- Name: appointments_open_idx; Type: INDEX; Schema: public

CREATE INDEX appointments_open_idx ON public.appointments USING btree (tenant_id, responsible, due_at) WHERE ((done_at IS NULL) AND (cancelled_at IS NULL));

-- Name: appointments_participant_idx; Type: INDEX; Schema: public

CREATE INDEX appointments_participant_idx ON public.appointments USING btree (tenant_id, participant_id, due_at);

-- Name: audit_events_record_idx; Type: INDEX; Schema: public

CREATE INDEX audit_events_record_idx ON public.audit_events USING btree (tenant_id, record_type, record_id, at);

-- Name: audit_events_seq_key; Type: INDEX; Schema: public

CREATE UNIQUE INDEX audit_events_seq_key ON public.audit_events USING btree (tenant_id, seq);

-- Name: audit_events_user_idx; Type: INDEX; Schema: public

CREATE INDEX audit_events_user_idx ON public.audit_events USING btree (tenant_id, user_id, at);

-- Name: contact_amendments_contact_idx; Type: INDEX; Schema: public

CREATE INDEX contact_amendments_contact_idx ON public.contact_amendments USING btree (tenant_id, contact_id);

-- Name: contact_amendments_note_search_idx; Type: INDEX; Schema: public

CREATE INDEX contact_amendments_note_search_idx ON public.contact_amendments USING gin (tenant_id, to_tsvector('swedish'::regconfig, note));

-- Name: contacts_amended_idx; Type: INDEX; Schema: public

CREATE INDEX contacts_amended_idx ON public.contacts USING btree (tenant_id, participant_id) WHERE amended;

-- Name: contacts_note_search_idx; Type: INDEX; Schema: public

CREATE INDEX contacts_note_search_idx ON public.contacts USING gin (tenant_id, to_tsvector('swedish'::regconfig, note));

-- Name: contacts_participant_idx; Type: INDEX; Schema: public

CREATE INDEX contacts_participant_idx ON public.contacts USING btree (tenant_id, participant_id, occurred_at DESC);

-- Name: contacts_time_idx; Type: INDEX; Schema: public

CREATE INDEX contacts_time_idx ON public.contacts USING btree (tenant_id, occurred_at);

-- Name: enrolment_corrections_participant_idx; Type: INDEX; Schema: public

CREATE INDEX enrolment_corrections_participant_idx ON public.enrolment_corrections USING btree (tenant_id, participant_id);

-- Name: enrolments_open_kaa_key; Type: INDEX; Schema: public

CREATE UNIQUE INDEX enrolments_open_kaa_key ON public.enrolments USING btree (tenant_id, participant_id) WHERE ((kind = 'kaa'::text) AND (ends_on IS NULL));

-- Name: enrolments_participant_idx; Type: INDEX; Schema: public

CREATE INDEX enrolments_participant_idx ON public.enrolments USING btree (tenant_id, participant_id);

-- Name: enrolments_subproject_idx; Type: INDEX; Schema: public

CREATE INDEX enrolments_subproject_idx ON public.enrolments USING btree (tenant_id, subproject_id) WHERE (subproject_id IS NOT NULL);

-- Name: esf_files_month_idx; Type: INDEX; Schema: public

CREATE INDEX esf_files_month_idx ON public.esf_files USING btree (tenant_id, project_id, month, id);

-- Name: followup_revisions_followup_idx; Type: INDEX; Schema: public

CREATE INDEX followup_revisions_followup_idx ON public.followup_revisions USING btree (tenant_id, followup_id);

-- Name: followups_due_idx; Type: INDEX; Schema: public

CREATE INDEX followups_due_idx ON public.followups USING btree (tenant_id, due_on) WHERE (done_on IS NULL);

-- Name: followups_participant_idx; Type: INDEX; Schema: public

CREATE INDEX followups_participant_idx ON public.followups USING btree (tenant_id, participant_id);

-- Name: import_list_people_participant; Type: INDEX; Schema: public

CREATE INDEX import_list_people_participant ON public.import_list_people USING btree (tenant_id, participant_id);

-- Name: import_lists_source; Type: INDEX; Schema: public

CREATE INDEX import_lists_source ON public.import_lists USING btree (tenant_id, source, id DESC);

-- Name: mappings_text_search_idx; Type: INDEX; Schema: public

CREATE INDEX mappings_text_search_idx ON public.mappings USING gin (tenant_id, to_tsvector('swedish'::regconfig, ((((strengths || ' '::text) || challenges) || ' '::text) || direction_note)));

-- Name: memberships_user_idx; Type: INDEX; Schema: public

CREATE INDEX memberships_user_idx ON public.memberships USING btree (user_id);

-- Name: move_consents_enrolment; Type: INDEX; Schema: public

CREATE INDEX move_consents_enrolment ON public.move_consents USING btree (tenant_id, enrolment_id);

-- Name: move_notices_open; Type: INDEX; Schema: public

CREATE INDEX move_notices_open ON public.move_notices USING btree (tenant_id, sent_at) WHERE (outcome IS NULL);

-- Name: participant_coordinators_user_idx; Type: INDEX; Schema: public

CREATE INDEX participant_coordinators_user_idx ON public.participant_coordinators USING btree (tenant_id, user_id);

-- Name: participants_birth_idx; Type: INDEX; Schema: public

CREATE INDEX participants_birth_idx ON public.participants USING btree (tenant_id, birth_date);

-- Name: participants_last_contact_idx; Type: INDEX; Schema: public

CREATE INDEX participants_last_contact_idx ON public.participants USING btree (tenant_id, last_contact_at);

-- Name: participants_live_status_idx; Type: INDEX; Schema: public

CREATE INDEX participants_live_status_idx ON public.participants USING btree (tenant_id, status, lower(last_name), lower(first_name), id) WHERE (erased_on IS NULL);

-- Name: participants_name_idx; Type: INDEX; Schema: public

CREATE INDEX participants_name_idx ON public.participants USING btree (tenant_id, lower(last_name), lower(first_name));

-- Name: participants_personnummer_key; Type: INDEX; Schema: public

CREATE UNIQUE INDEX participants_personnummer_key ON public.participants USING btree (tenant_id, personnummer) WHERE (personnummer <> ''::text);

-- Name: password_resets_expires_at_idx; Type: INDEX; Schema: public

CREATE INDEX password_resets_expires_at_idx ON public.password_resets USING btree (expires_at);

-- Name: password_resets_user_id_idx; Type: INDEX; Schema: public

CREATE INDEX password_resets_user_id_idx ON public.password_resets USING btree (user_id);

-- Name: plan_goals_text_search_idx; Type: INDEX; Schema: public

CREATE INDEX plan_goals_text_search_idx ON public.plan_goals USING gin (tenant_id, to_tsvector('swedish'::regconfig, text));

-- Name: plan_measures_follow_up_idx; Type: INDEX; Schema: public

CREATE INDEX plan_measures_follow_up_idx ON public.plan_measures USING btree (tenant_id, follow_up_on) WHERE (ends_on IS NULL);

-- Name: plan_measures_text_search_idx; Type: INDEX; Schema: public

CREATE INDEX plan_measures_text_search_idx ON public.plan_measures USING gin (tenant_id, to_tsvector('swedish'::regconfig, ((description || ' '::text) || responsible_unit)));

-- Name: plans_change_note_search_idx; Type: INDEX; Schema: public

CREATE INDEX plans_change_note_search_idx ON public.plans USING gin (tenant_id, to_tsvector('swedish'::regconfig, change_note));

-- Name: project_invitations_org_idx; Type: INDEX; Schema: public

CREATE INDEX project_invitations_org_idx ON public.project_invitations USING btree (org_id);

-- Name: project_orgs_org_idx; Type: INDEX; Schema: public

CREATE INDEX project_orgs_org_idx ON public.project_orgs USING btree (org_id);

-- Name: project_roles_user_idx; Type: INDEX; Schema: public

CREATE INDEX project_roles_user_idx ON public.project_roles USING btree (user_id);

-- Name: retention_decisions_current; Type: INDEX; Schema: public

CREATE INDEX retention_decisions_current ON public.retention_decisions USING btree (tenant_id, recorded_at DESC, id DESC);

-- Name: scb_files_half_year_idx; Type: INDEX; Schema: public

CREATE INDEX scb_files_half_year_idx ON public.scb_files USING btree (tenant_id, half_year, spec_version, id);

-- Name: security_events_user_idx; Type: INDEX; Schema: public

CREATE INDEX security_events_user_idx ON public.security_events USING btree (user_id, at);

-- Name: sessions_expiry_idx; Type: INDEX; Schema: public

CREATE INDEX sessions_expiry_idx ON public.sessions USING btree (expiry);

-- Name: sms_messages_contact_idx; Type: INDEX; Schema: public

CREATE INDEX sms_messages_contact_idx ON public.sms_messages USING btree (tenant_id, contact_id);

-- Name: sms_messages_participant_idx; Type: INDEX; Schema: public

CREATE INDEX sms_messages_participant_idx ON public.sms_messages USING btree (tenant_id, participant_id, id);

-- Name: sms_messages_phone_idx; Type: INDEX; Schema: public

CREATE INDEX sms_messages_phone_idx ON public.sms_messages USING btree (phone, id) WHERE (direction = 'outgoing'::text);

-- Name: sms_messages_provider_idx; Type: INDEX; Schema: public

CREATE INDEX sms_messages_provider_idx ON public.sms_messages USING btree (provider_id) WHERE (provider_id <> ''::text);

-- Name: user_identities_user; Type: INDEX; Schema: public

CREATE INDEX user_identities_user ON public.user_identities USING btree (user_id);

-- Name: users_email_key; Type: INDEX; Schema: public

CREATE UNIQUE INDEX users_email_key ON public.users USING btree (email);

-- Name: audit_events audit_chain; Type: TRIGGER; Schema: public

CREATE TRIGGER audit_chain BEFORE INSERT ON public.audit_events FOR EACH ROW EXECUTE FUNCTION public.audit_chain();

-- Name: contacts keep_amended_original; Type: TRIGGER; Schema: public

CREATE TRIGGER keep_amended_original BEFORE UPDATE ON public.contacts FOR EACH ROW EXECUTE FUNCTION public.contacts_keep_amended_original();

-- Name: contact_amendments mark_amended; Type: TRIGGER; Schema: public

CREATE TRIGGER mark_amended AFTER INSERT ON public.contact_amendments REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.mark_amended();

-- Name: memberships memberships_no_system_admin; Type: TRIGGER; Schema: public

CREATE TRIGGER memberships_no_system_admin BEFORE INSERT OR UPDATE ON public.memberships FOR EACH ROW EXECUTE FUNCTION public.memberships_no_system_admin();

-- Name: contact_amendments summary_amendments_insert; Type: TRIGGER; Schema: public

CREATE TRIGGER summary_amendments_insert AFTER INSERT ON public.contact_amendments REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.refresh_from_amendments();

-- Name: contacts summary_contacts_insert; Type: TRIGGER; Schema: public

CREATE TRIGGER summary_contacts_insert AFTER INSERT ON public.contacts REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.refresh_from_contacts();

-- Name: contacts summary_contacts_update; Type: TRIGGER; Schema: public

CREATE TRIGGER summary_contacts_update AFTER UPDATE ON public.contacts REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.refresh_from_contacts();

-- Name: enrolments summary_enrolments_insert; Type: TRIGGER; Schema: public

CREATE TRIGGER summary_enrolments_insert AFTER INSERT ON public.enrolments REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.refresh_from_contacts();

-- Name: enrolments summary_enrolments_update; Type: TRIGGER; Schema: public

CREATE TRIGGER summary_enrolments_update AFTER UPDATE ON public.enrolments REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.refresh_from_contacts();

-- Name: plans summary_plans_insert; Type: TRIGGER; Schema: public

CREATE TRIGGER summary_plans_insert AFTER INSERT ON public.plans REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.refresh_from_plans();

-- Name: appointments appointments_created_by_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.appointments
    ADD CONSTRAINT appointments_created_by_fkey FOREIGN KEY (created_by) REFERENCES public.users(id);

-- Name: appointments appointments_responsible_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.appointments
    ADD CONSTRAINT appointments_responsible_fkey FOREIGN KEY (responsible) REFERENCES public.users(id);

-- Name: appointments appointments_tenant_id_participant_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.appointments
    ADD CONSTRAINT appointments_tenant_id_participant_id_fkey FOREIGN KEY (tenant_id, participant_id) REFERENCES public.participants(tenant_id, id) ON DELETE CASCADE;

-- Name: audit_events audit_events_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.audit_events
    ADD CONSTRAINT audit_events_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.orgs(id);

-- Name: audit_events audit_events_user_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.audit_events
    ADD CONSTRAINT audit_events_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id);

-- Name: contact_amendments contact_amendments_created_by_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.contact_amendments
    ADD CONSTRAINT contact_amendments_created_by_fkey FOREIGN KEY (created_by) REFERENCES public.users(id);

-- Name: contact_amendments contact_amendments_tenant_id_contact_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.contact_amendments
    ADD CONSTRAINT contact_amendments_tenant_id_contact_id_fkey FOREIGN KEY (tenant_id, contact_id) REFERENCES public.contacts(tenant_id, id) ON DELETE CASCADE;

-- Name: contacts contacts_created_by_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.contacts
    ADD CONSTRAINT contacts_created_by_fkey FOREIGN KEY (created_by) REFERENCES public.users(id);

-- Name: contacts contacts_tenant_id_participant_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.contacts
    ADD CONSTRAINT contacts_tenant_id_participant_id_fkey FOREIGN KEY (tenant_id, participant_id) REFERENCES public.participants(tenant_id, id) ON DELETE CASCADE;

-- Name: enrolment_corrections enrolment_corrections_corrected_by_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.enrolment_corrections
    ADD CONSTRAINT enrolment_corrections_corrected_by_fkey FOREIGN KEY (corrected_by) REFERENCES public.users(id);

-- Name: enrolment_corrections enrolment_corrections_tenant_id_enrolment_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.enrolment_corrections
    ADD CONSTRAINT enrolment_corrections_tenant_id_enrolment_id_fkey FOREIGN KEY (tenant_id, enrolment_id) REFERENCES public.enrolments(tenant_id, id) ON DELETE CASCADE;

-- Name: enrolment_corrections enrolment_corrections_tenant_id_participant_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.enrolment_corrections
    ADD CONSTRAINT enrolment_corrections_tenant_id_participant_id_fkey FOREIGN KEY (tenant_id, participant_id) REFERENCES public.participants(tenant_id, id) ON DELETE CASCADE;

-- Name: enrolments enrolments_created_by_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.enrolments
    ADD CONSTRAINT enrolments_created_by_fkey FOREIGN KEY (created_by) REFERENCES public.users(id);

-- Name: enrolments enrolments_tenant_id_participant_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.enrolments
    ADD CONSTRAINT enrolments_tenant_id_participant_id_fkey FOREIGN KEY (tenant_id, participant_id) REFERENCES public.participants(tenant_id, id) ON DELETE CASCADE;

-- Name: enrolments enrolments_tenant_id_subproject_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.enrolments
    ADD CONSTRAINT enrolments_tenant_id_subproject_id_fkey FOREIGN KEY (tenant_id, subproject_id) REFERENCES public.subprojects(org_id, id);

-- Name: esf_files esf_files_created_by_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.esf_files
    ADD CONSTRAINT esf_files_created_by_fkey FOREIGN KEY (created_by) REFERENCES public.users(id);

-- Name: esf_files esf_files_project_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.esf_files
    ADD CONSTRAINT esf_files_project_id_fkey FOREIGN KEY (project_id) REFERENCES public.projects(id);

-- Name: esf_files esf_files_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.esf_files
    ADD CONSTRAINT esf_files_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.orgs(id);

-- Name: esf_hours esf_hours_recorded_by_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.esf_hours
    ADD CONSTRAINT esf_hours_recorded_by_fkey FOREIGN KEY (recorded_by) REFERENCES public.users(id);

-- Name: esf_hours esf_hours_tenant_id_enrolment_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.esf_hours
    ADD CONSTRAINT esf_hours_tenant_id_enrolment_id_fkey FOREIGN KEY (tenant_id, enrolment_id) REFERENCES public.enrolments(tenant_id, id) ON DELETE CASCADE;

-- Name: export_keys export_keys_project_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.export_keys
    ADD CONSTRAINT export_keys_project_id_fkey FOREIGN KEY (project_id) REFERENCES public.projects(id) ON DELETE CASCADE;

-- Name: followup_revisions followup_revisions_replaced_by_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.followup_revisions
    ADD CONSTRAINT followup_revisions_replaced_by_fkey FOREIGN KEY (replaced_by) REFERENCES public.users(id);

-- Name: followup_revisions followup_revisions_tenant_id_followup_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.followup_revisions
    ADD CONSTRAINT followup_revisions_tenant_id_followup_id_fkey FOREIGN KEY (tenant_id, followup_id) REFERENCES public.followups(tenant_id, id) ON DELETE CASCADE;

-- Name: followups followups_recorded_by_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.followups
    ADD CONSTRAINT followups_recorded_by_fkey FOREIGN KEY (recorded_by) REFERENCES public.users(id);

-- Name: followups followups_tenant_id_enrolment_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.followups
    ADD CONSTRAINT followups_tenant_id_enrolment_id_fkey FOREIGN KEY (tenant_id, enrolment_id) REFERENCES public.enrolments(tenant_id, id) ON DELETE CASCADE;

-- Name: followups followups_tenant_id_participant_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.followups
    ADD CONSTRAINT followups_tenant_id_participant_id_fkey FOREIGN KEY (tenant_id, participant_id) REFERENCES public.participants(tenant_id, id) ON DELETE CASCADE;

-- Name: identity_providers identity_providers_created_by_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.identity_providers
    ADD CONSTRAINT identity_providers_created_by_fkey FOREIGN KEY (created_by) REFERENCES public.users(id);

-- Name: identity_providers identity_providers_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.identity_providers
    ADD CONSTRAINT identity_providers_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.orgs(id);

-- Name: import_list_people import_list_people_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.import_list_people
    ADD CONSTRAINT import_list_people_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.orgs(id);

-- Name: import_list_people import_list_people_tenant_id_list_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.import_list_people
    ADD CONSTRAINT import_list_people_tenant_id_list_id_fkey FOREIGN KEY (tenant_id, list_id) REFERENCES public.import_lists(tenant_id, id) ON DELETE CASCADE;

-- Name: import_list_people import_list_people_tenant_id_participant_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.import_list_people
    ADD CONSTRAINT import_list_people_tenant_id_participant_id_fkey FOREIGN KEY (tenant_id, participant_id) REFERENCES public.participants(tenant_id, id) ON DELETE CASCADE;

-- Name: import_lists import_lists_applied_by_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.import_lists
    ADD CONSTRAINT import_lists_applied_by_fkey FOREIGN KEY (applied_by) REFERENCES public.users(id);

-- Name: import_lists import_lists_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.import_lists
    ADD CONSTRAINT import_lists_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.orgs(id);

-- Name: import_unidentified import_unidentified_created_by_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.import_unidentified
    ADD CONSTRAINT import_unidentified_created_by_fkey FOREIGN KEY (created_by) REFERENCES public.users(id);

-- Name: import_unidentified import_unidentified_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.import_unidentified
    ADD CONSTRAINT import_unidentified_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.orgs(id);

-- Name: imports imports_created_by_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.imports
    ADD CONSTRAINT imports_created_by_fkey FOREIGN KEY (created_by) REFERENCES public.users(id);

-- Name: imports imports_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.imports
    ADD CONSTRAINT imports_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.orgs(id);

-- Name: mappings mappings_created_by_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.mappings
    ADD CONSTRAINT mappings_created_by_fkey FOREIGN KEY (created_by) REFERENCES public.users(id);

-- Name: mappings mappings_tenant_id_participant_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.mappings
    ADD CONSTRAINT mappings_tenant_id_participant_id_fkey FOREIGN KEY (tenant_id, participant_id) REFERENCES public.participants(tenant_id, id) ON DELETE CASCADE;

-- Name: memberships memberships_created_by_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.memberships
    ADD CONSTRAINT memberships_created_by_fkey FOREIGN KEY (created_by) REFERENCES public.users(id);

-- Name: memberships memberships_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.memberships
    ADD CONSTRAINT memberships_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.orgs(id);

-- Name: memberships memberships_user_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.memberships
    ADD CONSTRAINT memberships_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id);

-- Name: move_consents move_consents_recorded_by_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.move_consents
    ADD CONSTRAINT move_consents_recorded_by_fkey FOREIGN KEY (recorded_by) REFERENCES public.users(id);

-- Name: move_consents move_consents_tenant_id_enrolment_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.move_consents
    ADD CONSTRAINT move_consents_tenant_id_enrolment_id_fkey FOREIGN KEY (tenant_id, enrolment_id) REFERENCES public.enrolments(tenant_id, id);

-- Name: move_consents move_consents_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.move_consents
    ADD CONSTRAINT move_consents_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.orgs(id);

-- Name: move_consents move_consents_tenant_id_participant_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.move_consents
    ADD CONSTRAINT move_consents_tenant_id_participant_id_fkey FOREIGN KEY (tenant_id, participant_id) REFERENCES public.participants(tenant_id, id);

-- Name: move_notices move_notices_from_org_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.move_notices
    ADD CONSTRAINT move_notices_from_org_id_fkey FOREIGN KEY (from_org_id) REFERENCES public.orgs(id);

-- Name: move_notices move_notices_handled_by_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.move_notices
    ADD CONSTRAINT move_notices_handled_by_fkey FOREIGN KEY (handled_by) REFERENCES public.users(id);

-- Name: move_notices move_notices_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.move_notices
    ADD CONSTRAINT move_notices_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.orgs(id);

-- Name: participant_coordinators participant_coordinators_tenant_id_participant_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.participant_coordinators
    ADD CONSTRAINT participant_coordinators_tenant_id_participant_id_fkey FOREIGN KEY (tenant_id, participant_id) REFERENCES public.participants(tenant_id, id) ON DELETE CASCADE;

-- Name: participant_coordinators participant_coordinators_user_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.participant_coordinators
    ADD CONSTRAINT participant_coordinators_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id);

-- Name: participants participants_created_by_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.participants
    ADD CONSTRAINT participants_created_by_fkey FOREIGN KEY (created_by) REFERENCES public.users(id);

-- Name: participants participants_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.participants
    ADD CONSTRAINT participants_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.orgs(id);

-- Name: password_resets password_resets_user_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.password_resets
    ADD CONSTRAINT password_resets_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;

-- Name: plan_goals plan_goals_tenant_id_participant_id_version_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.plan_goals
    ADD CONSTRAINT plan_goals_tenant_id_participant_id_version_fkey FOREIGN KEY (tenant_id, participant_id, version) REFERENCES public.plans(tenant_id, participant_id, version) ON DELETE CASCADE;

-- Name: plan_goals plan_goals_tenant_id_participant_id_version_parent_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.plan_goals
    ADD CONSTRAINT plan_goals_tenant_id_participant_id_version_parent_fkey FOREIGN KEY (tenant_id, participant_id, version, parent) REFERENCES public.plan_goals(tenant_id, participant_id, version, "position");

-- Name: plan_measure_goals plan_measure_goals_tenant_id_participant_id_version_goal_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.plan_measure_goals
    ADD CONSTRAINT plan_measure_goals_tenant_id_participant_id_version_goal_fkey FOREIGN KEY (tenant_id, participant_id, version, goal) REFERENCES public.plan_goals(tenant_id, participant_id, version, "position") ON DELETE CASCADE;

-- Name: plan_measure_goals plan_measure_goals_tenant_id_participant_id_version_measur_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.plan_measure_goals
    ADD CONSTRAINT plan_measure_goals_tenant_id_participant_id_version_measur_fkey FOREIGN KEY (tenant_id, participant_id, version, measure) REFERENCES public.plan_measures(tenant_id, participant_id, version, "position") ON DELETE CASCADE;

-- Name: plan_measures plan_measures_tenant_id_participant_id_version_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.plan_measures
    ADD CONSTRAINT plan_measures_tenant_id_participant_id_version_fkey FOREIGN KEY (tenant_id, participant_id, version) REFERENCES public.plans(tenant_id, participant_id, version) ON DELETE CASCADE;

-- Name: plans plans_created_by_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.plans
    ADD CONSTRAINT plans_created_by_fkey FOREIGN KEY (created_by) REFERENCES public.users(id);

-- Name: plans plans_tenant_id_participant_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.plans
    ADD CONSTRAINT plans_tenant_id_participant_id_fkey FOREIGN KEY (tenant_id, participant_id) REFERENCES public.participants(tenant_id, id) ON DELETE CASCADE;

-- Name: project_invitations project_invitations_invited_by_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.project_invitations
    ADD CONSTRAINT project_invitations_invited_by_fkey FOREIGN KEY (invited_by) REFERENCES public.users(id);

-- Name: project_invitations project_invitations_org_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.project_invitations
    ADD CONSTRAINT project_invitations_org_id_fkey FOREIGN KEY (org_id) REFERENCES public.orgs(id);

-- Name: project_invitations project_invitations_project_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.project_invitations
    ADD CONSTRAINT project_invitations_project_id_fkey FOREIGN KEY (project_id) REFERENCES public.projects(id) ON DELETE CASCADE;

-- Name: project_orgs project_orgs_accepted_by_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.project_orgs
    ADD CONSTRAINT project_orgs_accepted_by_fkey FOREIGN KEY (accepted_by) REFERENCES public.users(id);

-- Name: project_orgs project_orgs_org_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.project_orgs
    ADD CONSTRAINT project_orgs_org_id_fkey FOREIGN KEY (org_id) REFERENCES public.orgs(id);

-- Name: project_orgs project_orgs_project_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.project_orgs
    ADD CONSTRAINT project_orgs_project_id_fkey FOREIGN KEY (project_id) REFERENCES public.projects(id) ON DELETE CASCADE;

-- Name: project_roles project_roles_project_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.project_roles
    ADD CONSTRAINT project_roles_project_id_fkey FOREIGN KEY (project_id) REFERENCES public.projects(id) ON DELETE CASCADE;

-- Name: project_roles project_roles_user_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.project_roles
    ADD CONSTRAINT project_roles_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id);

-- Name: project_targets project_targets_project_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.project_targets
    ADD CONSTRAINT project_targets_project_id_fkey FOREIGN KEY (project_id) REFERENCES public.projects(id) ON DELETE CASCADE;

-- Name: projects projects_owner_org_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.projects
    ADD CONSTRAINT projects_owner_org_id_fkey FOREIGN KEY (owner_org_id) REFERENCES public.orgs(id);

-- Name: recovery_codes recovery_codes_user_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.recovery_codes
    ADD CONSTRAINT recovery_codes_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;

-- Name: retention_decisions retention_decisions_recorded_by_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.retention_decisions
    ADD CONSTRAINT retention_decisions_recorded_by_fkey FOREIGN KEY (recorded_by) REFERENCES public.users(id);

-- Name: retention_decisions retention_decisions_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.retention_decisions
    ADD CONSTRAINT retention_decisions_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.orgs(id);

-- Name: retention_policies retention_policies_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.retention_policies
    ADD CONSTRAINT retention_policies_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.orgs(id);

-- Name: scb_files scb_files_created_by_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.scb_files
    ADD CONSTRAINT scb_files_created_by_fkey FOREIGN KEY (created_by) REFERENCES public.users(id);

-- Name: scb_files scb_files_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.scb_files
    ADD CONSTRAINT scb_files_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.orgs(id);

-- Name: school_systems school_systems_created_by_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.school_systems
    ADD CONSTRAINT school_systems_created_by_fkey FOREIGN KEY (created_by) REFERENCES public.users(id);

-- Name: school_systems school_systems_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.school_systems
    ADD CONSTRAINT school_systems_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.orgs(id);

-- Name: scim_tokens scim_tokens_created_by_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.scim_tokens
    ADD CONSTRAINT scim_tokens_created_by_fkey FOREIGN KEY (created_by) REFERENCES public.users(id);

-- Name: scim_tokens scim_tokens_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.scim_tokens
    ADD CONSTRAINT scim_tokens_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.orgs(id);

-- Name: scim_users scim_users_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.scim_users
    ADD CONSTRAINT scim_users_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.orgs(id);

-- Name: scim_users scim_users_user_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.scim_users
    ADD CONSTRAINT scim_users_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id);

-- Name: security_events security_events_project_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.security_events
    ADD CONSTRAINT security_events_project_id_fkey FOREIGN KEY (project_id) REFERENCES public.projects(id);

-- Name: security_events security_events_user_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.security_events
    ADD CONSTRAINT security_events_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id);

-- Name: sms_messages sms_messages_created_by_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.sms_messages
    ADD CONSTRAINT sms_messages_created_by_fkey FOREIGN KEY (created_by) REFERENCES public.users(id);

-- Name: sms_messages sms_messages_tenant_id_contact_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.sms_messages
    ADD CONSTRAINT sms_messages_tenant_id_contact_id_fkey FOREIGN KEY (tenant_id, contact_id) REFERENCES public.contacts(tenant_id, id);

-- Name: sms_messages sms_messages_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.sms_messages
    ADD CONSTRAINT sms_messages_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.orgs(id);

-- Name: sms_messages sms_messages_tenant_id_participant_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.sms_messages
    ADD CONSTRAINT sms_messages_tenant_id_participant_id_fkey FOREIGN KEY (tenant_id, participant_id) REFERENCES public.participants(tenant_id, id);

-- Name: subprojects subprojects_project_id_org_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.subprojects
    ADD CONSTRAINT subprojects_project_id_org_id_fkey FOREIGN KEY (project_id, org_id) REFERENCES public.project_orgs(project_id, org_id) ON DELETE CASCADE;

-- Name: tenant_settings tenant_settings_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.tenant_settings
    ADD CONSTRAINT tenant_settings_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.orgs(id);

-- Name: user_identities user_identities_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.user_identities
    ADD CONSTRAINT user_identities_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.orgs(id);

-- Name: user_identities user_identities_tenant_id_provider_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.user_identities
    ADD CONSTRAINT user_identities_tenant_id_provider_id_fkey FOREIGN KEY (tenant_id, provider_id) REFERENCES public.identity_providers(tenant_id, id) ON DELETE CASCADE;

-- Name: user_identities user_identities_user_id_fkey; Type: FK CONSTRAINT; Schema: public

ALTER TABLE ONLY public.user_identities
    ADD CONSTRAINT user_identities_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id);

-- Name: project_orgs accepted_by_the_invited; Type: POLICY; Schema: public

CREATE POLICY accepted_by_the_invited ON public.project_orgs FOR INSERT TO kaa_app WITH CHECK (((org_id = public.app_tenant_id()) AND (accepted_by = public.app_user_id()) AND (EXISTS ( SELECT 1
   FROM public.project_invitations i
  WHERE ((i.project_id = project_orgs.project_id) AND (i.org_id = project_orgs.org_id)))) AND (EXISTS ( SELECT 1
   FROM public.memberships m
  WHERE ((m.tenant_id = project_orgs.org_id) AND (m.user_id = public.app_user_id()) AND (m.role = 'municipality_admin'::text))))));

-- Name: imports aggregate_purge; Type: POLICY; Schema: public

CREATE POLICY aggregate_purge ON public.imports FOR DELETE TO kaa_aggregate USING ((created_at < (now() - '1 day'::interval)));

-- Name: imports aggregate_purge_read; Type: POLICY; Schema: public

CREATE POLICY aggregate_purge_read ON public.imports FOR SELECT TO kaa_aggregate USING ((created_at < (now() - '1 day'::interval)));

-- Name: contact_amendments aggregate_read; Type: POLICY; Schema: public

CREATE POLICY aggregate_read ON public.contact_amendments FOR SELECT TO kaa_aggregate USING (true);

-- Name: contacts aggregate_read; Type: POLICY; Schema: public

CREATE POLICY aggregate_read ON public.contacts FOR SELECT TO kaa_aggregate USING (true);

-- Name: enrolments aggregate_read; Type: POLICY; Schema: public

CREATE POLICY aggregate_read ON public.enrolments FOR SELECT TO kaa_aggregate USING (true);

-- Name: followups aggregate_read; Type: POLICY; Schema: public

CREATE POLICY aggregate_read ON public.followups FOR SELECT TO kaa_aggregate USING (true);

-- Name: identity_providers aggregate_read; Type: POLICY; Schema: public

CREATE POLICY aggregate_read ON public.identity_providers FOR SELECT TO kaa_aggregate USING (true);

-- Name: memberships aggregate_read; Type: POLICY; Schema: public

CREATE POLICY aggregate_read ON public.memberships FOR SELECT TO kaa_aggregate USING (true);

-- Name: participants aggregate_read; Type: POLICY; Schema: public

CREATE POLICY aggregate_read ON public.participants FOR SELECT TO kaa_aggregate USING (true);

-- Name: plan_goals aggregate_read; Type: POLICY; Schema: public

CREATE POLICY aggregate_read ON public.plan_goals FOR SELECT TO kaa_aggregate USING (true);

-- Name: plan_measures aggregate_read; Type: POLICY; Schema: public

CREATE POLICY aggregate_read ON public.plan_measures FOR SELECT TO kaa_aggregate USING (true);

-- Name: plans aggregate_read; Type: POLICY; Schema: public

CREATE POLICY aggregate_read ON public.plans FOR SELECT TO kaa_aggregate USING (true);

-- Name: sms_messages aggregate_read; Type: POLICY; Schema: public

CREATE POLICY aggregate_read ON public.sms_messages FOR SELECT TO kaa_aggregate USING (true);

-- Name: appointments; Type: ROW SECURITY; Schema: public

ALTER TABLE public.appointments ENABLE ROW LEVEL SECURITY;

-- Name: audit_events; Type: ROW SECURITY; Schema: public

ALTER TABLE public.audit_events ENABLE ROW LEVEL SECURITY;

-- Name: contact_amendments; Type: ROW SECURITY; Schema: public

ALTER TABLE public.contact_amendments ENABLE ROW LEVEL SECURITY;

-- Name: contacts; Type: ROW SECURITY; Schema: public

ALTER TABLE public.contacts ENABLE ROW LEVEL SECURITY;

-- Name: enrolment_corrections; Type: ROW SECURITY; Schema: public

ALTER TABLE public.enrolment_corrections ENABLE ROW LEVEL SECURITY;

-- Name: enrolments; Type: ROW SECURITY; Schema: public

ALTER TABLE public.enrolments ENABLE ROW LEVEL SECURITY;

-- Name: esf_files; Type: ROW SECURITY; Schema: public

ALTER TABLE public.esf_files ENABLE ROW LEVEL SECURITY;

-- Name: esf_hours; Type: ROW SECURITY; Schema: public

ALTER TABLE public.esf_hours ENABLE ROW LEVEL SECURITY;

-- Name: followup_revisions; Type: ROW SECURITY; Schema: public

ALTER TABLE public.followup_revisions ENABLE ROW LEVEL SECURITY;

-- Name: followups; Type: ROW SECURITY; Schema: public

ALTER TABLE public.followups ENABLE ROW LEVEL SECURITY;

-- Name: identity_providers; Type: ROW SECURITY; Schema: public

ALTER TABLE public.identity_providers ENABLE ROW LEVEL SECURITY;

-- Name: import_list_people; Type: ROW SECURITY; Schema: public

ALTER TABLE public.import_list_people ENABLE ROW LEVEL SECURITY;

-- Name: import_lists; Type: ROW SECURITY; Schema: public

ALTER TABLE public.import_lists ENABLE ROW LEVEL SECURITY;

-- Name: import_unidentified; Type: ROW SECURITY; Schema: public

ALTER TABLE public.import_unidentified ENABLE ROW LEVEL SECURITY;

-- Name: imports; Type: ROW SECURITY; Schema: public

ALTER TABLE public.imports ENABLE ROW LEVEL SECURITY;

-- Name: mappings; Type: ROW SECURITY; Schema: public

ALTER TABLE public.mappings ENABLE ROW LEVEL SECURITY;

-- Name: project_orgs members_readable; Type: POLICY; Schema: public

CREATE POLICY members_readable ON public.project_orgs FOR SELECT TO kaa_app, kaa_aggregate USING (true);

-- Name: memberships; Type: ROW SECURITY; Schema: public

ALTER TABLE public.memberships ENABLE ROW LEVEL SECURITY;

-- Name: move_consents; Type: ROW SECURITY; Schema: public

ALTER TABLE public.move_consents ENABLE ROW LEVEL SECURITY;

-- Name: move_notices; Type: ROW SECURITY; Schema: public

ALTER TABLE public.move_notices ENABLE ROW LEVEL SECURITY;

-- Name: tenant_settings notice_accepts; Type: POLICY; Schema: public

CREATE POLICY notice_accepts ON public.tenant_settings FOR SELECT TO kaa_notice USING (true);

-- Name: audit_events notice_arrival; Type: POLICY; Schema: public

CREATE POLICY notice_arrival ON public.audit_events FOR INSERT TO kaa_notice WITH CHECK (((action = 'move_notice.arrive'::text) AND (user_id IS NULL) AND (record_type = 'move_notice'::text)));

-- Name: audit_events notice_chain; Type: POLICY; Schema: public

CREATE POLICY notice_chain ON public.audit_events FOR SELECT TO kaa_notice USING (true);

-- Name: move_notices notice_send; Type: POLICY; Schema: public

CREATE POLICY notice_send ON public.move_notices FOR INSERT TO kaa_notice WITH CHECK (true);

-- Name: memberships own_rows_readable; Type: POLICY; Schema: public

CREATE POLICY own_rows_readable ON public.memberships FOR SELECT USING ((user_id = public.app_user_id()));

-- Name: project_orgs owner_removes; Type: POLICY; Schema: public

CREATE POLICY owner_removes ON public.project_orgs FOR DELETE TO kaa_app USING (true);

-- Name: participant_coordinators; Type: ROW SECURITY; Schema: public

ALTER TABLE public.participant_coordinators ENABLE ROW LEVEL SECURITY;

-- Name: participants; Type: ROW SECURITY; Schema: public

ALTER TABLE public.participants ENABLE ROW LEVEL SECURITY;

-- Name: plan_goals; Type: ROW SECURITY; Schema: public

ALTER TABLE public.plan_goals ENABLE ROW LEVEL SECURITY;

-- Name: plan_measure_goals; Type: ROW SECURITY; Schema: public

ALTER TABLE public.plan_measure_goals ENABLE ROW LEVEL SECURITY;

-- Name: plan_measures; Type: ROW SECURITY; Schema: public

ALTER TABLE public.plan_measures ENABLE ROW LEVEL SECURITY;

-- Name: plans; Type: ROW SECURITY; Schema: public

ALTER TABLE public.plans ENABLE ROW LEVEL SECURITY;

-- Name: project_orgs; Type: ROW SECURITY; Schema: public

ALTER TABLE public.project_orgs ENABLE ROW LEVEL SECURITY;

-- Name: retention_decisions; Type: ROW SECURITY; Schema: public

ALTER TABLE public.retention_decisions ENABLE ROW LEVEL SECURITY;

-- Name: retention_policies; Type: ROW SECURITY; Schema: public

ALTER TABLE public.retention_policies ENABLE ROW LEVEL SECURITY;

-- Name: scb_files; Type: ROW SECURITY; Schema: public

ALTER TABLE public.scb_files ENABLE ROW LEVEL SECURITY;

-- Name: school_systems; Type: ROW SECURITY; Schema: public

ALTER TABLE public.school_systems ENABLE ROW LEVEL SECURITY;

-- Name: scim_tokens; Type: ROW SECURITY; Schema: public

ALTER TABLE public.scim_tokens ENABLE ROW LEVEL SECURITY;

-- Name: scim_users; Type: ROW SECURITY; Schema: public

ALTER TABLE public.scim_users ENABLE ROW LEVEL SECURITY;

-- Name: sms_messages; Type: ROW SECURITY; Schema: public

ALTER TABLE public.sms_messages ENABLE ROW LEVEL SECURITY;

-- Name: appointments tenant_isolation; Type: POLICY; Schema: public

CREATE POLICY tenant_isolation ON public.appointments USING ((tenant_id = public.app_tenant_id())) WITH CHECK ((tenant_id = public.app_tenant_id()));

-- Name: audit_events tenant_isolation; Type: POLICY; Schema: public

CREATE POLICY tenant_isolation ON public.audit_events USING ((tenant_id = public.app_tenant_id())) WITH CHECK ((tenant_id = public.app_tenant_id()));

-- Name: contact_amendments tenant_isolation; Type: POLICY; Schema: public

CREATE POLICY tenant_isolation ON public.contact_amendments USING ((tenant_id = public.app_tenant_id())) WITH CHECK ((tenant_id = public.app_tenant_id()));

-- Name: contacts tenant_isolation; Type: POLICY; Schema: public

CREATE POLICY tenant_isolation ON public.contacts USING ((tenant_id = public.app_tenant_id())) WITH CHECK ((tenant_id = public.app_tenant_id()));

-- Name: enrolment_corrections tenant_isolation; Type: POLICY; Schema: public

CREATE POLICY tenant_isolation ON public.enrolment_corrections USING ((tenant_id = public.app_tenant_id())) WITH CHECK ((tenant_id = public.app_tenant_id()));

-- Name: enrolments tenant_isolation; Type: POLICY; Schema: public

CREATE POLICY tenant_isolation ON public.enrolments USING ((tenant_id = public.app_tenant_id())) WITH CHECK ((tenant_id = public.app_tenant_id()));

-- Name: esf_files tenant_isolation; Type: POLICY; Schema: public

CREATE POLICY tenant_isolation ON public.esf_files USING ((tenant_id = public.app_tenant_id())) WITH CHECK ((tenant_id = public.app_tenant_id()));

-- Name: esf_hours tenant_isolation; Type: POLICY; Schema: public

CREATE POLICY tenant_isolation ON public.esf_hours USING ((tenant_id = public.app_tenant_id())) WITH CHECK ((tenant_id = public.app_tenant_id()));

-- Name: followup_revisions tenant_isolation; Type: POLICY; Schema: public

CREATE POLICY tenant_isolation ON public.followup_revisions USING ((tenant_id = public.app_tenant_id())) WITH CHECK ((tenant_id = public.app_tenant_id()));

-- Name: followups tenant_isolation; Type: POLICY; Schema: public

CREATE POLICY tenant_isolation ON public.followups USING ((tenant_id = public.app_tenant_id())) WITH CHECK ((tenant_id = public.app_tenant_id()));

-- Name: identity_providers tenant_isolation; Type: POLICY; Schema: public

CREATE POLICY tenant_isolation ON public.identity_providers USING ((tenant_id = public.app_tenant_id())) WITH CHECK ((tenant_id = public.app_tenant_id()));

-- Name: import_list_people tenant_isolation; Type: POLICY; Schema: public

CREATE POLICY tenant_isolation ON public.import_list_people USING ((tenant_id = public.app_tenant_id())) WITH CHECK ((tenant_id = public.app_tenant_id()));

-- Name: import_lists tenant_isolation; Type: POLICY; Schema: public

CREATE POLICY tenant_isolation ON public.import_lists USING ((tenant_id = public.app_tenant_id())) WITH CHECK ((tenant_id = public.app_tenant_id()));

-- Name: import_unidentified tenant_isolation; Type: POLICY; Schema: public

CREATE POLICY tenant_isolation ON public.import_unidentified USING ((tenant_id = public.app_tenant_id())) WITH CHECK ((tenant_id = public.app_tenant_id()));

-- Name: imports tenant_isolation; Type: POLICY; Schema: public

CREATE POLICY tenant_isolation ON public.imports USING ((tenant_id = public.app_tenant_id())) WITH CHECK ((tenant_id = public.app_tenant_id()));

-- Name: mappings tenant_isolation; Type: POLICY; Schema: public

CREATE POLICY tenant_isolation ON public.mappings USING ((tenant_id = public.app_tenant_id())) WITH CHECK ((tenant_id = public.app_tenant_id()));

-- Name: memberships tenant_isolation; Type: POLICY; Schema: public

CREATE POLICY tenant_isolation ON public.memberships USING ((tenant_id = public.app_tenant_id())) WITH CHECK ((tenant_id = public.app_tenant_id()));

-- Name: move_consents tenant_isolation; Type: POLICY; Schema: public

CREATE POLICY tenant_isolation ON public.move_consents USING ((tenant_id = public.app_tenant_id())) WITH CHECK ((tenant_id = public.app_tenant_id()));

-- Name: move_notices tenant_isolation; Type: POLICY; Schema: public

CREATE POLICY tenant_isolation ON public.move_notices USING ((tenant_id = public.app_tenant_id())) WITH CHECK ((tenant_id = public.app_tenant_id()));

-- Name: participant_coordinators tenant_isolation; Type: POLICY; Schema: public

CREATE POLICY tenant_isolation ON public.participant_coordinators USING ((tenant_id = public.app_tenant_id())) WITH CHECK ((tenant_id = public.app_tenant_id()));

-- Name: participants tenant_isolation; Type: POLICY; Schema: public

CREATE POLICY tenant_isolation ON public.participants USING ((tenant_id = public.app_tenant_id())) WITH CHECK ((tenant_id = public.app_tenant_id()));

-- Name: plan_goals tenant_isolation; Type: POLICY; Schema: public

CREATE POLICY tenant_isolation ON public.plan_goals USING ((tenant_id = public.app_tenant_id())) WITH CHECK ((tenant_id = public.app_tenant_id()));

-- Name: plan_measure_goals tenant_isolation; Type: POLICY; Schema: public

CREATE POLICY tenant_isolation ON public.plan_measure_goals USING ((tenant_id = public.app_tenant_id())) WITH CHECK ((tenant_id = public.app_tenant_id()));

-- Name: plan_measures tenant_isolation; Type: POLICY; Schema: public

CREATE POLICY tenant_isolation ON public.plan_measures USING ((tenant_id = public.app_tenant_id())) WITH CHECK ((tenant_id = public.app_tenant_id()));

-- Name: plans tenant_isolation; Type: POLICY; Schema: public

CREATE POLICY tenant_isolation ON public.plans USING ((tenant_id = public.app_tenant_id())) WITH CHECK ((tenant_id = public.app_tenant_id()));

-- Name: retention_decisions tenant_isolation; Type: POLICY; Schema: public

CREATE POLICY tenant_isolation ON public.retention_decisions USING ((tenant_id = public.app_tenant_id())) WITH CHECK ((tenant_id = public.app_tenant_id()));

-- Name: retention_policies tenant_isolation; Type: POLICY; Schema: public

CREATE POLICY tenant_isolation ON public.retention_policies USING ((tenant_id = public.app_tenant_id())) WITH CHECK ((tenant_id = public.app_tenant_id()));

-- Name: scb_files tenant_isolation; Type: POLICY; Schema: public

CREATE POLICY tenant_isolation ON public.scb_files USING ((tenant_id = public.app_tenant_id())) WITH CHECK ((tenant_id = public.app_tenant_id()));

-- Name: school_systems tenant_isolation; Type: POLICY; Schema: public

CREATE POLICY tenant_isolation ON public.school_systems USING ((tenant_id = public.app_tenant_id())) WITH CHECK ((tenant_id = public.app_tenant_id()));

-- Name: scim_tokens tenant_isolation; Type: POLICY; Schema: public

CREATE POLICY tenant_isolation ON public.scim_tokens USING ((tenant_id = public.app_tenant_id())) WITH CHECK ((tenant_id = public.app_tenant_id()));

-- Name: scim_users tenant_isolation; Type: POLICY; Schema: public

CREATE POLICY tenant_isolation ON public.scim_users USING ((tenant_id = public.app_tenant_id())) WITH CHECK ((tenant_id = public.app_tenant_id()));

-- Name: sms_messages tenant_isolation; Type: POLICY; Schema: public

CREATE POLICY tenant_isolation ON public.sms_messages USING ((tenant_id = public.app_tenant_id())) WITH CHECK ((tenant_id = public.app_tenant_id()));

-- Name: tenant_settings tenant_isolation; Type: POLICY; Schema: public

CREATE POLICY tenant_isolation ON public.tenant_settings USING ((tenant_id = public.app_tenant_id())) WITH CHECK ((tenant_id = public.app_tenant_id()));

-- Name: user_identities tenant_isolation; Type: POLICY; Schema: public

CREATE POLICY tenant_isolation ON public.user_identities USING ((tenant_id = public.app_tenant_id())) WITH CHECK ((tenant_id = public.app_tenant_id()));

-- Name: tenant_settings; Type: ROW SECURITY; Schema: public

ALTER TABLE public.tenant_settings ENABLE ROW LEVEL SECURITY;

-- Name: user_identities; Type: ROW SECURITY; Schema: public

ALTER TABLE public.user_identities ENABLE ROW LEVEL SECURITY;

-- Name: SCHEMA public; Type: ACL; Schema: -; Owner: pg_database_owner

GRANT ALL ON SCHEMA public TO kaa_aggregate;
GRANT USAGE ON SCHEMA public TO kaa_app;
GRANT ALL ON SCHEMA public TO kaa_retention;
GRANT ALL ON SCHEMA public TO kaa_credentials;
GRANT ALL ON SCHEMA public TO kaa_notice;

-- Name: FUNCTION app_tenant_id(); Type: ACL; Schema: public

GRANT ALL ON FUNCTION public.app_tenant_id() TO kaa_app;
GRANT ALL ON FUNCTION public.app_tenant_id() TO kaa_notice;

-- Name: FUNCTION app_user_id(); Type: ACL; Schema: public

GRANT ALL ON FUNCTION public.app_user_id() TO kaa_app;
GRANT ALL ON FUNCTION public.app_user_id() TO kaa_credentials;

-- Name: TABLE audit_events; Type: ACL; Schema: public

GRANT SELECT,INSERT ON TABLE public.audit_events TO kaa_app;
GRANT INSERT ON TABLE public.audit_events TO kaa_notice;

-- Name: COLUMN audit_events.tenant_id; Type: ACL; Schema: public

GRANT SELECT(tenant_id) ON TABLE public.audit_events TO kaa_notice;

-- Name: COLUMN audit_events.seq; Type: ACL; Schema: public

GRANT SELECT(seq) ON TABLE public.audit_events TO kaa_notice;

-- Name: COLUMN audit_events.hash; Type: ACL; Schema: public

GRANT SELECT(hash) ON TABLE public.audit_events TO kaa_notice;

-- Name: TABLE contact_amendments; Type: ACL; Schema: public

GRANT SELECT,INSERT ON TABLE public.contact_amendments TO kaa_app;
GRANT SELECT ON TABLE public.contact_amendments TO kaa_aggregate;
GRANT SELECT,UPDATE ON TABLE public.contact_amendments TO kaa_retention;

-- Name: TABLE contacts; Type: ACL; Schema: public

GRANT SELECT,INSERT,UPDATE ON TABLE public.contacts TO kaa_app;
GRANT SELECT ON TABLE public.contacts TO kaa_aggregate;
GRANT SELECT,UPDATE ON TABLE public.contacts TO kaa_retention;

-- Name: TABLE contacts_effective; Type: ACL; Schema: public

GRANT SELECT ON TABLE public.contacts_effective TO kaa_app;
GRANT SELECT ON TABLE public.contacts_effective TO kaa_aggregate;
GRANT SELECT ON TABLE public.contacts_effective TO kaa_retention;

-- Name: FUNCTION contacts_between(t integer, period_from date, period_to date); Type: ACL; Schema: public

GRANT ALL ON FUNCTION public.contacts_between(t integer, period_from date, period_to date) TO kaa_app;
GRANT ALL ON FUNCTION public.contacts_between(t integer, period_from date, period_to date) TO kaa_aggregate;

-- Name: FUNCTION idp_directory(); Type: ACL; Schema: public; Owner: kaa_aggregate

REVOKE ALL ON FUNCTION public.idp_directory() FROM PUBLIC;
GRANT ALL ON FUNCTION public.idp_directory() TO kaa_app;

-- Name: FUNCTION idp_passwords_refused(uid integer); Type: ACL; Schema: public; Owner: kaa_aggregate

REVOKE ALL ON FUNCTION public.idp_passwords_refused(uid integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.idp_passwords_refused(uid integer) TO kaa_app;

-- Name: FUNCTION org_admin_counts(); Type: ACL; Schema: public; Owner: kaa_aggregate

REVOKE ALL ON FUNCTION public.org_admin_counts() FROM PUBLIC;
GRANT ALL ON FUNCTION public.org_admin_counts() TO kaa_app;

-- Name: FUNCTION own_password_hash(uid integer); Type: ACL; Schema: public; Owner: kaa_credentials

REVOKE ALL ON FUNCTION public.own_password_hash(uid integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.own_password_hash(uid integer) TO kaa_app;

-- Name: FUNCTION own_totp_secret(uid integer); Type: ACL; Schema: public; Owner: kaa_credentials

REVOKE ALL ON FUNCTION public.own_totp_secret(uid integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.own_totp_secret(uid integer) TO kaa_app;

-- Name: FUNCTION participant_contacts_between(t integer, participant bigint, period_from date, period_to date); Type: ACL; Schema: public

GRANT ALL ON FUNCTION public.participant_contacts_between(t integer, participant bigint, period_from date, period_to date) TO kaa_app;
GRANT ALL ON FUNCTION public.participant_contacts_between(t integer, participant bigint, period_from date, period_to date) TO kaa_aggregate;

-- Name: FUNCTION participant_status(enrolments integer, open_enrolments integer, has_plan boolean, ever_reached boolean, contacted boolean); Type: ACL; Schema: public

GRANT ALL ON FUNCTION public.participant_status(enrolments integer, open_enrolments integer, has_plan boolean, ever_reached boolean, contacted boolean) TO kaa_app;

-- Name: FUNCTION project_esf_indicators(project integer, period_from date, period_to date); Type: ACL; Schema: public; Owner: kaa_aggregate

REVOKE ALL ON FUNCTION public.project_esf_indicators(project integer, period_from date, period_to date) FROM PUBLIC;
GRANT ALL ON FUNCTION public.project_esf_indicators(project integer, period_from date, period_to date) TO kaa_app;

-- Name: FUNCTION project_export(project integer, only_org integer, period_from date, period_to date); Type: ACL; Schema: public; Owner: kaa_aggregate

REVOKE ALL ON FUNCTION public.project_export(project integer, only_org integer, period_from date, period_to date) FROM PUBLIC;
GRANT ALL ON FUNCTION public.project_export(project integer, only_org integer, period_from date, period_to date) TO kaa_app;

-- Name: FUNCTION project_export_entry(project integer, only_org integer, period_from date, period_to date); Type: ACL; Schema: public; Owner: kaa_aggregate

REVOKE ALL ON FUNCTION public.project_export_entry(project integer, only_org integer, period_from date, period_to date) FROM PUBLIC;
GRANT ALL ON FUNCTION public.project_export_entry(project integer, only_org integer, period_from date, period_to date) TO kaa_app;

-- Name: FUNCTION project_indicators(project integer, period_from date, period_to date); Type: ACL; Schema: public; Owner: kaa_aggregate

REVOKE ALL ON FUNCTION public.project_indicators(project integer, period_from date, period_to date) FROM PUBLIC;
GRANT ALL ON FUNCTION public.project_indicators(project integer, period_from date, period_to date) TO kaa_app;

-- Name: FUNCTION project_kaa_list(project integer, as_of date); Type: ACL; Schema: public; Owner: kaa_aggregate

REVOKE ALL ON FUNCTION public.project_kaa_list(project integer, as_of date) FROM PUBLIC;
GRANT ALL ON FUNCTION public.project_kaa_list(project integer, as_of date) TO kaa_app;

-- Name: FUNCTION project_participants(project integer, period_from date, period_to date); Type: ACL; Schema: public; Owner: kaa_aggregate

REVOKE ALL ON FUNCTION public.project_participants(project integer, period_from date, period_to date) FROM PUBLIC;
GRANT ALL ON FUNCTION public.project_participants(project integer, period_from date, period_to date) TO kaa_app;

-- Name: FUNCTION purge_stale_imports(); Type: ACL; Schema: public; Owner: kaa_aggregate

REVOKE ALL ON FUNCTION public.purge_stale_imports() FROM PUBLIC;
GRANT ALL ON FUNCTION public.purge_stale_imports() TO kaa_app;

-- Name: FUNCTION retention_due(t integer, today date, kaa integer, project integer, unenrolled integer); Type: ACL; Schema: public

GRANT ALL ON FUNCTION public.retention_due(t integer, today date, kaa integer, project integer, unenrolled integer) TO kaa_app;
GRANT ALL ON FUNCTION public.retention_due(t integer, today date, kaa integer, project integer, unenrolled integer) TO kaa_retention;

-- Name: FUNCTION retention_erase(t integer, today date); Type: ACL; Schema: public; Owner: kaa_retention

REVOKE ALL ON FUNCTION public.retention_erase(t integer, today date) FROM PUBLIC;
GRANT ALL ON FUNCTION public.retention_erase(t integer, today date) TO kaa_app;

-- Name: FUNCTION send_move_notice(eid bigint); Type: ACL; Schema: public; Owner: kaa_notice

REVOKE ALL ON FUNCTION public.send_move_notice(eid bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION public.send_move_notice(eid bigint) TO kaa_app;

-- Name: FUNCTION signin_account(e text); Type: ACL; Schema: public; Owner: kaa_credentials

REVOKE ALL ON FUNCTION public.signin_account(e text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.signin_account(e text) TO kaa_app;

-- Name: FUNCTION sms_reply_tenant(number text); Type: ACL; Schema: public; Owner: kaa_aggregate

REVOKE ALL ON FUNCTION public.sms_reply_tenant(number text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.sms_reply_tenant(number text) TO kaa_app;

-- Name: FUNCTION sms_report_tenant(pid text); Type: ACL; Schema: public; Owner: kaa_aggregate

REVOKE ALL ON FUNCTION public.sms_report_tenant(pid text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.sms_report_tenant(pid text) TO kaa_app;

-- Name: FUNCTION use_recovery_code(uid integer, hash text); Type: ACL; Schema: public; Owner: kaa_credentials

REVOKE ALL ON FUNCTION public.use_recovery_code(uid integer, hash text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.use_recovery_code(uid integer, hash text) TO kaa_app;

-- Name: FUNCTION user_has_any_role(uid integer); Type: ACL; Schema: public; Owner: kaa_aggregate

REVOKE ALL ON FUNCTION public.user_has_any_role(uid integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.user_has_any_role(uid integer) TO kaa_app;

-- Name: FUNCTION user_has_role_outside(uid integer, t integer); Type: ACL; Schema: public; Owner: kaa_aggregate

REVOKE ALL ON FUNCTION public.user_has_role_outside(uid integer, t integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.user_has_role_outside(uid integer, t integer) TO kaa_app;

-- Name: TABLE appointments; Type: ACL; Schema: public

GRANT SELECT,INSERT,UPDATE ON TABLE public.appointments TO kaa_app;
GRANT SELECT ON TABLE public.appointments TO kaa_retention;

-- Name: COLUMN appointments.note; Type: ACL; Schema: public

GRANT UPDATE(note) ON TABLE public.appointments TO kaa_retention;

-- Name: TABLE enrolment_corrections; Type: ACL; Schema: public

GRANT SELECT,INSERT ON TABLE public.enrolment_corrections TO kaa_app;
GRANT SELECT,UPDATE ON TABLE public.enrolment_corrections TO kaa_retention;

-- Name: TABLE enrolments; Type: ACL; Schema: public

GRANT SELECT,INSERT,UPDATE ON TABLE public.enrolments TO kaa_app;
GRANT SELECT ON TABLE public.enrolments TO kaa_aggregate;
GRANT SELECT ON TABLE public.enrolments TO kaa_retention;

-- Name: COLUMN enrolments.tenant_id; Type: ACL; Schema: public

GRANT SELECT(tenant_id) ON TABLE public.enrolments TO kaa_notice;

-- Name: COLUMN enrolments.id; Type: ACL; Schema: public

GRANT SELECT(id) ON TABLE public.enrolments TO kaa_notice;

-- Name: COLUMN enrolments.participant_id; Type: ACL; Schema: public

GRANT SELECT(participant_id) ON TABLE public.enrolments TO kaa_notice;

-- Name: COLUMN enrolments.kind; Type: ACL; Schema: public

GRANT SELECT(kind) ON TABLE public.enrolments TO kaa_notice;

-- Name: COLUMN enrolments.ends_on; Type: ACL; Schema: public

GRANT SELECT(ends_on) ON TABLE public.enrolments TO kaa_notice;

-- Name: COLUMN enrolments.end_reason; Type: ACL; Schema: public

GRANT SELECT(end_reason) ON TABLE public.enrolments TO kaa_notice;

-- Name: COLUMN enrolments.end_note; Type: ACL; Schema: public

GRANT UPDATE(end_note) ON TABLE public.enrolments TO kaa_retention;

-- Name: COLUMN enrolments.moved_to; Type: ACL; Schema: public

GRANT SELECT(moved_to) ON TABLE public.enrolments TO kaa_notice;

-- Name: TABLE esf_files; Type: ACL; Schema: public

GRANT SELECT,INSERT ON TABLE public.esf_files TO kaa_app;
GRANT SELECT,DELETE ON TABLE public.esf_files TO kaa_retention;

-- Name: TABLE esf_hours; Type: ACL; Schema: public

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.esf_hours TO kaa_app;

-- Name: TABLE export_keys; Type: ACL; Schema: public

GRANT SELECT,INSERT ON TABLE public.export_keys TO kaa_aggregate;

-- Name: TABLE followup_revisions; Type: ACL; Schema: public

GRANT SELECT,INSERT ON TABLE public.followup_revisions TO kaa_app;

-- Name: TABLE followups; Type: ACL; Schema: public

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.followups TO kaa_app;
GRANT SELECT ON TABLE public.followups TO kaa_aggregate;

-- Name: TABLE identity_providers; Type: ACL; Schema: public

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.identity_providers TO kaa_app;
GRANT SELECT ON TABLE public.identity_providers TO kaa_aggregate;

-- Name: TABLE import_list_people; Type: ACL; Schema: public

GRANT SELECT,INSERT,DELETE ON TABLE public.import_list_people TO kaa_app;

-- Name: TABLE import_lists; Type: ACL; Schema: public

GRANT SELECT,INSERT,DELETE ON TABLE public.import_lists TO kaa_app;

-- Name: TABLE import_unidentified; Type: ACL; Schema: public

GRANT SELECT,INSERT,DELETE ON TABLE public.import_unidentified TO kaa_app;
GRANT SELECT,DELETE ON TABLE public.import_unidentified TO kaa_retention;

-- Name: TABLE imports; Type: ACL; Schema: public

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.imports TO kaa_app;
GRANT SELECT,DELETE ON TABLE public.imports TO kaa_aggregate;

-- Name: TABLE mappings; Type: ACL; Schema: public

GRANT SELECT,INSERT ON TABLE public.mappings TO kaa_app;
GRANT SELECT,UPDATE ON TABLE public.mappings TO kaa_retention;

-- Name: TABLE memberships; Type: ACL; Schema: public

GRANT SELECT ON TABLE public.memberships TO kaa_aggregate;
GRANT SELECT,INSERT,DELETE ON TABLE public.memberships TO kaa_app;

-- Name: TABLE move_consents; Type: ACL; Schema: public

GRANT SELECT,INSERT ON TABLE public.move_consents TO kaa_app;

-- Name: COLUMN move_consents.tenant_id; Type: ACL; Schema: public

GRANT SELECT(tenant_id) ON TABLE public.move_consents TO kaa_notice;

-- Name: COLUMN move_consents.id; Type: ACL; Schema: public

GRANT SELECT(id) ON TABLE public.move_consents TO kaa_notice;

-- Name: COLUMN move_consents.enrolment_id; Type: ACL; Schema: public

GRANT SELECT(enrolment_id) ON TABLE public.move_consents TO kaa_notice;

-- Name: COLUMN move_consents.notice_outcome; Type: ACL; Schema: public

GRANT UPDATE(notice_outcome) ON TABLE public.move_consents TO kaa_app;
GRANT SELECT(notice_outcome) ON TABLE public.move_consents TO kaa_notice;

-- Name: COLUMN move_consents.recorded_at; Type: ACL; Schema: public

GRANT SELECT(recorded_at) ON TABLE public.move_consents TO kaa_notice;

-- Name: TABLE move_notices; Type: ACL; Schema: public

GRANT SELECT ON TABLE public.move_notices TO kaa_app;
GRANT INSERT ON TABLE public.move_notices TO kaa_notice;
GRANT SELECT,DELETE ON TABLE public.move_notices TO kaa_retention;

-- Name: COLUMN move_notices.personnummer; Type: ACL; Schema: public

GRANT UPDATE(personnummer) ON TABLE public.move_notices TO kaa_app;

-- Name: COLUMN move_notices.first_name; Type: ACL; Schema: public

GRANT UPDATE(first_name) ON TABLE public.move_notices TO kaa_app;

-- Name: COLUMN move_notices.last_name; Type: ACL; Schema: public

GRANT UPDATE(last_name) ON TABLE public.move_notices TO kaa_app;

-- Name: COLUMN move_notices.outcome; Type: ACL; Schema: public

GRANT UPDATE(outcome) ON TABLE public.move_notices TO kaa_app;

-- Name: COLUMN move_notices.dismiss_reason; Type: ACL; Schema: public

GRANT UPDATE(dismiss_reason) ON TABLE public.move_notices TO kaa_app;

-- Name: COLUMN move_notices.handled_by; Type: ACL; Schema: public

GRANT UPDATE(handled_by) ON TABLE public.move_notices TO kaa_app;

-- Name: COLUMN move_notices.handled_at; Type: ACL; Schema: public

GRANT UPDATE(handled_at) ON TABLE public.move_notices TO kaa_app;

-- Name: SEQUENCE move_notices_id_seq; Type: ACL; Schema: public

GRANT USAGE ON SEQUENCE public.move_notices_id_seq TO kaa_notice;

-- Name: TABLE orgs; Type: ACL; Schema: public

GRANT SELECT,INSERT,UPDATE ON TABLE public.orgs TO kaa_app;
GRANT SELECT ON TABLE public.orgs TO kaa_aggregate;
GRANT SELECT ON TABLE public.orgs TO kaa_retention;

-- Name: COLUMN orgs.id; Type: ACL; Schema: public

GRANT SELECT(id) ON TABLE public.orgs TO kaa_notice;

-- Name: COLUMN orgs.key; Type: ACL; Schema: public

GRANT SELECT(key) ON TABLE public.orgs TO kaa_notice;

-- Name: COLUMN orgs.kind; Type: ACL; Schema: public

GRANT SELECT(kind) ON TABLE public.orgs TO kaa_notice;

-- Name: TABLE participant_coordinators; Type: ACL; Schema: public

GRANT SELECT,INSERT,DELETE ON TABLE public.participant_coordinators TO kaa_app;

-- Name: TABLE participants; Type: ACL; Schema: public

GRANT SELECT,INSERT,UPDATE ON TABLE public.participants TO kaa_app;
GRANT SELECT ON TABLE public.participants TO kaa_aggregate;
GRANT SELECT,UPDATE ON TABLE public.participants TO kaa_retention;

-- Name: COLUMN participants.tenant_id; Type: ACL; Schema: public

GRANT SELECT(tenant_id) ON TABLE public.participants TO kaa_notice;

-- Name: COLUMN participants.id; Type: ACL; Schema: public

GRANT SELECT(id) ON TABLE public.participants TO kaa_notice;

-- Name: COLUMN participants.personnummer; Type: ACL; Schema: public

GRANT SELECT(personnummer) ON TABLE public.participants TO kaa_notice;

-- Name: COLUMN participants.first_name; Type: ACL; Schema: public

GRANT SELECT(first_name) ON TABLE public.participants TO kaa_notice;

-- Name: COLUMN participants.last_name; Type: ACL; Schema: public

GRANT SELECT(last_name) ON TABLE public.participants TO kaa_notice;

-- Name: COLUMN participants.erased_on; Type: ACL; Schema: public

GRANT SELECT(erased_on) ON TABLE public.participants TO kaa_notice;

-- Name: TABLE password_resets; Type: ACL; Schema: public

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.password_resets TO kaa_app;

-- Name: TABLE plan_goals; Type: ACL; Schema: public

GRANT SELECT,INSERT ON TABLE public.plan_goals TO kaa_app;
GRANT SELECT ON TABLE public.plan_goals TO kaa_aggregate;
GRANT SELECT,UPDATE ON TABLE public.plan_goals TO kaa_retention;

-- Name: TABLE plan_measure_goals; Type: ACL; Schema: public

GRANT SELECT,INSERT ON TABLE public.plan_measure_goals TO kaa_app;

-- Name: TABLE plan_measures; Type: ACL; Schema: public

GRANT SELECT,INSERT ON TABLE public.plan_measures TO kaa_app;
GRANT SELECT ON TABLE public.plan_measures TO kaa_aggregate;
GRANT SELECT,UPDATE ON TABLE public.plan_measures TO kaa_retention;

-- Name: TABLE plans; Type: ACL; Schema: public

GRANT SELECT,INSERT ON TABLE public.plans TO kaa_app;
GRANT SELECT ON TABLE public.plans TO kaa_aggregate;
GRANT SELECT,UPDATE ON TABLE public.plans TO kaa_retention;

-- Name: TABLE project_invitations; Type: ACL; Schema: public

GRANT SELECT,INSERT,DELETE ON TABLE public.project_invitations TO kaa_app;

-- Name: TABLE project_orgs; Type: ACL; Schema: public

GRANT SELECT,INSERT,DELETE ON TABLE public.project_orgs TO kaa_app;
GRANT SELECT ON TABLE public.project_orgs TO kaa_aggregate;

-- Name: TABLE project_roles; Type: ACL; Schema: public

GRANT SELECT ON TABLE public.project_roles TO kaa_aggregate;
GRANT SELECT,INSERT,DELETE ON TABLE public.project_roles TO kaa_app;

-- Name: TABLE project_targets; Type: ACL; Schema: public

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.project_targets TO kaa_app;

-- Name: TABLE projects; Type: ACL; Schema: public

GRANT SELECT,INSERT,UPDATE ON TABLE public.projects TO kaa_app;

-- Name: TABLE recovery_codes; Type: ACL; Schema: public

GRANT INSERT,DELETE ON TABLE public.recovery_codes TO kaa_app;
GRANT SELECT ON TABLE public.recovery_codes TO kaa_credentials;

-- Name: COLUMN recovery_codes.user_id; Type: ACL; Schema: public

GRANT SELECT(user_id) ON TABLE public.recovery_codes TO kaa_app;

-- Name: COLUMN recovery_codes.used_at; Type: ACL; Schema: public

GRANT UPDATE(used_at) ON TABLE public.recovery_codes TO kaa_credentials;
GRANT SELECT(used_at) ON TABLE public.recovery_codes TO kaa_app;

-- Name: TABLE retention_decisions; Type: ACL; Schema: public

GRANT SELECT,INSERT ON TABLE public.retention_decisions TO kaa_app;
GRANT SELECT ON TABLE public.retention_decisions TO kaa_retention;

-- Name: TABLE retention_policies; Type: ACL; Schema: public

GRANT SELECT ON TABLE public.retention_policies TO kaa_app;
GRANT SELECT ON TABLE public.retention_policies TO kaa_retention;

-- Name: TABLE scb_files; Type: ACL; Schema: public

GRANT SELECT,INSERT ON TABLE public.scb_files TO kaa_app;
GRANT SELECT,DELETE ON TABLE public.scb_files TO kaa_retention;

-- Name: TABLE school_systems; Type: ACL; Schema: public

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.school_systems TO kaa_app;

-- Name: TABLE scim_tokens; Type: ACL; Schema: public

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.scim_tokens TO kaa_app;

-- Name: TABLE scim_users; Type: ACL; Schema: public

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.scim_users TO kaa_app;

-- Name: TABLE security_events; Type: ACL; Schema: public

GRANT SELECT,INSERT ON TABLE public.security_events TO kaa_app;

-- Name: TABLE sessions; Type: ACL; Schema: public

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.sessions TO kaa_app;

-- Name: TABLE signin_throttle; Type: ACL; Schema: public

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.signin_throttle TO kaa_app;

-- Name: TABLE sms_messages; Type: ACL; Schema: public

GRANT SELECT,INSERT,UPDATE ON TABLE public.sms_messages TO kaa_app;
GRANT SELECT ON TABLE public.sms_messages TO kaa_aggregate;
GRANT SELECT,DELETE ON TABLE public.sms_messages TO kaa_retention;

-- Name: TABLE subprojects; Type: ACL; Schema: public

GRANT SELECT,INSERT,UPDATE ON TABLE public.subprojects TO kaa_app;
GRANT SELECT ON TABLE public.subprojects TO kaa_aggregate;

-- Name: TABLE tenant_settings; Type: ACL; Schema: public

GRANT SELECT,INSERT,UPDATE ON TABLE public.tenant_settings TO kaa_app;

-- Name: COLUMN tenant_settings.tenant_id; Type: ACL; Schema: public

GRANT SELECT(tenant_id) ON TABLE public.tenant_settings TO kaa_notice;

-- Name: COLUMN tenant_settings.accepts_move_notices; Type: ACL; Schema: public

GRANT SELECT(accepts_move_notices) ON TABLE public.tenant_settings TO kaa_notice;

-- Name: TABLE user_identities; Type: ACL; Schema: public

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.user_identities TO kaa_app;

-- Name: TABLE users; Type: ACL; Schema: public

GRANT SELECT ON TABLE public.users TO kaa_aggregate;
GRANT INSERT,UPDATE ON TABLE public.users TO kaa_app;

-- Name: COLUMN users.id; Type: ACL; Schema: public

GRANT SELECT(id) ON TABLE public.users TO kaa_credentials;
GRANT SELECT(id) ON TABLE public.users TO kaa_app;

-- Name: COLUMN users.email; Type: ACL; Schema: public

GRANT SELECT(email) ON TABLE public.users TO kaa_credentials;
GRANT SELECT(email) ON TABLE public.users TO kaa_app;

-- Name: COLUMN users.name; Type: ACL; Schema: public

GRANT SELECT(name) ON TABLE public.users TO kaa_app;

-- Name: COLUMN users.password_hash; Type: ACL; Schema: public

GRANT SELECT(password_hash) ON TABLE public.users TO kaa_credentials;

-- Name: COLUMN users.is_system_admin; Type: ACL; Schema: public

GRANT SELECT(is_system_admin) ON TABLE public.users TO kaa_app;

-- Name: COLUMN users.active; Type: ACL; Schema: public

GRANT SELECT(active) ON TABLE public.users TO kaa_credentials;
GRANT SELECT(active) ON TABLE public.users TO kaa_app;

-- Name: COLUMN users.must_change_password; Type: ACL; Schema: public

GRANT SELECT(must_change_password) ON TABLE public.users TO kaa_app;

-- Name: COLUMN users.sessions_valid_after; Type: ACL; Schema: public

GRANT SELECT(sessions_valid_after) ON TABLE public.users TO kaa_app;

-- Name: COLUMN users.created_at; Type: ACL; Schema: public

GRANT SELECT(created_at) ON TABLE public.users TO kaa_app;

-- Name: COLUMN users.totp_secret; Type: ACL; Schema: public

GRANT SELECT(totp_secret) ON TABLE public.users TO kaa_credentials;

-- Name: COLUMN users.totp_enabled_at; Type: ACL; Schema: public

GRANT SELECT(totp_enabled_at) ON TABLE public.users TO kaa_credentials;
GRANT SELECT(totp_enabled_at) ON TABLE public.users TO kaa_app;

-- Name: COLUMN users.totp_last_step; Type: ACL; Schema: public

GRANT SELECT(totp_last_step) ON TABLE public.users TO kaa_app;

-- Name: COLUMN users.digest_off; Type: ACL; Schema: public

GRANT SELECT(digest_off) ON TABLE public.users TO kaa_app;

-- Name: COLUMN users.digest_sent_on; Type: ACL; Schema: public

GRANT SELECT(digest_sent_on) ON TABLE public.users TO kaa_app;

-- Name: COLUMN users.phone; Type: ACL; Schema: public

GRANT SELECT(phone) ON TABLE public.users TO kaa_app;

-- Name: COLUMN users.must_set_up_two_factor; Type: ACL; Schema: public

GRANT SELECT(must_set_up_two_factor) ON TABLE public.users TO kaa_app;
