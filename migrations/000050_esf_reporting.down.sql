-- retention_erase as 000040 left it.
CREATE OR REPLACE FUNCTION retention_erase(t integer, today date) RETURNS TABLE(rule text, people bigint)
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
    RETURN QUERY SELECT r.rule, count(*) FROM unnest(rules) r(rule) GROUP BY r.rule ORDER BY r.rule;
END
$$;
DROP TABLE esf_files;
DROP TABLE esf_hours;
ALTER TABLE projects DROP COLUMN esf_case_number;
