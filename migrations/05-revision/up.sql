-- A revision number per engagement, raised by every change to what its
-- pages are computed from (inventory, answers, scores, decisions, settings).
-- Pages that summarise the whole portfolio (assessment dashboard,
-- architecture, plan) are computed once per revision and kept in memory:
-- reading one integer tells whether the kept copy is still true. Triggers,
-- not application code, raise it, so no write path (another process's
-- import included) can forget to.

ALTER TABLE engagements ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;

-- Kept by the same triggers, so that the engagements list and overview show
-- their counts without counting 100,000 rows per request.
ALTER TABLE engagements ADD COLUMN workload_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE engagements ADD COLUMN application_count INTEGER NOT NULL DEFAULT 0;
UPDATE engagements SET
    workload_count = (SELECT count(*) FROM workloads w WHERE w.engagement_id = engagements.id),
    application_count = (SELECT count(*) FROM applications a WHERE a.engagement_id = engagements.id);

CREATE TRIGGER engagement_settings_revision
AFTER UPDATE OF name, customer, consultant, region, currency, language, notes, preferences ON engagements
BEGIN
    UPDATE engagements SET revision = revision + 1 WHERE id = NEW.id;
END;

CREATE TRIGGER workloads_insert_revision AFTER INSERT ON workloads
BEGIN UPDATE engagements SET revision = revision + 1, workload_count = workload_count + 1 WHERE id = NEW.engagement_id; END;
CREATE TRIGGER workloads_update_revision AFTER UPDATE ON workloads
BEGIN UPDATE engagements SET revision = revision + 1 WHERE id = NEW.engagement_id; END;
CREATE TRIGGER workloads_delete_revision AFTER DELETE ON workloads
BEGIN UPDATE engagements SET revision = revision + 1, workload_count = workload_count - 1 WHERE id = OLD.engagement_id; END;

CREATE TRIGGER applications_insert_revision AFTER INSERT ON applications
BEGIN UPDATE engagements SET revision = revision + 1, application_count = application_count + 1 WHERE id = NEW.engagement_id; END;
CREATE TRIGGER applications_update_revision AFTER UPDATE ON applications
BEGIN UPDATE engagements SET revision = revision + 1 WHERE id = NEW.engagement_id; END;
CREATE TRIGGER applications_delete_revision AFTER DELETE ON applications
BEGIN UPDATE engagements SET revision = revision + 1, application_count = application_count - 1 WHERE id = OLD.engagement_id; END;

CREATE TRIGGER dependencies_insert_revision AFTER INSERT ON dependencies
BEGIN UPDATE engagements SET revision = revision + 1 WHERE id = NEW.engagement_id; END;
CREATE TRIGGER dependencies_update_revision AFTER UPDATE ON dependencies
BEGIN UPDATE engagements SET revision = revision + 1 WHERE id = NEW.engagement_id; END;
CREATE TRIGGER dependencies_delete_revision AFTER DELETE ON dependencies
BEGIN UPDATE engagements SET revision = revision + 1 WHERE id = OLD.engagement_id; END;

CREATE TRIGGER answers_insert_revision AFTER INSERT ON answers
BEGIN UPDATE engagements SET revision = revision + 1 WHERE id = NEW.engagement_id; END;
CREATE TRIGGER answers_update_revision AFTER UPDATE ON answers
BEGIN UPDATE engagements SET revision = revision + 1 WHERE id = NEW.engagement_id; END;
CREATE TRIGGER answers_delete_revision AFTER DELETE ON answers
BEGIN UPDATE engagements SET revision = revision + 1 WHERE id = OLD.engagement_id; END;

CREATE TRIGGER assessments_insert_revision AFTER INSERT ON assessments
BEGIN UPDATE engagements SET revision = revision + 1 WHERE id = NEW.engagement_id; END;
CREATE TRIGGER assessments_update_revision AFTER UPDATE ON assessments
BEGIN UPDATE engagements SET revision = revision + 1 WHERE id = NEW.engagement_id; END;
CREATE TRIGGER assessments_delete_revision AFTER DELETE ON assessments
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
