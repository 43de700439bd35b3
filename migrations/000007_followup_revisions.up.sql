-- A recorded follow-up that is recorded again keeps what it said before.
CREATE TABLE followup_revisions (
    tenant_id   integer NOT NULL,
    id          bigint GENERATED ALWAYS AS IDENTITY,
    followup_id bigint NOT NULL,
    snapshot    jsonb NOT NULL,
    replaced_by integer NOT NULL REFERENCES users (id),
    replaced_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, followup_id) REFERENCES followups (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX followup_revisions_followup_idx ON followup_revisions (tenant_id, followup_id);
ALTER TABLE followup_revisions ENABLE ROW LEVEL SECURITY;
ALTER TABLE followup_revisions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON followup_revisions USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
GRANT SELECT, INSERT ON followup_revisions TO kaa_app;
