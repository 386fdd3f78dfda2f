-- Who answered must not be matchable to what they answered. Participation rows lose their
-- insertion order (WITHOUT ROWID: stored by event and person) and keep only the day; the
-- times of anonymous responses are kept to the day as well.
CREATE TABLE survey_participation_new (
    event_id     INTEGER NOT NULL REFERENCES events(id),
    user_id      INTEGER NOT NULL REFERENCES users(id) ON UPDATE CASCADE,
    completed_on TEXT NOT NULL,                       -- YYYY-MM-DD
    PRIMARY KEY (event_id, user_id)
) WITHOUT ROWID;
INSERT INTO survey_participation_new (event_id, user_id, completed_on)
    SELECT event_id, user_id, substr(completed_at, 1, 10) FROM survey_participation;
DROP TABLE survey_participation;
ALTER TABLE survey_participation_new RENAME TO survey_participation;
UPDATE survey_responses
    SET started_at = substr(started_at, 1, 10) || ' 00:00:00',
        completed_at = substr(completed_at, 1, 10) || ' 00:00:00'
    WHERE user_id IS NULL;
