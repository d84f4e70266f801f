-- Discovery enrichment: what the source files said beyond sixr's fields,
-- the suggestions sixr derives from it (with their evidence), and which
-- field values the consultant typed.
--
-- Where a field's value came from is read from these tables:
--   edited     a row in `edited_fields`;
--   suggested  the value equals a `pending` suggestion of that field;
--   confirmed  the value equals an `accepted` suggestion of that field;
--   imported   anything else that is not empty.
-- A pending suggestion is written into the workload's field itself, so
-- every page, the scoring, the architecture and the exports read the
-- effective value without knowing about suggestions; only an empty field
-- (or one a suggestion filled) is ever filled. Two pending suggestions of
-- one field are a conflict: the field stays empty until the consultant
-- picks one. A rejected suggestion stays, so it is never made again.

CREATE TABLE workload_discovery (
    workload_id   INTEGER PRIMARY KEY REFERENCES workloads(id) ON DELETE CASCADE,
    engagement_id INTEGER NOT NULL REFERENCES engagements(id) ON DELETE CASCADE,
    -- JSON (inventory::Discovered): RVTools annotation, folder, vApp,
    -- resource pool and both OS columns, MPA sheets, application memberships...
    attributes    TEXT NOT NULL
);
CREATE INDEX workload_discovery_by_engagement ON workload_discovery (engagement_id);

CREATE TABLE suggestions (
    workload_id   INTEGER NOT NULL REFERENCES workloads(id) ON DELETE CASCADE,
    -- role, db_engine, application or os_version
    field         TEXT NOT NULL,
    value         TEXT NOT NULL,
    engagement_id INTEGER NOT NULL REFERENCES engagements(id) ON DELETE CASCADE,
    status        TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected')),
    -- JSON list of [kind, detail] pairs (enrich::Evidence).
    evidence      TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (workload_id, field, value)
) WITHOUT ROWID;
CREATE INDEX suggestions_by_engagement ON suggestions (engagement_id, status, field);

CREATE TABLE edited_fields (
    workload_id   INTEGER NOT NULL REFERENCES workloads(id) ON DELETE CASCADE,
    field         TEXT NOT NULL,
    engagement_id INTEGER NOT NULL REFERENCES engagements(id) ON DELETE CASCADE,
    PRIMARY KEY (workload_id, field)
) WITHOUT ROWID;
