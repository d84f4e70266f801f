-- Issue 12 (trust).

-- Saved column mappings belong to one engagement: a mapping describes one
-- customer's file layout, and another team's upload of a file with the same
-- header must not be read through it unseen. Until now they were global;
-- each engagement keeps the mapping it saved last itself (its audit trail
-- recorded every save with the mapping), so nobody inherits another's.
CREATE TABLE engagement_mappings (
    engagement_id    INTEGER NOT NULL REFERENCES engagements(id) ON DELETE CASCADE,
    header_signature TEXT NOT NULL,
    mapping          TEXT NOT NULL,
    saved_by         TEXT NOT NULL DEFAULT '',
    saved_at         TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    PRIMARY KEY (engagement_id, header_signature)
);
INSERT INTO engagement_mappings (engagement_id, header_signature, mapping, saved_by, saved_at)
SELECT a.engagement_id, json_extract(a.after, '$.signature'), json_extract(a.after, '$.mapping'), a.actor, a.at
FROM audit_log a
WHERE a.entity = 'import_mapping' AND a.action = 'save'
  AND a.engagement_id IN (SELECT id FROM engagements)
  AND json_extract(a.after, '$.signature') IS NOT NULL AND json_extract(a.after, '$.mapping') IS NOT NULL
  AND a.id = (SELECT MAX(b.id) FROM audit_log b
              WHERE b.entity = 'import_mapping' AND b.action = 'save' AND b.engagement_id = a.engagement_id
                AND json_extract(b.after, '$.signature') = json_extract(a.after, '$.signature'));
DROP TABLE import_mappings;

-- Secrets of this server (the key CSRF tokens are made with), generated on
-- the first start. A backup carries them, so tokens stay valid on restore.
CREATE TABLE server_secrets (
    name       TEXT PRIMARY KEY,
    value      BLOB NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

-- Files waiting between preview and commit are counted per user, so one
-- account cannot fill the disk with 50 MB uploads (db::imports::store_upload).
ALTER TABLE import_uploads ADD COLUMN user_id INTEGER REFERENCES users(id) ON DELETE CASCADE;
CREATE INDEX import_uploads_by_user ON import_uploads (user_id);
