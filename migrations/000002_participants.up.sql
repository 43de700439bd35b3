-- The coordinator's register: participants, their coordinators, enrolments
-- (KAA and project), and the contact log with amendments. Every table is
-- tenant-owned and under row-level security.

-- A sub-project is referred to together with its organisation, so that a
-- tenant's enrolment can only point at its own sub-projects.
ALTER TABLE subprojects ADD CONSTRAINT subprojects_org_id_key UNIQUE (org_id, id);

CREATE TABLE participants (
    tenant_id        integer NOT NULL REFERENCES orgs (id),
    id               bigint GENERATED ALWAYS AS IDENTITY,
    personnummer     text NOT NULL CHECK (personnummer ~ '^[0-9]{12}$'),
    birth_date       date NOT NULL,
    first_name       text NOT NULL CHECK (length(first_name) BETWEEN 1 AND 100),
    last_name        text NOT NULL CHECK (length(last_name) BETWEEN 1 AND 100),
    mobile           text NOT NULL DEFAULT '',
    email            text NOT NULL DEFAULT '',
    street           text NOT NULL DEFAULT '',
    postal_code      text NOT NULL DEFAULT '',
    city             text NOT NULL DEFAULT '',
    gender           text NOT NULL DEFAULT 'not_stated'
                     CHECK (gender IN ('woman', 'man', 'non_binary', 'not_stated')),
    compulsory_done  boolean,
    upper_secondary  text NOT NULL DEFAULT 'unknown'
                     CHECK (upper_secondary IN ('never_started', 'dropped_out', 'study_certificate', 'unknown')),
    programme        text NOT NULL DEFAULT '',
    left_school_on   date,
    source           text NOT NULL DEFAULT 'other'
                     CHECK (source IN ('school_dropout_notice', 'school_list', 'self_referral', 'social_services', 'arbetsformedlingen', 'other')),
    identified_on    date NOT NULL DEFAULT current_date,
    created_at       timestamptz NOT NULL DEFAULT now(),
    created_by       integer REFERENCES users (id),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    -- A summary of the contact log and enrolments, kept by the triggers below
    -- in the same transaction as the rows it sums up, so that the list, its
    -- status counts and the queues need not read every contact.
    last_contact_at  timestamptz,
    ever_reached     boolean NOT NULL DEFAULT false,
    enrolments       integer NOT NULL DEFAULT 0,
    open_enrolments  integer NOT NULL DEFAULT 0,
    status           text NOT NULL GENERATED ALWAYS AS (
        CASE WHEN enrolments > 0 AND open_enrolments = 0 THEN 'ended'
             WHEN ever_reached THEN 'in_contact'
             WHEN last_contact_at IS NOT NULL THEN 'contact_attempted'
             ELSE 'identified' END) STORED,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, personnummer)
);
CREATE INDEX participants_name_idx ON participants (tenant_id, lower(last_name), lower(first_name));
CREATE INDEX participants_birth_idx ON participants (tenant_id, birth_date);
CREATE INDEX participants_status_idx ON participants (tenant_id, status, lower(last_name), lower(first_name), id);
CREATE INDEX participants_last_contact_idx ON participants (tenant_id, last_contact_at);

