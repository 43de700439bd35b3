DROP FUNCTION project_kaa_list(integer, date);
DROP FUNCTION kaa_list_by_month(integer, date);
