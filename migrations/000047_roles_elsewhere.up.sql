-- Whether an account holds a role outside one organisation: a membership in
-- another, any project role, or system administration. An organisation's own
-- identity provider, SCIM token or administrator may act on an account only
-- where this is false, so that one municipality cannot take over an account
-- that also opens another's data (docs/design/idp.md, docs/design/scim.md).
CREATE FUNCTION user_has_role_outside(uid integer, t integer) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'public'
    AS $$
        SELECT EXISTS (SELECT 1 FROM memberships WHERE user_id = uid AND tenant_id <> t)
            OR EXISTS (SELECT 1 FROM project_roles WHERE user_id = uid)
            OR EXISTS (SELECT 1 FROM users WHERE id = uid AND is_system_admin)
    $$;

REVOKE ALL ON FUNCTION user_has_role_outside(integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION user_has_role_outside(integer, integer) TO kaa_app;
ALTER FUNCTION user_has_role_outside(integer, integer) OWNER TO kaa_aggregate;
