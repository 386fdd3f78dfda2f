-- One-time invitations a super-coordinator sends to make someone a coordinator.
CREATE TABLE coordinator_invites (
    code       TEXT PRIMARY KEY,                 -- random, in t.me/<bot>?start=i_<code>
    created_by INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_by    INTEGER,
    used_at    TEXT
);
