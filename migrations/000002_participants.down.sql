DROP VIEW contacts_effective;
DROP TABLE tenant_settings;
DROP TABLE contact_amendments;
DROP TABLE contacts;
DROP FUNCTION contacts_keep_amended_original();
DROP TABLE enrolments;
DROP TABLE participant_coordinators;
DROP TABLE participants;
ALTER TABLE subprojects DROP CONSTRAINT subprojects_org_id_key;
