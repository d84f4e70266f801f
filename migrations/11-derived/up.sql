-- Derived data is kept fresh by the write that changes what it is derived
-- from, never by a reader (db::derived says how). What a reader used to
-- check goes: the engagement's revision and the triggers that raised it
-- (05), the counts kept per revision, the scored revision, the workload
-- version an assessment was scored from and the list of applications to
-- score again (06).
DROP TRIGGER engagement_settings_revision;
DROP TRIGGER workloads_update_revision;
DROP TRIGGER workloads_delete_revision;
DROP TRIGGER applications_insert_revision;
DROP TRIGGER applications_update_revision;
DROP TRIGGER applications_delete_revision;
DROP TRIGGER dependencies_update_revision;
DROP TRIGGER dependencies_delete_revision;
DROP TRIGGER answers_update_revision;
DROP TRIGGER answers_delete_revision;
DROP TRIGGER decisions_insert_revision;
DROP TRIGGER decisions_update_revision;
DROP TRIGGER decisions_delete_revision;
DROP TRIGGER workloads_leave_application;
DROP TRIGGER workloads_delete_from_application;
DROP TABLE applications_to_rescore;
ALTER TABLE engagements DROP COLUMN revision;
ALTER TABLE engagements DROP COLUMN workload_count;
ALTER TABLE engagements DROP COLUMN application_count;
ALTER TABLE engagements DROP COLUMN counted_revision;
ALTER TABLE engagements DROP COLUMN scored_revision;

-- One row per scored workload: what the rules recommend, the decision, the
-- strategy in effect, and what the pages filter and count by; `detail` is
-- the scoring result (scores, marks, reasons and risks as rule ids with the
-- facts they name). No foreign key to the workload: when a workload goes,
-- its row is what db::derived takes out of the figures before deleting it.
DROP TABLE assessments;
CREATE TABLE assessments (
    workload_id    INTEGER PRIMARY KEY,
    engagement_id  INTEGER NOT NULL REFERENCES engagements(id) ON DELETE CASCADE,
    -- The figures row this workload is counted in (0: no application).
    application_id INTEGER NOT NULL,
    -- The workload's name, so that lists by strategy come in name order.
    name           TEXT NOT NULL,
    recommended    TEXT NOT NULL,
    decided        TEXT,
    effective      TEXT NOT NULL,
    confidence     REAL NOT NULL,
    -- The most severe risk (high, medium, low) and how many of each.
    top_risk       TEXT,
    risks_high     INTEGER NOT NULL,
    risks_medium   INTEGER NOT NULL,
    risks_low      INTEGER NOT NULL,
    -- A bastion or jump host today (architecture findings read it).
    jump_host      INTEGER NOT NULL,
    -- Index in detail's reasons of the one that sums the recommendation up.
    main_reason    INTEGER,
    -- The earliest dated end of support (OS or database), YYYY-MM-DD: the
    -- dashboard's end-of-support timeline counts by it.
    end_of_support TEXT,
    detail         TEXT NOT NULL
);
CREATE INDEX assessments_by_application ON assessments (engagement_id, application_id);
CREATE INDEX assessments_by_strategy ON assessments (engagement_id, effective, name);
CREATE INDEX assessments_by_end_of_support ON assessments (engagement_id, end_of_support) WHERE end_of_support IS NOT NULL;

