DROP FUNCTION project_indicators(integer, date, date);
DROP POLICY aggregate_read ON participants;
DROP POLICY aggregate_read ON enrolments;
DROP POLICY aggregate_read ON contacts;
DROP POLICY aggregate_read ON contact_amendments;
DROP POLICY aggregate_read ON plans;
DROP POLICY aggregate_read ON followups;
REVOKE SELECT ON participants, enrolments, contacts, contact_amendments, plans, followups, project_orgs, subprojects, contacts_effective FROM kaa_aggregate;
