-- The serving role's queries are short or, for the dashboards, planned to
-- use indexes: compiling them with JIT cost the umbrella of the largest
-- project about 150 ms a call and the first call on a connection more than a
-- second, for nothing back. PostgreSQL's default is on.
ALTER ROLE kaa_app SET jit = off;
