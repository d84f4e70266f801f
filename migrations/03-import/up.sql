-- Uploaded files between the preview and the commit on the web import page,
-- keyed by a random token; older than a day they are cleared.
CREATE TABLE import_uploads (
    token         TEXT PRIMARY KEY,
    engagement_id INTEGER NOT NULL REFERENCES engagements(id) ON DELETE CASCADE,
    file_name     TEXT NOT NULL,
    bytes         BLOB NOT NULL,
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
