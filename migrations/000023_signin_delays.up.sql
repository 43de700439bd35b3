-- Sign-in throttling by growing delays instead of lock-out (issue 16.4).
-- One row per gate: 'pair:<e-mail>|<address>' (an account from one client
-- address), 'email:<e-mail>' (an account from anywhere) and 'addr:<address>'
-- (one client address, any account). An admitted attempt counts as a failure
-- at once and moves next_at forward; a too-early one is refused unchecked.
-- The old counters are worth nothing after the change: start afresh.
DROP TABLE signin_throttle;
CREATE TABLE signin_throttle (
    key          text PRIMARY KEY,
    failures     integer NOT NULL DEFAULT 0,
    last_failure timestamptz,
    next_at      timestamptz,  -- no attempt is checked before it; NULL: open
    -- pair rows only: the address signed in to the account before, so the
    -- account's and the address's gates do not hold it back until then
    known_until  timestamptz
);
GRANT SELECT, INSERT, UPDATE, DELETE ON signin_throttle TO kaa_app;
