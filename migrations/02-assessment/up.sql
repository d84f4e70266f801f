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

-- Questionnaire answers, per application (inherited by its workloads) or per
-- workload (overrides the application's answer). The template importer
-- writes still_used, saas_alternative, source_available, must_stay_on_prem,
-- needs_new_features and deadline_months as typed (yes/no/예/아니오/number);
-- the scoring module normalises values when it reads them. No row (or the
-- value 'unknown') means the answer is not known.
CREATE TABLE answers (
    id            INTEGER PRIMARY KEY,
    engagement_id INTEGER NOT NULL REFERENCES engagements(id) ON DELETE CASCADE,
    subject_kind  TEXT NOT NULL CHECK (subject_kind IN ('workload', 'application')),
    subject_id    INTEGER NOT NULL,
    question      TEXT NOT NULL,
    value         TEXT NOT NULL DEFAULT '',
    updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    UNIQUE (subject_kind, subject_id, question)
);
CREATE INDEX answers_by_engagement ON answers (engagement_id, subject_kind, subject_id);
-- subject_id points at a workload or an application; answers go with them.
CREATE TRIGGER answers_of_deleted_workload AFTER DELETE ON workloads BEGIN
    DELETE FROM answers WHERE subject_kind = 'workload' AND subject_id = OLD.id;
END;
CREATE TRIGGER answers_of_deleted_application AFTER DELETE ON applications BEGIN
    DELETE FROM answers WHERE subject_kind = 'application' AND subject_id = OLD.id;
END;
