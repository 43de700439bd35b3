-- Consent to projects (issue 16.3). A project owner used to add any
-- organisation as a member, and the project then saw its KAA list at once.
-- Now the owner invites, and only a municipality administrator of the invited
-- organisation can make it a member. project_orgs stays the list of accepted
-- members: project_indicators, project_kaa_list, project_participants,
-- project_esf_indicators and project_export all read it, and an invitation,
-- kept apart in project_invitations, is in none of them. Sub-projects refer
-- to project_orgs, so a pending organisation cannot be given one either.
CREATE TABLE project_invitations (
    project_id integer NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    org_id     integer NOT NULL REFERENCES orgs (id),
    invited_at timestamptz NOT NULL DEFAULT now(),
    invited_by integer REFERENCES users (id),
    PRIMARY KEY (project_id, org_id)
);
CREATE INDEX project_invitations_org_idx ON project_invitations (org_id);
GRANT SELECT, INSERT, DELETE ON project_invitations TO kaa_app;

-- Members set up before this migration were set up by the owner and the
-- municipality together, outside the product: they count as accepted now.
-- A new member says when and by whom it accepted (no default): the seeds,
-- which act as both sides, say so explicitly.
ALTER TABLE project_orgs
    ADD COLUMN accepted_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN accepted_by integer REFERENCES users (id);
ALTER TABLE project_orgs ALTER COLUMN accepted_at DROP DEFAULT;

-- The serving role may read members and remove them (the owner's set-up),
-- but add one only as an administrator of the invited organisation, in that
-- organisation's transaction, for an invitation that exists, naming itself.
-- The schema owner (migrations, seeds) owns the table and is not bound.
REVOKE UPDATE ON project_orgs FROM kaa_app;
ALTER TABLE project_orgs ENABLE ROW LEVEL SECURITY;
CREATE POLICY members_readable ON project_orgs FOR SELECT TO kaa_app, kaa_aggregate USING (true);
CREATE POLICY owner_removes ON project_orgs FOR DELETE TO kaa_app USING (true);
CREATE POLICY accepted_by_the_invited ON project_orgs FOR INSERT TO kaa_app
    WITH CHECK (
        org_id = app_tenant_id()
        AND accepted_by = app_user_id()
        AND EXISTS (SELECT 1 FROM project_invitations i
                    WHERE i.project_id = project_orgs.project_id AND i.org_id = project_orgs.org_id)
        AND EXISTS (SELECT 1 FROM memberships m
                    WHERE m.tenant_id = project_orgs.org_id AND m.user_id = app_user_id() AND m.role = 'municipality_admin'));
