ALTER TABLE tenant_settings DROP COLUMN sms_from;
-- Restores send_move_notice as migration 000038 wrote it.
CREATE OR REPLACE FUNCTION send_move_notice(eid bigint) RETURNS text
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
REVOKE USAGE ON SEQUENCE move_notices_id_seq FROM kaa_notice;
DROP POLICY notice_chain ON audit_events;
DROP POLICY notice_arrival ON audit_events;
REVOKE SELECT (tenant_id, seq, hash) ON audit_events FROM kaa_notice;
REVOKE INSERT ON audit_events FROM kaa_notice;
