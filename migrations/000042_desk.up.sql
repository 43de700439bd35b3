-- Issue 19's leftovers (the coordinator's desk).

-- 1. A move notice's arrival is an event of the receiving municipality's
-- audit log, written in the sender's transaction by send_move_notice. The
-- row has no user (the review shows it as "Systemet"), no request id or
-- address (those are the sender's), and names only the notice and the
-- sending municipality's kommunkod.
--
-- kaa_notice may insert that one kind of row into any organisation's log,
-- and read the columns the hash chain's trigger needs to append to it
-- (tenant_id, seq, hash): nothing of what the log says.
GRANT INSERT ON audit_events TO kaa_notice;
GRANT SELECT (tenant_id, seq, hash) ON audit_events TO kaa_notice;
CREATE POLICY notice_arrival ON audit_events FOR INSERT TO kaa_notice
    WITH CHECK (action = 'move_notice.arrive' AND user_id IS NULL AND record_type = 'move_notice');
CREATE POLICY notice_chain ON audit_events FOR SELECT TO kaa_notice USING (true);
-- The notice's id is drawn before the insert, so the function can name it
-- in the audit row without reading move_notices back.
GRANT USAGE ON SEQUENCE move_notices_id_seq TO kaa_notice;

CREATE OR REPLACE FUNCTION send_move_notice(eid bigint) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
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

-- 5. A municipality's own SMS sender (docs/design/sms.md): a text sender id
-- by 46elks' rule (3–11 of A–Z, a–z, 0–9, not beginning with a digit) or an
-- E.164 number, to which replies can come. Empty: the installation's
-- KAA_SMS_FROM. sms.ValidSender is the same rule in Go.
ALTER TABLE tenant_settings ADD COLUMN sms_from text NOT NULL DEFAULT ''
    CONSTRAINT tenant_settings_sms_from_check
    CHECK (sms_from = '' OR sms_from ~ '^[A-Za-z][A-Za-z0-9]{2,10}$' OR sms_from ~ '^\+[0-9]{7,15}$');
