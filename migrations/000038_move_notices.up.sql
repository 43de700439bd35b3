-- When a young person moves (issue 19, section 4; docs/design/moves.md).
-- Nothing about the person crosses to the new home municipality by default:
-- the data is covered by secrecy (docs/privacy.md). With the young person's
-- recorded consent, and only then, the old municipality may send the new one
-- a notice with name, personnummer and the date of the move.

-- A municipality may turn receiving notices off.
ALTER TABLE tenant_settings ADD COLUMN accepts_move_notices boolean NOT NULL DEFAULT true;

-- The consent (samtycke) to a notice, in the sending municipality: who gave
-- it, when and how. One row per recording; the newest counts. The outcome of
-- the attempt to send is the sender's own record of what happened.
CREATE TABLE move_consents (
    tenant_id      integer NOT NULL REFERENCES orgs (id),
    id             bigint GENERATED ALWAYS AS IDENTITY,
    participant_id bigint NOT NULL,
    enrolment_id   bigint NOT NULL,
    given_by       text NOT NULL CHECK (given_by IN ('young_person', 'guardian')),
    given_on       date NOT NULL,
    method         text NOT NULL CHECK (method IN ('oral', 'written')),
    notice_outcome text CHECK (notice_outcome IN ('sent', 'already_sent', 'not_user', 'turned_off')),
    recorded_by    integer REFERENCES users (id),
    recorded_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (given_on <= (recorded_at AT TIME ZONE 'Europe/Stockholm')::date),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, participant_id) REFERENCES participants (tenant_id, id),
    FOREIGN KEY (tenant_id, enrolment_id) REFERENCES enrolments (tenant_id, id)
);
CREATE INDEX move_consents_enrolment ON move_consents (tenant_id, enrolment_id);
ALTER TABLE move_consents ENABLE ROW LEVEL SECURITY;
ALTER TABLE move_consents FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON move_consents USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
GRANT SELECT, INSERT ON move_consents TO kaa_app;
GRANT UPDATE (notice_outcome) ON move_consents TO kaa_app;

-- A notice received, in the receiving municipality (tenant_id): the only
-- personal data are the name, the personnummer and the date of the move.
-- from_org_id says which municipality sent it; source_enrolment is the
-- sender's enrolment, so that one move gives at most one notice.
CREATE TABLE move_notices (
    tenant_id        integer NOT NULL REFERENCES orgs (id),
    id               bigint GENERATED ALWAYS AS IDENTITY,
    from_org_id      integer NOT NULL REFERENCES orgs (id),
    source_enrolment bigint NOT NULL,
    personnummer     text NOT NULL,
    first_name       text NOT NULL COLLATE sv,
    last_name        text NOT NULL COLLATE sv,
    moved_on         date NOT NULL,
    sent_at          timestamptz NOT NULL DEFAULT now(),
    outcome          text CHECK (outcome IN ('registered', 'dismissed')),
    dismiss_reason   text CHECK (length(btrim(dismiss_reason)) BETWEEN 1 AND 200),
    handled_by       integer REFERENCES users (id),
    handled_at       timestamptz,
    CHECK ((outcome IS NULL) = (handled_at IS NULL)),
    CHECK ((outcome = 'dismissed') = (dismiss_reason IS NOT NULL)),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, from_org_id, source_enrolment)
);
CREATE INDEX move_notices_open ON move_notices (tenant_id, sent_at) WHERE outcome IS NULL;
ALTER TABLE move_notices ENABLE ROW LEVEL SECURITY;
ALTER TABLE move_notices FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON move_notices USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
GRANT SELECT ON move_notices TO kaa_app;
-- Handling a notice empties its name and personnummer: a registered person's
-- are in the register, a dismissed one's are not needed.
GRANT UPDATE (outcome, dismiss_reason, handled_by, handled_at, personnummer, first_name, last_name) ON move_notices TO kaa_app;

-- The role that owns send_move_notice: it reads the caller's own enrolment,
-- person and consent (bound by row-level security like the serving role),
-- whether a municipality accepts notices, and may insert a notice into any
-- municipality. It never logs in and reads no notice.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'kaa_notice') THEN
        CREATE ROLE kaa_notice NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
    END IF;
END
$$;
GRANT kaa_notice TO CURRENT_USER;
GRANT USAGE, CREATE ON SCHEMA public TO kaa_notice;
GRANT SELECT (tenant_id, id, participant_id, kind, ends_on, end_reason, moved_to) ON enrolments TO kaa_notice;
GRANT SELECT (tenant_id, id, personnummer, first_name, last_name, erased_on) ON participants TO kaa_notice;
GRANT SELECT (tenant_id, enrolment_id, notice_outcome, recorded_at, id) ON move_consents TO kaa_notice;
GRANT SELECT (id, key, kind) ON orgs TO kaa_notice;
GRANT SELECT (tenant_id, accepts_move_notices) ON tenant_settings TO kaa_notice;
GRANT INSERT ON move_notices TO kaa_notice;
GRANT EXECUTE ON FUNCTION app_tenant_id() TO kaa_notice;
CREATE POLICY notice_accepts ON tenant_settings FOR SELECT TO kaa_notice USING (true);
CREATE POLICY notice_send ON move_notices FOR INSERT TO kaa_notice WITH CHECK (true);

-- send_move_notice sends the notice for the calling municipality's enrolment
-- eid, and says what happened: 'sent', 'already_sent', 'not_user' (the new
-- municipality does not use the product), 'turned_off' (it does not accept
-- notices) or 'refused' (the enrolment is not the caller's latest KAA
-- enrolment, ended as moved to another municipality, with a recorded consent).
CREATE FUNCTION send_move_notice(eid bigint) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    t integer := app_tenant_id();
    e record;
    p record;
    receiver integer;
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
    INSERT INTO move_notices (tenant_id, from_org_id, source_enrolment, personnummer, first_name, last_name, moved_on)
    VALUES (receiver, t, eid, p.personnummer, p.first_name, p.last_name, e.ends_on)
    ON CONFLICT DO NOTHING;
    RETURN 'sent';
END
$$;
ALTER FUNCTION send_move_notice(bigint) OWNER TO kaa_notice;
REVOKE ALL ON FUNCTION send_move_notice(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION send_move_notice(bigint) TO kaa_app;
