DELETE FROM imports;
ALTER TABLE imports DROP COLUMN content;
ALTER TABLE imports ADD COLUMN data bytea NOT NULL;
