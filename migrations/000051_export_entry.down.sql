DROP FUNCTION project_export_entry(integer, integer, date, date);
