DROP FUNCTION project_esf_indicators(integer, date, date);
ALTER TABLE enrolments DROP CONSTRAINT enrolments_esf_entry_project_only,
    DROP COLUMN education_level, DROP COLUMN labour_market_status;
