-- Search in the free text of the register (issue 19): contact notes, the
-- current plan's texts and the current mapping's notes, with PostgreSQL's
-- Swedish text-search configuration (stemming: "söker" finds "sökte").
--
-- Expression indexes, not stored tsvector columns: writes stay exactly as
-- they are (no column to keep up, no table rewrite), and to_tsvector with a
-- regconfig constant is immutable, so it can be indexed. A query must use the
-- same expression to reach the index (internal/participant/notesearch.go).
--
-- tenant_id leads every index (btree_gin), so a search of one municipality
-- reads only that municipality's entries, as row-level security asks, and a
-- distributed table (Citus) keeps the index on the tenant's shard.
CREATE EXTENSION IF NOT EXISTS btree_gin;

CREATE INDEX contacts_note_search_idx ON contacts
    USING gin (tenant_id, to_tsvector('swedish'::regconfig, note));
CREATE INDEX contact_amendments_note_search_idx ON contact_amendments
    USING gin (tenant_id, to_tsvector('swedish'::regconfig, note));
CREATE INDEX plan_goals_text_search_idx ON plan_goals
    USING gin (tenant_id, to_tsvector('swedish'::regconfig, text));
CREATE INDEX plan_measures_text_search_idx ON plan_measures
    USING gin (tenant_id, to_tsvector('swedish'::regconfig, description || ' ' || responsible_unit));
CREATE INDEX plans_change_note_search_idx ON plans
    USING gin (tenant_id, to_tsvector('swedish'::regconfig, change_note));
CREATE INDEX mappings_text_search_idx ON mappings
    USING gin (tenant_id, to_tsvector('swedish'::regconfig, strengths || ' ' || challenges || ' ' || direction_note));
