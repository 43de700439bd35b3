DROP TRIGGER memberships_no_system_admin ON memberships;
DROP FUNCTION memberships_no_system_admin();
