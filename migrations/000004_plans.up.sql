-- Intake mapping (kartläggning) and the individual action plan (individuell
-- handlingsplan). Both are revised by adding a version: earlier versions stay
-- readable with who made them and when.

CREATE TABLE mappings (
    tenant_id      integer NOT NULL,
    participant_id bigint NOT NULL,
    version        integer NOT NULL CHECK (version >= 1),
    mapped_on      date NOT NULL,
    strengths      text NOT NULL DEFAULT '' CHECK (length(strengths) <= 2000),
    challenges     text NOT NULL DEFAULT '' CHECK (length(challenges) <= 2000),
    direction      text NOT NULL CHECK (direction IN ('studies', 'work', 'other', 'undecided')),
    direction_note text NOT NULL DEFAULT '' CHECK (length(direction_note) <= 1000),
    referral_made  boolean NOT NULL DEFAULT false,
    referral_to    text NOT NULL DEFAULT '' CHECK (referral_to IN ('', 'school', 'social_services', 'arbetsformedlingen', 'health_care', 'youth_clinic', 'other')),
    created_by     integer NOT NULL REFERENCES users (id),
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, participant_id, version),
    FOREIGN KEY (tenant_id, participant_id) REFERENCES participants (tenant_id, id) ON DELETE CASCADE,
    CHECK (referral_made OR referral_to = '')
);

-- One row per plan version; goals and measures of that version follow it.
CREATE TABLE plans (
    tenant_id      integer NOT NULL,
    participant_id bigint NOT NULL,
    version        integer NOT NULL CHECK (version >= 1),
    follow_up_on   date,
    agreed_on      date,
    change_note    text NOT NULL DEFAULT '' CHECK (length(change_note) <= 500),
    created_by     integer NOT NULL REFERENCES users (id),
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, participant_id, version),
    FOREIGN KEY (tenant_id, participant_id) REFERENCES participants (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE plan_goals (
    tenant_id      integer NOT NULL,
    participant_id bigint NOT NULL,
    version        integer NOT NULL,
    position       integer NOT NULL,
    parent         integer, -- position of the goal a sub-goal (delmål) belongs to
    text           text NOT NULL CHECK (length(text) BETWEEN 1 AND 500),
    status         text NOT NULL CHECK (status IN ('not_started', 'in_progress', 'reached', 'dropped')),
    PRIMARY KEY (tenant_id, participant_id, version, position),
    FOREIGN KEY (tenant_id, participant_id, version) REFERENCES plans (tenant_id, participant_id, version) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, participant_id, version, parent) REFERENCES plan_goals (tenant_id, participant_id, version, position)
);

CREATE TABLE plan_measures (
    tenant_id        integer NOT NULL,
    participant_id   bigint NOT NULL,
    version          integer NOT NULL,
    position         integer NOT NULL,
    type             text NOT NULL CHECK (type IN ('introduction_programme', 'komvux', 'folkhogskola', 'work_placement',
                                                   'guidance', 'arbetsformedlingen', 'municipal_labour', 'support', 'other')),
    description      text NOT NULL DEFAULT '' CHECK (length(description) <= 500),
    responsible      text NOT NULL CHECK (responsible IN ('young_person', 'municipality', 'school', 'arbetsformedlingen',
                                                          'social_services', 'health_care', 'other')),
    responsible_unit text NOT NULL DEFAULT '' CHECK (length(responsible_unit) <= 200),
    starts_on        date,
    ends_on          date,
    end_reason       text CHECK (end_reason IN ('completed', 'dropped_out', 'studies', 'work', 'other')),
    PRIMARY KEY (tenant_id, participant_id, version, position),
    FOREIGN KEY (tenant_id, participant_id, version) REFERENCES plans (tenant_id, participant_id, version) ON DELETE CASCADE,
    CHECK (ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on),
    CHECK ((ends_on IS NULL) = (end_reason IS NULL))
);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['mappings', 'plans', 'plan_goals', 'plan_measures'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id())', t);
    END LOOP;
END
$$;
-- Versions are only ever added: the serving role may not change or delete one.
GRANT SELECT, INSERT ON mappings, plans, plan_goals, plan_measures TO kaa_app;

-- A plan makes the status "active with plan" (until every enrolment has ended).
ALTER TABLE participants ADD COLUMN has_plan boolean NOT NULL DEFAULT false;
ALTER TABLE participants DROP COLUMN status;
ALTER TABLE participants ADD COLUMN status text NOT NULL GENERATED ALWAYS AS (
    CASE WHEN enrolments > 0 AND open_enrolments = 0 THEN 'ended'
         WHEN has_plan THEN 'active_plan'
         WHEN ever_reached THEN 'in_contact'
         WHEN last_contact_at IS NOT NULL THEN 'contact_attempted'
         ELSE 'identified' END) STORED;
CREATE INDEX participants_status_idx ON participants (tenant_id, status, lower(last_name), lower(first_name), id);

CREATE FUNCTION refresh_from_plans() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE participants p SET has_plan = true
    FROM (SELECT DISTINCT tenant_id, participant_id FROM new_rows) n
    WHERE p.tenant_id = n.tenant_id AND p.id = n.participant_id AND NOT p.has_plan;
    RETURN NULL;
END $$;
CREATE TRIGGER summary_plans_insert AFTER INSERT ON plans REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION refresh_from_plans();
