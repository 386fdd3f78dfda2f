-- Quiet hours are checked again when a delivery is made (a retry or a long queue can push it
-- into the night). hold_limit is the moment past which they must not hold it: for a
-- reminder, the event's start. NULL: no limit (a survey invitation can wait till morning).
ALTER TABLE outbox_jobs ADD COLUMN hold_limit TEXT;
