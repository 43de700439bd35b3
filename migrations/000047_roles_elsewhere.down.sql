DROP FUNCTION user_has_role_outside(integer, integer);
