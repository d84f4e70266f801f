-- Questionnaire answers per workload or application (still_used,
-- saas_alternative, ...): written by imports and the questionnaire, read by
-- the scoring rules. Question names are the template's column names.
CREATE TABLE answers (
    id            INTEGER PRIMARY KEY,
    engagement_id INTEGER NOT NULL REFERENCES engagements(id) ON DELETE CASCADE,
    subject_kind  TEXT NOT NULL CHECK (subject_kind IN ('workload', 'application')),
    -- workloads.id or applications.id, by subject_kind. Rows of a deleted
    -- subject are removed with it by the triggers below.
    subject_id    INTEGER NOT NULL,
    question      TEXT NOT NULL,
    value         TEXT NOT NULL,
    updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    UNIQUE (subject_kind, subject_id, question)
);
CREATE INDEX answers_by_engagement ON answers (engagement_id, subject_kind, subject_id);

CREATE TRIGGER answers_follow_workloads AFTER DELETE ON workloads BEGIN
    DELETE FROM answers WHERE subject_kind = 'workload' AND subject_id = OLD.id;
END;
CREATE TRIGGER answers_follow_applications AFTER DELETE ON applications BEGIN
    DELETE FROM answers WHERE subject_kind = 'application' AND subject_id = OLD.id;
END;

-- Uploaded files between the preview and the commit on the web import page,
-- keyed by a random token; older than a day they are cleared.
CREATE TABLE import_uploads (
    token         TEXT PRIMARY KEY,
    engagement_id INTEGER NOT NULL REFERENCES engagements(id) ON DELETE CASCADE,
    file_name     TEXT NOT NULL,
    bytes         BLOB NOT NULL,
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
