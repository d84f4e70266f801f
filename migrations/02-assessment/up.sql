-- What the rules recommend per workload, and what the consultant decided.
-- The decision wins downstream (architecture, cost, plan, report).

CREATE TABLE assessments (
    workload_id   INTEGER PRIMARY KEY REFERENCES workloads(id) ON DELETE CASCADE,
    engagement_id INTEGER NOT NULL REFERENCES engagements(id) ON DELETE CASCADE,
    -- Strategy the rules recommend (rehost, replatform, ...), NULL when unscored.
    recommended   TEXT,
    -- JSON: the six scores, marks, reasons, risks as the scoring module writes them.
    detail        TEXT NOT NULL DEFAULT '{}',
    confidence    REAL,
    updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX assessments_by_engagement ON assessments (engagement_id, recommended);

CREATE TABLE decisions (
    workload_id   INTEGER PRIMARY KEY REFERENCES workloads(id) ON DELETE CASCADE,
    engagement_id INTEGER NOT NULL REFERENCES engagements(id) ON DELETE CASCADE,
    strategy      TEXT NOT NULL,
    rationale     TEXT NOT NULL DEFAULT '',
    effort        TEXT NOT NULL DEFAULT '',      -- S, M, L, XL
    criticality   INTEGER,                       -- 1..10
    priority      INTEGER,                       -- 1..10
    decided_by    TEXT NOT NULL DEFAULT '',
    decided_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    version       INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX decisions_by_engagement ON decisions (engagement_id, strategy);
