DROP FUNCTION purge_stale_imports();
DROP TABLE imports;
