-- Accounts for a consulting team sharing one sixr: users with a role,
-- server-side sessions, and who may see which engagement.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL,               -- argon2id PHC string
    role          TEXT NOT NULL CHECK (role IN ('admin', 'consultant', 'viewer')),
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

-- Only a hash of the session token is stored: a copy of the database does
-- not let anyone log in.
CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,               -- unix seconds
    last_seen   INTEGER NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE engagement_members (
    engagement_id INTEGER NOT NULL REFERENCES engagements(id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (engagement_id, user_id)
);
