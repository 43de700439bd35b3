-- Outcome follow-ups (uppföljning): scheduled when an enrolment ends, one at
-- exit (due within four weeks) and one six months after, each recording where
-- the young person is, the ESF+ result flags and, at exit, their own answers.
CREATE TABLE followups (
    tenant_id          integer NOT NULL,
    id                 bigint GENERATED ALWAYS AS IDENTITY,
    participant_id     bigint NOT NULL,
    enrolment_id       bigint NOT NULL,
    kind               text NOT NULL CHECK (kind IN ('exit', 'six_months')),
    due_on             date NOT NULL,
    done_on            date,
    occupation         text CHECK (occupation IN ('national_programme', 'introduction_programme', 'komvux', 'folkhogskola',
                                                  'studies_other', 'work', 'work_placement', 'arbetsformedlingen',
                                                  'municipal_measure', 'health_care', 'no_activity', 'not_reachable', 'moved')),
    esf_job_searching  boolean,
    esf_in_education   boolean,
    esf_qualification  boolean,
    esf_employed       boolean,
    survey_long_term_goal text CHECK (survey_long_term_goal IN ('yes', 'no', 'no_answer')),
    survey_clear_plan     text CHECK (survey_clear_plan IN ('yes', 'no', 'no_answer')),
    survey_respect        text CHECK (survey_respect IN ('yes', 'no', 'no_answer')),
    survey_no_barrier     text CHECK (survey_no_barrier IN ('yes', 'no', 'no_answer')),
    recorded_by        integer REFERENCES users (id),
    recorded_at        timestamptz,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, enrolment_id, kind),
    FOREIGN KEY (tenant_id, participant_id) REFERENCES participants (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, enrolment_id) REFERENCES enrolments (tenant_id, id) ON DELETE CASCADE,
    CHECK ((done_on IS NULL) = (occupation IS NULL)),
    CHECK (kind = 'exit' OR (survey_long_term_goal IS NULL AND survey_clear_plan IS NULL AND survey_respect IS NULL AND survey_no_barrier IS NULL))
);
CREATE INDEX followups_due_idx ON followups (tenant_id, due_on) WHERE done_on IS NULL;
CREATE INDEX followups_participant_idx ON followups (tenant_id, participant_id);
ALTER TABLE followups ENABLE ROW LEVEL SECURITY;
ALTER TABLE followups FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON followups USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
GRANT SELECT, INSERT, UPDATE ON followups TO kaa_app;
