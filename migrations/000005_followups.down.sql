DROP TABLE followups;
