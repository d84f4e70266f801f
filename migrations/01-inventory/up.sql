-- Engagements, applications, workloads and the dependencies between them:
-- the inventory everything else in sixr is computed from.

CREATE TABLE engagements (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    customer    TEXT NOT NULL DEFAULT '',
    consultant  TEXT NOT NULL DEFAULT '',
    region      TEXT NOT NULL DEFAULT 'ap-northeast-2',
    currency    TEXT NOT NULL DEFAULT 'USD',
    language    TEXT NOT NULL DEFAULT 'en',
    notes       TEXT NOT NULL DEFAULT '',
    -- Engagement-wide settings (preference profile, sizing mode...) as JSON,
    -- read and written by the domain modules that own them.
    preferences TEXT NOT NULL DEFAULT '{}',
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

CREATE TABLE applications (
    id            INTEGER PRIMARY KEY,
    engagement_id INTEGER NOT NULL REFERENCES engagements(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    notes         TEXT NOT NULL DEFAULT '',
    version       INTEGER NOT NULL DEFAULT 1,
    UNIQUE (engagement_id, name)
);

CREATE TABLE workloads (
    id                 INTEGER PRIMARY KEY,
    engagement_id      INTEGER NOT NULL REFERENCES engagements(id) ON DELETE CASCADE,
    application_id     INTEGER REFERENCES applications(id) ON DELETE SET NULL,
    name               TEXT NOT NULL,
    hostname           TEXT NOT NULL DEFAULT '',
    environment        TEXT NOT NULL DEFAULT '',
    role               TEXT NOT NULL DEFAULT '',
    os                 TEXT NOT NULL DEFAULT '',
    os_version         TEXT NOT NULL DEFAULT '',
    cpu_cores          INTEGER,
    ram_gb             REAL,
    storage_gb         REAL,
    cpu_util_peak_pct  REAL,
    ram_util_peak_pct  REAL,
    db_engine          TEXT NOT NULL DEFAULT '',
    db_version         TEXT NOT NULL DEFAULT '',
    middleware         TEXT NOT NULL DEFAULT '',
    runtime            TEXT NOT NULL DEFAULT '',
    license            TEXT NOT NULL DEFAULT '',
    annual_cost        REAL,
    criticality        TEXT NOT NULL DEFAULT '',
    data_classification TEXT NOT NULL DEFAULT '',
    users              INTEGER,
    notes              TEXT NOT NULL DEFAULT '',
    powered_off        INTEGER NOT NULL DEFAULT 0,
    -- Which importer wrote the row last (template, rvtools, mpa, ...).
    source             TEXT NOT NULL DEFAULT '',
    version            INTEGER NOT NULL DEFAULT 1,
    created_at         TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at         TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    UNIQUE (engagement_id, name)
);
CREATE INDEX workloads_by_application ON workloads (engagement_id, application_id);
CREATE INDEX workloads_by_hostname ON workloads (engagement_id, hostname);
CREATE INDEX workloads_by_environment ON workloads (engagement_id, environment);
CREATE INDEX workloads_by_role ON workloads (engagement_id, role);
CREATE INDEX workloads_by_os ON workloads (engagement_id, os);

CREATE TABLE dependencies (
    id               INTEGER PRIMARY KEY,
    engagement_id    INTEGER NOT NULL REFERENCES engagements(id) ON DELETE CASCADE,
    from_workload_id INTEGER NOT NULL REFERENCES workloads(id) ON DELETE CASCADE,
    to_workload_id   INTEGER NOT NULL REFERENCES workloads(id) ON DELETE CASCADE,
    port             INTEGER,
    protocol         TEXT NOT NULL DEFAULT '',
    description      TEXT NOT NULL DEFAULT '',
    UNIQUE (from_workload_id, to_workload_id)
);
CREATE INDEX dependencies_by_target ON dependencies (to_workload_id);

-- Column mappings a consultant confirmed for an unknown file shape, keyed by
-- the normalised header row so the next file of that shape maps itself.
CREATE TABLE import_mappings (
    id               INTEGER PRIMARY KEY,
    header_signature TEXT NOT NULL UNIQUE,
    mapping          TEXT NOT NULL,
    created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

-- One row per import: what came in, from which file, with what result.
CREATE TABLE imports (
    id            INTEGER PRIMARY KEY,
    engagement_id INTEGER NOT NULL REFERENCES engagements(id) ON DELETE CASCADE,
    file_name     TEXT NOT NULL,
    format        TEXT NOT NULL,
    created       INTEGER NOT NULL DEFAULT 0,
    updated       INTEGER NOT NULL DEFAULT 0,
    warnings      INTEGER NOT NULL DEFAULT 0,
    actor         TEXT NOT NULL DEFAULT '',
    at            TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

-- Every change: who, when, what, before and after (JSON).
CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY,
    engagement_id INTEGER REFERENCES engagements(id) ON DELETE CASCADE,
    at            TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    actor         TEXT NOT NULL DEFAULT '',
    entity        TEXT NOT NULL,
    entity_id     INTEGER,
    action        TEXT NOT NULL,
    before        TEXT,
    after         TEXT
);
CREATE INDEX audit_by_entity ON audit_log (entity, entity_id);
CREATE INDEX audit_by_engagement ON audit_log (engagement_id, id);