-- Sums of the assessments per application (0: the workloads without one)
-- and for the whole engagement (-1), kept by adding what a re-scored
-- workload counts now and taking away what it counted before. `answered`
-- and `open_applications` come from the application's answers.
CREATE TABLE figures (
    engagement_id        INTEGER NOT NULL REFERENCES engagements(id) ON DELETE CASCADE,
    application_id       INTEGER NOT NULL,
    applications         INTEGER NOT NULL DEFAULT 0,
    workloads            INTEGER NOT NULL DEFAULT 0,
    recommended_rehost     INTEGER NOT NULL DEFAULT 0,
    recommended_replatform INTEGER NOT NULL DEFAULT 0,
    recommended_refactor   INTEGER NOT NULL DEFAULT 0,
    recommended_retire     INTEGER NOT NULL DEFAULT 0,
    recommended_retain     INTEGER NOT NULL DEFAULT 0,
    recommended_repurchase INTEGER NOT NULL DEFAULT 0,
    decided_rehost         INTEGER NOT NULL DEFAULT 0,
    decided_replatform     INTEGER NOT NULL DEFAULT 0,
    decided_refactor       INTEGER NOT NULL DEFAULT 0,
    decided_retire         INTEGER NOT NULL DEFAULT 0,
    decided_retain         INTEGER NOT NULL DEFAULT 0,
    decided_repurchase     INTEGER NOT NULL DEFAULT 0,
    effective_rehost       INTEGER NOT NULL DEFAULT 0,
    effective_replatform   INTEGER NOT NULL DEFAULT 0,
    effective_refactor     INTEGER NOT NULL DEFAULT 0,
    effective_retire       INTEGER NOT NULL DEFAULT 0,
    effective_retain       INTEGER NOT NULL DEFAULT 0,
    effective_repurchase   INTEGER NOT NULL DEFAULT 0,
    risks_high           INTEGER NOT NULL DEFAULT 0,
    risks_medium         INTEGER NOT NULL DEFAULT 0,
    risks_low            INTEGER NOT NULL DEFAULT 0,
    low_confidence       INTEGER NOT NULL DEFAULT 0,
    jump_hosts           INTEGER NOT NULL DEFAULT 0,
    answered             INTEGER NOT NULL DEFAULT 0,
    open_applications    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (engagement_id, application_id)
) WITHOUT ROWID;

-- What the architecture list shows of each application's target (0: the
-- workloads without an application): architecture::AppSummary as JSON, and
-- what it needs of the landing zone (landing_zone::Footprint as JSON; none
-- when nothing moves), which the list plans the shared landing zone from.
CREATE TABLE architecture_summaries (
    engagement_id     INTEGER NOT NULL REFERENCES engagements(id) ON DELETE CASCADE,
    application_id    INTEGER NOT NULL,
    -- The list's order: by name, the workloads without an application last.
    sort_name         TEXT NOT NULL,
    summary           TEXT NOT NULL,
    footprint         TEXT,
    PRIMARY KEY (engagement_id, application_id)
) WITHOUT ROWID;
CREATE INDEX architecture_by_name ON architecture_summaries (engagement_id, sort_name);

-- The plan's inputs, per group that moves in a wave: an application (its
-- id) or a workload without one (minus its id). Only workloads that move
-- to AWS count.
CREATE TABLE plan_groups (
    engagement_id  INTEGER NOT NULL REFERENCES engagements(id) ON DELETE CASCADE,
    group_key      INTEGER NOT NULL,
    name           TEXT NOT NULL,
    strategy       TEXT NOT NULL,
    workloads      INTEGER NOT NULL,
    effort         TEXT,
    criticality    INTEGER,
    priority       INTEGER,
    -- For the steps: database engines (JSON list), file data, storage.
    db_engines     TEXT NOT NULL,
    has_file_data  INTEGER NOT NULL,
    storage_gb     REAL NOT NULL,
    PRIMARY KEY (engagement_id, group_key)
) WITHOUT ROWID;

-- Dependencies the plan orders by: from a workload that moves to one in
-- another group, or to one that is retired or retained. Group keys as in
-- plan_groups, for both ends whether they move or not.
CREATE TABLE plan_links (
    engagement_id  INTEGER NOT NULL REFERENCES engagements(id) ON DELETE CASCADE,
    from_key       INTEGER NOT NULL,
    to_key         INTEGER NOT NULL,
    from_workload  TEXT NOT NULL,
    to_workload    TEXT NOT NULL,
    -- The strategy of the workload depended on.
    to_strategy    TEXT NOT NULL
);
CREATE INDEX plan_links_from ON plan_links (engagement_id, from_key);
CREATE INDEX plan_links_to ON plan_links (engagement_id, to_key);

