ALTER TABLE users DROP COLUMN must_set_up_two_factor;
DROP TABLE password_resets;
