DROP FUNCTION project_participants(integer, date, date);
