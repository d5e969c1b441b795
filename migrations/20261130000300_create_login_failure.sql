-- Failed logins counted over a window (15 minutes, backend/src/auth/throttle.rs), per account
-- (the e-mail as typed, trimmed and lower-cased) and per client address. Kept here rather
-- than in a process so that every backend replica counts the same failures: five for one
-- account are five whichever replicas saw them. A successful login removes its account's row;
-- rows past the window are deleted by the next failure.
CREATE TABLE login_failure (
    kind     text        NOT NULL,
    subject  text        NOT NULL,
    failures integer     NOT NULL,
    first_at timestamptz NOT NULL,
    CONSTRAINT login_failure_pkey PRIMARY KEY (kind, subject),
    CONSTRAINT login_failure_kind_check CHECK (kind IN ('account', 'client')),
    CONSTRAINT login_failure_failures_check CHECK (failures > 0)
);

CREATE INDEX login_failure_first_at_idx ON login_failure (first_at);
