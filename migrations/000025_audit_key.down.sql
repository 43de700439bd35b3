-- Back to the plain SHA-256 chain. Rows MACed with the key stay as they are,
-- and audit_verify reports the first of them as changed.
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
CREATE OR REPLACE FUNCTION audit_chain() RETURNS trigger
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
DROP FUNCTION audit_message(audit_events);
ALTER TABLE audit_events DROP COLUMN key_id;
