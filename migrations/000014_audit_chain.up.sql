-- Each municipality's audit rows form a hash chain: a row carries its place
-- in the chain (seq), the hash of the row before it, and the SHA-256 of its
-- own content and that hash. Editing, removing or reordering a row in SQL
-- breaks the chain at that row, and `kaa audit verify` names it.
ALTER TABLE audit_events ADD COLUMN seq bigint, ADD COLUMN prev_hash bytea, ADD COLUMN hash bytea;

-- The hash of a row, the one definition the trigger and the check share.
-- Times are written in UTC with microseconds, so the session's time zone
-- cannot change a hash.
CREATE FUNCTION audit_hash(a audit_events) RETURNS bytea
    LANGUAGE sql STABLE AS $$
    SELECT sha256(coalesce(a.prev_hash, '\x'::bytea) || convert_to(concat_ws(E'\x1f',
        a.tenant_id, a.seq, a.id, to_char(a.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'),
        coalesce(a.user_id::text, ''), a.action, a.record_type, a.record_id, a.request_id, a.client_addr,
        a.detail::text), 'UTF8'))
$$;

-- Rows already written join the chain in the order they were written, one
-- municipality at a time, as that municipality (the owner is bound by
-- row-level security too).
DO $$
DECLARE
    t integer;
    r audit_events;
    n bigint;
    last bytea;
BEGIN
    FOR t IN SELECT id FROM orgs ORDER BY id LOOP
        PERFORM set_config('app.tenant_id', t::text, true);
        n := 0;
        last := NULL;
        FOR r IN SELECT * FROM audit_events WHERE tenant_id = t ORDER BY id LOOP
            n := n + 1;
            r.seq := n;
            r.prev_hash := last;
            last := audit_hash(r);
            UPDATE audit_events SET seq = n, prev_hash = r.prev_hash, hash = last WHERE tenant_id = t AND id = r.id;
        END LOOP;
    END LOOP;
    PERFORM set_config('app.tenant_id', '', true);
END
$$;

ALTER TABLE audit_events ALTER COLUMN seq SET NOT NULL, ALTER COLUMN hash SET NOT NULL;
CREATE UNIQUE INDEX audit_events_seq_key ON audit_events (tenant_id, seq);

-- A new row joins its municipality's chain. The lock makes the
-- municipality's audit rows join one at a time, each after the last one
-- committed; it is held until the writing transaction ends.
CREATE FUNCTION audit_chain() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    last record;
BEGIN
    PERFORM pg_advisory_xact_lock(1096, NEW.tenant_id);
    SELECT a.seq, a.hash INTO last FROM audit_events a WHERE a.tenant_id = NEW.tenant_id ORDER BY a.seq DESC LIMIT 1;
    NEW.seq := coalesce(last.seq, 0) + 1;
    NEW.prev_hash := last.hash;
    NEW.hash := audit_hash(NEW);
    RETURN NEW;
END
$$;
CREATE TRIGGER audit_chain BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_chain();

-- The check: every row of the municipality in chain order, with whether its
-- hash matches its content, whether it points at the row before it, and
-- whether its place follows the one before it (a missing row leaves a gap).
CREATE FUNCTION audit_verify(t integer)
    RETURNS TABLE (seq bigint, id bigint, intact boolean, linked boolean, consecutive boolean)
    LANGUAGE sql STABLE AS $$
    SELECT a.seq, a.id, a.hash = audit_hash(a),
           a.prev_hash IS NOT DISTINCT FROM lag(a.hash) OVER w,
           a.seq = coalesce(lag(a.seq) OVER w, 0) + 1
    FROM audit_events a WHERE a.tenant_id = t
    WINDOW w AS (ORDER BY a.seq)
    ORDER BY a.seq
$$;
