DROP TABLE signin_throttle;
CREATE TABLE signin_throttle (
    key           text PRIMARY KEY,
    failures      integer NOT NULL,
    window_start  timestamptz NOT NULL,
    locked_until  timestamptz
);
GRANT SELECT, INSERT, UPDATE, DELETE ON signin_throttle TO kaa_app;
