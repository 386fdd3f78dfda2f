-- A project's planned figures, for plan against fact (issue 14 item 6).
-- One row per planned figure: a format's number of events (format set), the project's target
-- reach (format NULL), either of them for one district (district set) or the whole project.
CREATE TABLE project_targets (
    id          INTEGER PRIMARY KEY,
    project_id  INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    format      TEXT,                              -- an event type; NULL: all formats
    district    TEXT,                              -- a district code; NULL: the whole project
    events      INTEGER CHECK (events IS NULL OR events >= 0),
    reach       INTEGER CHECK (reach IS NULL OR reach >= 0)
);

CREATE UNIQUE INDEX project_targets_one
    ON project_targets (project_id, COALESCE(format, ''), COALESCE(district, ''));
