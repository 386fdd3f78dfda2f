-- Core domain: people, projects, events, registrations, attendance, roles, audit, FSM state.
-- Times are UTC text 'YYYY-MM-DD HH:MM:SS' (sortable, SQLite date functions understand it).
-- Foreign keys to users cascade on update: /delete_me re-keys a person to an anonymous id so
-- past attendance and answers still count without pointing at a Telegram account.

CREATE TABLE users (
    id              INTEGER PRIMARY KEY,          -- Telegram user id; negative once anonymised
    language        TEXT NOT NULL DEFAULT 'ru' CHECK (language IN ('ru', 'kk')),
    language_chosen INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL,
    consent_at      TEXT,
    full_name       TEXT,
    phone           TEXT,
    organisation    TEXT,
    category        TEXT,                         -- code from the configured category list
    district        TEXT,                         -- code from the district list, or typed text
    profile_done_at TEXT,
    unreachable_at  TEXT,                         -- blocked the bot or deactivated (403)
    deleted_at      TEXT
);

CREATE TABLE projects (
    id          INTEGER PRIMARY KEY,
    title_ru    TEXT NOT NULL,
    title_kk    TEXT,
    funder      TEXT NOT NULL DEFAULT '',
    starts_on   TEXT,                             -- local date YYYY-MM-DD
    ends_on     TEXT,
    created_by  INTEGER,
    created_at  TEXT NOT NULL
);

CREATE TABLE events (
    id                     INTEGER PRIMARY KEY,
    project_id             INTEGER NOT NULL REFERENCES projects(id),
    code                   TEXT NOT NULL UNIQUE,   -- random, used in deep links
    type                   TEXT NOT NULL DEFAULT 'seminar',
    title_ru               TEXT NOT NULL,
    title_kk               TEXT,
    description_ru         TEXT,
    description_kk         TEXT,
    starts_at              TEXT NOT NULL,
    ends_at                TEXT NOT NULL,
    place                  TEXT NOT NULL DEFAULT '',
    district               TEXT,
    capacity               INTEGER CHECK (capacity IS NULL OR capacity > 0),  -- NULL: unlimited
    registration_deadline  TEXT,
    by_application         INTEGER NOT NULL DEFAULT 0,
    status                 TEXT NOT NULL DEFAULT 'draft'
                               CHECK (status IN ('draft', 'published', 'cancelled')),
    reminder_minutes       TEXT NOT NULL DEFAULT '[1440, 120]',  -- JSON list, before start
    survey_template        TEXT,
    survey_anonymous       INTEGER NOT NULL DEFAULT 0,
    survey_delay_minutes   INTEGER NOT NULL DEFAULT 60,     -- invitation after the end
    survey_nudge_minutes   INTEGER NOT NULL DEFAULT 1440,   -- one nudge after the invitation
    survey_close_minutes   INTEGER NOT NULL DEFAULT 10080,  -- closes 7 days after the end
    checkin_code           TEXT,                            -- six digits announced in the room
    checkin_margin_minutes INTEGER NOT NULL DEFAULT 60,     -- check-in opens/closes around it
    walkins_allowed        INTEGER NOT NULL DEFAULT 0,
    created_by             INTEGER,
    created_at             TEXT NOT NULL,
    updated_at             TEXT NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX events_by_start ON events (status, starts_at);
CREATE INDEX events_by_project ON events (project_id, starts_at);

-- One row per person and event; id order is tap order, which orders the waiting list.
CREATE TABLE registrations (
    id               INTEGER PRIMARY KEY,
    event_id         INTEGER NOT NULL REFERENCES events(id),
    user_id          INTEGER NOT NULL REFERENCES users(id) ON UPDATE CASCADE,
    status           TEXT NOT NULL CHECK (status IN (
                         'confirmed', 'waitlisted', 'offered', 'applied', 'reserve',
                         'rejected', 'cancelled')),
    motivation       TEXT,
    offer_expires_at TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    UNIQUE (event_id, user_id)
);
CREATE INDEX registrations_by_user ON registrations (user_id);
CREATE INDEX registrations_by_event_status ON registrations (event_id, status, id);

-- Attendance, once per person and event. Walk-ins without Telegram have no user_id.
CREATE TABLE checkins (
    id            INTEGER PRIMARY KEY,
    event_id      INTEGER NOT NULL REFERENCES events(id),
    user_id       INTEGER REFERENCES users(id) ON UPDATE CASCADE,
    walkin_name   TEXT,
    walkin_category TEXT,
    walkin_district TEXT,
    method        TEXT NOT NULL CHECK (method IN ('qr', 'code', 'list', 'walkin')),
    checked_in_at TEXT NOT NULL,
    checked_in_by INTEGER,
    CHECK (user_id IS NOT NULL OR walkin_name IS NOT NULL)
);
CREATE UNIQUE INDEX checkins_once ON checkins (event_id, user_id) WHERE user_id IS NOT NULL;

CREATE TABLE coordinators (
    user_id   INTEGER PRIMARY KEY,
    added_by  INTEGER,
    added_at  TEXT NOT NULL
);

CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    actor_id  INTEGER NOT NULL,
    action    TEXT NOT NULL,
    object    TEXT NOT NULL DEFAULT '',
    details   TEXT NOT NULL DEFAULT '{}',
    at        TEXT NOT NULL
);

-- aiogram FSM state and data, so a half-filled form survives a restart.
CREATE TABLE fsm_state (
    key     TEXT PRIMARY KEY,
    user_id INTEGER,                      -- so /delete_me can erase half-filled forms too
    state   TEXT,
    data  TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX fsm_state_by_user ON fsm_state (user_id);
