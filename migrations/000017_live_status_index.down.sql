CREATE INDEX participants_status_idx ON participants (tenant_id, status, lower(last_name), lower(first_name), id);
DROP INDEX participants_live_status_idx;
