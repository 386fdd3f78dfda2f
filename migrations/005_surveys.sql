-- Feedback questionnaires. An anonymous survey's responses have no user_id; who has answered
-- is kept apart in survey_participation, which does not point at the answers.

CREATE TABLE survey_responses (
    id           INTEGER PRIMARY KEY,
    event_id     INTEGER NOT NULL REFERENCES events(id),
    template     TEXT NOT NULL,
    user_id      INTEGER REFERENCES users(id) ON UPDATE CASCADE,  -- NULL when anonymous
    district     TEXT,                                            -- the respondent's, when answering
    category     TEXT,
    started_at   TEXT NOT NULL,
    completed_at TEXT
);
CREATE INDEX survey_responses_by_event ON survey_responses (event_id);

CREATE TABLE survey_answers (
    response_id   INTEGER NOT NULL REFERENCES survey_responses(id) ON DELETE CASCADE,
    question_id   TEXT NOT NULL,
    value_number  REAL,           -- scale, and yes/no as 1/0
    value_text    TEXT,           -- free text, and the "other" text of a choice
    value_choices TEXT,           -- JSON list of option ids (single, multi)
    PRIMARY KEY (response_id, question_id)
);

CREATE TABLE survey_participation (
    event_id     INTEGER NOT NULL REFERENCES events(id),
    user_id      INTEGER NOT NULL REFERENCES users(id) ON UPDATE CASCADE,
    completed_at TEXT NOT NULL,
    PRIMARY KEY (event_id, user_id)
);
