-- The audit chain becomes keyed: a new row's hash is HMAC-SHA256 under the
-- audit key, which the database does not hold. The program brings the key
-- on each connection as the setting kaa.audit_key (a startup parameter, so
-- no statement ever carries it); a row written without it is refused. An
-- owner who edits a row can no longer give it, or the rows after it, hashes
-- that `kaa audit verify` accepts. key_id names the key that made a row's
-- MAC; rows written before this migration keep their SHA-256 hash and no
-- key_id, and stay checkable as the plain chain they are.
ALTER TABLE audit_events ADD COLUMN key_id text;

-- What a row's hash covers: the hash of the row before it and the row's
-- content, as audit_hash (migration 000014) hashes it. `kaa audit verify`
-- builds the same bytes in Go from the columns, so it does not rely on this
-- function being unchanged.
CREATE FUNCTION audit_message(a audit_events) RETURNS bytea
    LANGUAGE sql STABLE AS $$
    SELECT coalesce(a.prev_hash, '\x'::bytea) || convert_to(concat_ws(E'\x1f',
        a.tenant_id, a.seq, a.id, to_char(a.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'),
        coalesce(a.user_id::text, ''), a.action, a.record_type, a.record_id, a.request_id, a.client_addr,
        a.detail::text), 'UTF8')
$$;

CREATE OR REPLACE FUNCTION audit_chain() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    last record;
    audit_key bytea := decode(nullif(current_setting('kaa.audit_key', true), ''), 'base64');
BEGIN
    IF audit_key IS NULL THEN
        RAISE EXCEPTION 'audit_events: this connection has no audit key'
            USING HINT = 'The program sets kaa.audit_key from KAA_AUDIT_KEY; see docs/operations.md.';
    END IF;
    PERFORM pg_advisory_xact_lock(1096, NEW.tenant_id);
    SELECT a.seq, a.hash INTO last FROM audit_events a WHERE a.tenant_id = NEW.tenant_id ORDER BY a.seq DESC LIMIT 1;
    NEW.seq := coalesce(last.seq, 0) + 1;
    NEW.prev_hash := last.hash;
    NEW.key_id := encode(substr(sha256(convert_to('kaa audit key id:', 'UTF8') || audit_key), 1, 4), 'hex');
    NEW.hash := hmac(audit_message(NEW), audit_key, 'sha256');
    RETURN NEW;
END
$$;

-- The check moves to Go (internal/audit), which holds the keys.
DROP FUNCTION audit_verify(integer);
