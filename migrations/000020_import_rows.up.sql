-- An upload keeps the rows read from the file, not the file: the file is
-- parsed once, at upload and outside any transaction, under the limits of
-- kaalist; the preview, the column mapping and the confirmation read the
-- rows. Uploads waiting for confirmation are at most a day old and can be
-- uploaded again, so those that still hold a file are dropped.
DELETE FROM imports;
ALTER TABLE imports DROP COLUMN data;
ALTER TABLE imports ADD COLUMN content jsonb NOT NULL;
