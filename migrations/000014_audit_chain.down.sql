DROP FUNCTION audit_verify(integer);
DROP TRIGGER audit_chain ON audit_events;
DROP FUNCTION audit_chain();
DROP INDEX audit_events_seq_key;
DROP FUNCTION audit_hash(audit_events);
ALTER TABLE audit_events DROP COLUMN seq, DROP COLUMN prev_hash, DROP COLUMN hash;
