-- Updates already handled, by Telegram's update_id, so an update Telegram sends again (its
-- confirmation was lost in a crash, or a webhook answer timed out) has no second effect.
-- outcome is what handling it came to. Rows are kept for two days, pruned as new ones come:
-- Telegram keeps an unconfirmed update for 24 hours at most, so no copy comes later.
CREATE TABLE processed_updates (
    update_id  INTEGER PRIMARY KEY,
    outcome    TEXT NOT NULL CHECK (outcome IN ('handled', 'unhandled', 'failed')),
    handled_at TEXT NOT NULL
);
CREATE INDEX processed_updates_by_time ON processed_updates (handled_at);
