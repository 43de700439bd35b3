DROP TABLE followup_revisions;
