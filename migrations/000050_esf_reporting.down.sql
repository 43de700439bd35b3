DROP TABLE esf_files;
DROP TABLE esf_hours;
ALTER TABLE projects DROP COLUMN esf_case_number;
