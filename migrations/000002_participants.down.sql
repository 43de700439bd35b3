DROP VIEW contacts_effective;
DROP TABLE tenant_settings;
DROP TABLE contact_amendments;
DROP TABLE contacts;
DROP TABLE enrolments;
DROP TABLE participant_coordinators;
DROP TABLE participants;
