-- The list and the work queues read only people not erased by gallring; with
-- the condition in the index they count and sort from the index alone again,
-- without visiting every row to check erased_on.
CREATE INDEX participants_live_status_idx ON participants (tenant_id, status, lower(last_name), lower(first_name), id) WHERE erased_on IS NULL;
DROP INDEX participants_status_idx;
