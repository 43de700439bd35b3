-- ESF reporting (issue 22, section 3; docs/design/esf-reporting.md).

-- The project's case number at Svenska ESF-rådet (diarienummer), which the
-- monthly participant file to SCB names. Not personal data.
ALTER TABLE projects ADD COLUMN esf_case_number text
    CHECK (esf_case_number ~ '^[0-9A-Za-zÅÄÖåäö/. -]{1,40}$');

-- The hours a participant spent in the project's activities in a month,
-- as the project records them for SCB's monthly file ("tidsomfattning").
-- One number per project enrolment and month; nothing about what was done.
CREATE TABLE esf_hours (
    tenant_id    integer NOT NULL,
    enrolment_id bigint NOT NULL,
    month        date NOT NULL CHECK (extract(day FROM month) = 1),
    hours        numeric(5, 1) NOT NULL CHECK (hours >= 0 AND hours <= 744),
    recorded_by  integer NOT NULL REFERENCES users (id),
    recorded_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, enrolment_id, month),
    FOREIGN KEY (tenant_id, enrolment_id) REFERENCES enrolments (tenant_id, id) ON DELETE CASCADE
);
ALTER TABLE esf_hours ENABLE ROW LEVEL SECURITY;
ALTER TABLE esf_hours FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON esf_hours USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
GRANT SELECT, INSERT, UPDATE, DELETE ON esf_hours TO kaa_app;

-- Every monthly participant file to SCB the product produced, kept byte
-- for byte so that an earlier month can be downloaded again exactly as it
-- was sent. The files hold personnummer: they live under the
-- municipality's row-level security like the register, and are never
-- changed. A file is one municipality's participants in one project.
CREATE TABLE esf_files (
    tenant_id      integer NOT NULL REFERENCES orgs (id),
    id             bigint GENERATED ALWAYS AS IDENTITY,
    project_id     integer NOT NULL REFERENCES projects (id),
    month          date NOT NULL CHECK (extract(day FROM month) = 1),
    spec_version   text NOT NULL CHECK (spec_version ~ '^[0-9]{4}-[0-9]{2}$'),
    file_name      text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 200),
    rows           integer NOT NULL CHECK (rows >= 0),
    warnings       integer NOT NULL CHECK (warnings >= 0),
    content_sha256 text NOT NULL CHECK (content_sha256 ~ '^[0-9a-f]{64}$'),
    xlsx           bytea NOT NULL,
    xlsx_sha256    text NOT NULL CHECK (xlsx_sha256 ~ '^[0-9a-f]{64}$'),
    created_by     integer NOT NULL REFERENCES users (id),
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX esf_files_month_idx ON esf_files (tenant_id, project_id, month, id);
ALTER TABLE esf_files ENABLE ROW LEVEL SECURITY;
ALTER TABLE esf_files FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON esf_files USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
-- Append-only for the program: no UPDATE or DELETE.
GRANT SELECT, INSERT ON esf_files TO kaa_app;
