-- Scheduled and bulk sending. The database is the source of truth: a restart rebuilds the
-- schedule from these rows, and every (job, recipient) delivery is recorded, so a resumed
-- run skips what was delivered.

CREATE TABLE outbox_jobs (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,                    -- a renderer name: reminder, coordinator_message...
    payload     TEXT NOT NULL DEFAULT '{}',       -- JSON the renderer reads
    urgent      INTEGER NOT NULL DEFAULT 0,       -- urgent jobs ignore quiet hours
    dedupe_key  TEXT UNIQUE,                      -- the same key never makes a second job
    created_by  INTEGER,
    created_at  TEXT NOT NULL
);

-- 'sending' is written (and committed) before the Telegram call and 'sent' after it. A row
-- found in 'sending' at start-up may or may not have reached the person: it becomes 'unknown'
-- and is not retried, so nobody gets the same message twice (at most once).
CREATE TABLE outbox_deliveries (
    id          INTEGER PRIMARY KEY,
    job_id      INTEGER NOT NULL REFERENCES outbox_jobs(id),
    user_id     INTEGER NOT NULL REFERENCES users(id) ON UPDATE CASCADE,
    state       TEXT NOT NULL DEFAULT 'pending' CHECK (state IN (
                    'pending', 'sending', 'sent', 'blocked', 'failed', 'skipped', 'unknown')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    not_before  TEXT NOT NULL,
    sent_at     TEXT,
    error       TEXT,
    UNIQUE (job_id, user_id)
);
CREATE INDEX outbox_due ON outbox_deliveries (state, not_before);

-- One scheduler per database: the running process holds this row and refreshes it.
CREATE TABLE scheduler_lock (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    owner        TEXT NOT NULL,                   -- hostname:pid
    heartbeat_at TEXT NOT NULL
);

-- "I'll come" on a reminder.
ALTER TABLE registrations ADD COLUMN attendance_confirmed_at TEXT;
