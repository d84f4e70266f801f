-- A revision number per engagement, raised by every change to what its
-- pages are computed from (inventory, answers, decisions, settings). Pages
-- that summarise the whole portfolio (assessment dashboard, architecture,
-- plan) are computed once per revision and kept in memory: reading one
-- integer tells whether the kept copy is still true.
--
-- Two things raise it. Every audited change (db::audit: each create, edit,
-- delete, decision, answer, setting and import is audited). And these
-- triggers, for updates and deletes made any other way, another process's
-- included. Inserts into the big tables have no trigger on purpose: a row
-- trigger makes SQLite keep a statement journal for every single-row
-- INSERT, which doubled the time of a 100,000-row import; every insert
-- path (create, import, restore) is audited. Scores (`assessments`) are
-- derived from the rest and raise nothing.

ALTER TABLE engagements ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;

-- Workload and application counts for the engagements list and overview,
-- counted again only when the revision moved since (`counted_revision`).
ALTER TABLE engagements ADD COLUMN workload_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE engagements ADD COLUMN application_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE engagements ADD COLUMN counted_revision INTEGER NOT NULL DEFAULT -1;

CREATE TRIGGER engagement_settings_revision
AFTER UPDATE OF name, customer, consultant, region, currency, language, notes, preferences ON engagements
BEGIN
    UPDATE engagements SET revision = revision + 1 WHERE id = NEW.id;
END;

CREATE TRIGGER workloads_update_revision AFTER UPDATE ON workloads
BEGIN UPDATE engagements SET revision = revision + 1 WHERE id = NEW.engagement_id; END;
CREATE TRIGGER workloads_delete_revision AFTER DELETE ON workloads
BEGIN UPDATE engagements SET revision = revision + 1 WHERE id = OLD.engagement_id; END;

CREATE TRIGGER applications_insert_revision AFTER INSERT ON applications
BEGIN UPDATE engagements SET revision = revision + 1 WHERE id = NEW.engagement_id; END;
CREATE TRIGGER applications_update_revision AFTER UPDATE ON applications
BEGIN UPDATE engagements SET revision = revision + 1 WHERE id = NEW.engagement_id; END;
CREATE TRIGGER applications_delete_revision AFTER DELETE ON applications
BEGIN UPDATE engagements SET revision = revision + 1 WHERE id = OLD.engagement_id; END;

CREATE TRIGGER dependencies_update_revision AFTER UPDATE ON dependencies
BEGIN UPDATE engagements SET revision = revision + 1 WHERE id = NEW.engagement_id; END;
CREATE TRIGGER dependencies_delete_revision AFTER DELETE ON dependencies
BEGIN UPDATE engagements SET revision = revision + 1 WHERE id = OLD.engagement_id; END;

CREATE TRIGGER answers_update_revision AFTER UPDATE ON answers
BEGIN UPDATE engagements SET revision = revision + 1 WHERE id = NEW.engagement_id; END;
CREATE TRIGGER answers_delete_revision AFTER DELETE ON answers
BEGIN UPDATE engagements SET revision = revision + 1 WHERE id = OLD.engagement_id; END;

CREATE TRIGGER decisions_insert_revision AFTER INSERT ON decisions
BEGIN UPDATE engagements SET revision = revision + 1 WHERE id = NEW.engagement_id; END;
CREATE TRIGGER decisions_update_revision AFTER UPDATE ON decisions
BEGIN UPDATE engagements SET revision = revision + 1 WHERE id = NEW.engagement_id; END;
CREATE TRIGGER decisions_delete_revision AFTER DELETE ON decisions
BEGIN UPDATE engagements SET revision = revision + 1 WHERE id = OLD.engagement_id; END;

-- The revision at which every workload was last known to be scored: while
-- `revision` still equals it, nothing changed since and the portfolio need
-- not be checked row by row. Not in the trigger's column list: writing it
-- is no change to the engagement.
ALTER TABLE engagements ADD COLUMN scored_revision INTEGER NOT NULL DEFAULT -1;

-- The workload version an assessment was computed from: a workload whose
-- version moved since is stale, exactly (timestamps in whole seconds missed
-- an edit made in the same second as the scoring).
ALTER TABLE assessments ADD COLUMN workload_version INTEGER;
