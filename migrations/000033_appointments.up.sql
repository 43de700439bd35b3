-- Booked meetings and planned actions (bokade möten och planerade åtgärder)
-- with a date and time, per young person, each with a responsible user; and
-- the daily e-mail digest of them: whether a user wants it and the last day
-- one was sent (so that two instances or a restart never send twice).
CREATE TABLE appointments (
    tenant_id      integer NOT NULL,
    id             bigint GENERATED ALWAYS AS IDENTITY,
    participant_id bigint NOT NULL,
    kind           text NOT NULL CHECK (kind IN ('meeting_school', 'home_visit', 'meeting_office', 'call_back', 'other')),
    due_at         timestamptz NOT NULL,
    note           text NOT NULL DEFAULT '' CHECK (length(note) <= 200),
    responsible    integer NOT NULL REFERENCES users (id),
    created_by     integer NOT NULL REFERENCES users (id),
    created_at     timestamptz NOT NULL DEFAULT now(),
    done_at        timestamptz,
    cancelled_at   timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, participant_id) REFERENCES participants (tenant_id, id) ON DELETE CASCADE,
    CHECK (done_at IS NULL OR cancelled_at IS NULL)
);
-- The menu's count and the digest: one user's open items by due time.
CREATE INDEX appointments_open_idx ON appointments (tenant_id, responsible, due_at) WHERE done_at IS NULL AND cancelled_at IS NULL;
CREATE INDEX appointments_participant_idx ON appointments (tenant_id, participant_id, due_at);
ALTER TABLE appointments ENABLE ROW LEVEL SECURITY;
ALTER TABLE appointments FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON appointments USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
GRANT SELECT, INSERT, UPDATE ON appointments TO kaa_app;

-- The digest is on unless the user turns it off in /konto (opt-out); it is
-- sent only when the operator has configured SMTP.
ALTER TABLE users ADD COLUMN digest_off boolean NOT NULL DEFAULT false;
ALTER TABLE users ADD COLUMN digest_sent_on date;
GRANT SELECT (digest_off, digest_sent_on) ON users TO kaa_app;
