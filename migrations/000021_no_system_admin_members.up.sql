-- A system administrator's account never holds a role in an organisation:
-- the role would let it read the organisation's personal data (issue 16.2).
-- The application refuses it first with a message; this is the backstop.
-- System administrators are made only when their account is created
-- (`kaa user create --system-admin`), so checking memberships suffices.
CREATE FUNCTION memberships_no_system_admin() RETURNS trigger
    LANGUAGE plpgsql SET search_path = public AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM users WHERE id = NEW.user_id AND is_system_admin) THEN
        RAISE EXCEPTION 'a system administrator cannot hold a role in an organisation'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER memberships_no_system_admin BEFORE INSERT OR UPDATE ON memberships
    FOR EACH ROW EXECUTE FUNCTION memberships_no_system_admin();