CREATE TABLE participant_coordinators (
    tenant_id      integer NOT NULL,
    participant_id bigint NOT NULL,
    user_id        integer NOT NULL REFERENCES users (id),
    PRIMARY KEY (tenant_id, participant_id, user_id),
    FOREIGN KEY (tenant_id, participant_id) REFERENCES participants (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX participant_coordinators_user_idx ON participant_coordinators (tenant_id, user_id);

-- An enrolment in the KAA register or in a project's sub-project, each with its own dates.
CREATE TABLE enrolments (
    tenant_id           integer NOT NULL,
    id                  bigint GENERATED ALWAYS AS IDENTITY,
    participant_id      bigint NOT NULL,
    kind                text NOT NULL CHECK (kind IN ('kaa', 'project')),
    subproject_id       integer,
    starts_on           date NOT NULL,
    ends_on             date,
    registration_reason text NOT NULL DEFAULT 'unknown'
                        CHECK (registration_reason IN ('im_at_registration', 'dropped_out', 'study_certificate', 'never_started', 'unknown')),
    end_reason          text CHECK (end_reason IN ('national_programme', 'introduction_programme', 'equivalent_education',
                                                   'completed', 'turned_20', 'moved', 'project_exit', 'declined', 'other')),
    created_at          timestamptz NOT NULL DEFAULT now(),
    created_by          integer REFERENCES users (id),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, participant_id) REFERENCES participants (tenant_id, id) ON DELETE CASCADE,
    -- Only a sub-project of the same organisation.
    FOREIGN KEY (tenant_id, subproject_id) REFERENCES subprojects (org_id, id),
    CHECK ((kind = 'kaa') = (subproject_id IS NULL)),
    CHECK (ends_on IS NULL OR ends_on >= starts_on),
    CHECK ((ends_on IS NULL) = (end_reason IS NULL))
);
CREATE INDEX enrolments_participant_idx ON enrolments (tenant_id, participant_id);
-- One open KAA enrolment per person at a time.
CREATE UNIQUE INDEX enrolments_open_kaa_key ON enrolments (tenant_id, participant_id) WHERE kind = 'kaa' AND ends_on IS NULL;

CREATE TABLE contacts (
    tenant_id      integer NOT NULL,
    id             bigint GENERATED ALWAYS AS IDENTITY,
    participant_id bigint NOT NULL,
    occurred_at    timestamptz NOT NULL,
    channel        text NOT NULL CHECK (channel IN ('sms', 'phone', 'social_media', 'email', 'letter', 'home_visit',
                                                    'meeting_office', 'meeting_school', 'meeting_other')),
    direction      text NOT NULL CHECK (direction IN ('outgoing', 'incoming')),
    reached        boolean NOT NULL,
    method         text NOT NULL DEFAULT '' CHECK (method IN ('', 'mi', 'coaching', 'solution_focused', '7tjugo', 'other')),
    note           text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
    created_at     timestamptz NOT NULL DEFAULT now(),
    created_by     integer NOT NULL REFERENCES users (id),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, participant_id) REFERENCES participants (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX contacts_participant_idx ON contacts (tenant_id, participant_id, occurred_at DESC);

-- A correction made after the day a contact was logged: the original row
-- stays as it was, and what it should have said is added here.
CREATE TABLE contact_amendments (
    tenant_id   integer NOT NULL,
    id          bigint GENERATED ALWAYS AS IDENTITY,
    contact_id  bigint NOT NULL,
    occurred_at timestamptz NOT NULL,
    channel     text NOT NULL CHECK (channel IN ('sms', 'phone', 'social_media', 'email', 'letter', 'home_visit',
                                                 'meeting_office', 'meeting_school', 'meeting_other')),
    direction   text NOT NULL CHECK (direction IN ('outgoing', 'incoming')),
    reached     boolean NOT NULL,
    method      text NOT NULL CHECK (method IN ('', 'mi', 'coaching', 'solution_focused', '7tjugo', 'other')),
    note        text NOT NULL CHECK (length(note) <= 2000),
    reason      text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  integer NOT NULL REFERENCES users (id),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, contact_id) REFERENCES contacts (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX contact_amendments_contact_idx ON contact_amendments (tenant_id, contact_id);

-- Once amended, a contact's original stays as it was: the database refuses
-- to change it, whatever the application does.
CREATE FUNCTION contacts_keep_amended_original() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM contact_amendments a WHERE a.tenant_id = OLD.tenant_id AND a.contact_id = OLD.id) THEN
        RAISE EXCEPTION 'contact % has amendments; its original cannot change', OLD.id USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER keep_amended_original BEFORE UPDATE ON contacts
    FOR EACH ROW EXECUTE FUNCTION contacts_keep_amended_original();

-- Per-municipality settings of the work queues.
CREATE TABLE tenant_settings (
    tenant_id             integer NOT NULL REFERENCES orgs (id),
    no_contact_days       integer NOT NULL DEFAULT 30 CHECK (no_contact_days BETWEEN 1 AND 365),
    PRIMARY KEY (tenant_id)
);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['participants', 'participant_coordinators', 'enrolments', 'contacts', 'contact_amendments', 'tenant_settings'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id())', t);
    END LOOP;
END
$$;

-- Contacts as they now read: the latest amendment, if any, over the original.
-- security_invoker keeps the caller's row-level security in force.
CREATE VIEW contacts_effective WITH (security_invoker = true) AS
SELECT c.tenant_id, c.id, c.participant_id,
       coalesce(a.occurred_at, c.occurred_at) AS occurred_at,
       coalesce(a.channel, c.channel)         AS channel,
       coalesce(a.direction, c.direction)     AS direction,
       coalesce(a.reached, c.reached)         AS reached,
       coalesce(a.method, c.method)           AS method,
       coalesce(a.note, c.note)               AS note,
       c.created_by, c.created_at,
       a.id IS NOT NULL                       AS amended
FROM contacts c
LEFT JOIN LATERAL (
    SELECT * FROM contact_amendments x
    WHERE x.tenant_id = c.tenant_id AND x.contact_id = c.id
    ORDER BY x.id DESC LIMIT 1
) a ON true;

GRANT SELECT ON contacts_effective TO kaa_app;

-- refresh_participants recomputes the summary columns of the given
-- participants from the contact log and enrolments. It runs as the caller,
-- under the caller's row-level security.
CREATE FUNCTION refresh_participants(t integer, ids bigint[]) RETURNS void
    LANGUAGE sql AS $$
    UPDATE participants p SET
        last_contact_at = (SELECT max(c.occurred_at) FROM contacts_effective c WHERE c.tenant_id = t AND c.participant_id = p.id),
        ever_reached = EXISTS (SELECT 1 FROM contacts_effective c WHERE c.tenant_id = t AND c.participant_id = p.id AND c.reached),
        enrolments = (SELECT count(*) FROM enrolments e WHERE e.tenant_id = t AND e.participant_id = p.id),
        open_enrolments = (SELECT count(*) FROM enrolments e WHERE e.tenant_id = t AND e.participant_id = p.id AND e.ends_on IS NULL)
    WHERE p.tenant_id = t AND p.id = ANY (ids)
$$;

CREATE FUNCTION refresh_from_contacts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refresh_participants(n.tenant_id, array_agg(DISTINCT n.participant_id)) FROM new_rows n GROUP BY n.tenant_id;
    RETURN NULL;
END $$;

CREATE FUNCTION refresh_from_amendments() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refresh_participants(c.tenant_id, array_agg(DISTINCT c.participant_id))
    FROM new_rows n JOIN contacts c ON c.tenant_id = n.tenant_id AND c.id = n.contact_id GROUP BY c.tenant_id;
    RETURN NULL;
END $$;

-- Statement-level triggers with transition tables: an import of thousands of
-- rows refreshes each participant once.
CREATE TRIGGER summary_contacts_insert AFTER INSERT ON contacts REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION refresh_from_contacts();
CREATE TRIGGER summary_contacts_update AFTER UPDATE ON contacts REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION refresh_from_contacts();
CREATE TRIGGER summary_amendments_insert AFTER INSERT ON contact_amendments REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION refresh_from_amendments();
CREATE TRIGGER summary_enrolments_insert AFTER INSERT ON enrolments REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION refresh_from_contacts();
CREATE TRIGGER summary_enrolments_update AFTER UPDATE ON enrolments REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION refresh_from_contacts();
GRANT SELECT, INSERT, UPDATE ON participants, enrolments, contacts, tenant_settings TO kaa_app;
GRANT SELECT, INSERT, DELETE ON participant_coordinators TO kaa_app;
GRANT SELECT, INSERT ON contact_amendments TO kaa_app;
