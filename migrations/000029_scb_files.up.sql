-- Every SCB half-year file the product produced, kept byte for byte so that
-- an earlier submission can be downloaded again exactly as it was, whatever
-- was corrected in the register since (issue 17, docs/scb-report.md). One
-- row holds both formats of one content; making a file whose text is the same
-- as the newest one for the half-year and spec version reuses that row.
-- The files hold personnummer: they live under the municipality's
-- row-level security like the register, and are never changed.
CREATE TABLE scb_files (
    tenant_id    integer NOT NULL REFERENCES orgs (id),
    id           bigint GENERATED ALWAYS AS IDENTITY,
    half_year    text NOT NULL CHECK (half_year ~ '^[0-9]{4}-[12]$'),
    spec_version text NOT NULL CHECK (spec_version ~ '^[0-9]{4}-[12]$'),
    spec_date    date NOT NULL,
    file_name    text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 200),
    rows         integer NOT NULL CHECK (rows >= 0),
    findings     integer NOT NULL CHECK (findings >= 0),
    xlsx         bytea NOT NULL,
    xlsx_sha256  text NOT NULL CHECK (xlsx_sha256 ~ '^[0-9a-f]{64}$'),
    text         bytea NOT NULL,
    text_sha256  text NOT NULL CHECK (text_sha256 ~ '^[0-9a-f]{64}$'),
    created_by   integer NOT NULL REFERENCES users (id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX scb_files_half_year_idx ON scb_files (tenant_id, half_year, spec_version, id);
ALTER TABLE scb_files ENABLE ROW LEVEL SECURITY;
ALTER TABLE scb_files FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON scb_files USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
-- Append-only for the program: no UPDATE or DELETE.
GRANT SELECT, INSERT ON scb_files TO kaa_app;