-- The plan computed from those: its waves, the groups in each (by name), the
-- warnings, and its length.
CREATE TABLE plans (
    engagement_id INTEGER PRIMARY KEY REFERENCES engagements(id) ON DELETE CASCADE,
    total_weeks   INTEGER NOT NULL,
    migrate_weeks INTEGER NOT NULL,
    waves         INTEGER NOT NULL,
    warnings      INTEGER NOT NULL
);
CREATE TABLE plan_waves (
    engagement_id INTEGER NOT NULL REFERENCES engagements(id) ON DELETE CASCADE,
    number        INTEGER NOT NULL,
    -- 0-based position among the waves (numbers can skip after moves).
    position      INTEGER NOT NULL,
    pilot         INTEGER NOT NULL,
    apps          INTEGER NOT NULL,
    workloads     INTEGER NOT NULL,
    start_week    INTEGER NOT NULL,
    weeks         INTEGER NOT NULL,
    PRIMARY KEY (engagement_id, number)
) WITHOUT ROWID;
CREATE INDEX plan_waves_by_position ON plan_waves (engagement_id, position);
CREATE TABLE plan_apps (
    engagement_id INTEGER NOT NULL REFERENCES engagements(id) ON DELETE CASCADE,
    wave          INTEGER NOT NULL,
    name          TEXT NOT NULL,
    group_key     INTEGER NOT NULL,
    -- 0-based position in its wave.
    position      INTEGER NOT NULL,
    strategy      TEXT NOT NULL,
    workloads     INTEGER NOT NULL,
    effort        TEXT,
    criticality   INTEGER,
    weeks         INTEGER NOT NULL,
    moved         INTEGER NOT NULL,
    cycle_with    TEXT NOT NULL,
    PRIMARY KEY (engagement_id, wave, position)
) WITHOUT ROWID;
CREATE INDEX plan_apps_by_name ON plan_apps (engagement_id, name);
CREATE TABLE plan_warnings (
    engagement_id INTEGER NOT NULL REFERENCES engagements(id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    warning       TEXT NOT NULL,
    PRIMARY KEY (engagement_id, position)
) WITHOUT ROWID;

-- Engagements whose derived data is being computed anew, whole, in the
-- background (after an import, a new preference profile or settings, a new
-- rule book): how far it got. Pages show the progress.
CREATE TABLE derivations (
    engagement_id INTEGER PRIMARY KEY REFERENCES engagements(id) ON DELETE CASCADE,
    -- Groups to derive in all and done so far.
    total         INTEGER NOT NULL,
    done          INTEGER NOT NULL DEFAULT 0,
    -- Where the work stands: the stage (scores of applications, of the
    -- workloads without one, architectures, the plan, the search index)
    -- and the last id done in it.
    stage         INTEGER NOT NULL DEFAULT 0,
    last_id       INTEGER NOT NULL DEFAULT 0,
    -- Workloads from this id on are not in the search index yet (a large
    -- import indexes them in the background).
    index_from    INTEGER
);

-- What the derived data was computed with (rule book, price catalogue, the
-- code's own version): a different one at start derives every engagement
-- again.
CREATE TABLE derived_with (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    fingerprint TEXT NOT NULL
);

-- The workloads' searchable text (name, hostname, notes), for substring
-- search in any script: the trigram tokenizer matches any three characters
-- or more, Hangul included. Contentless: the text stays in `workloads`;
-- db::search keeps the index in step with every write of a workload.
CREATE VIRTUAL TABLE workload_text USING fts5(text, content = '', contentless_delete = 1, tokenize = 'trigram');
INSERT INTO workload_text (rowid, text) SELECT id, name || char(10) || hostname || char(10) || notes FROM workloads;

-- Every engagement is derived anew under this schema.
INSERT INTO derivations (engagement_id, total) SELECT id, 0 FROM engagements;
