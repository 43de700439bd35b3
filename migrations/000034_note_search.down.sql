DROP INDEX IF EXISTS contacts_note_search_idx;
DROP INDEX IF EXISTS contact_amendments_note_search_idx;
DROP INDEX IF EXISTS plan_goals_text_search_idx;
DROP INDEX IF EXISTS plan_measures_text_search_idx;
DROP INDEX IF EXISTS plans_change_note_search_idx;
DROP INDEX IF EXISTS mappings_text_search_idx;
DROP EXTENSION IF EXISTS btree_gin;
