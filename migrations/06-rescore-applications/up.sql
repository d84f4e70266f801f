-- A workload's score depends on the other workloads of its application (is
-- it the only database, so a single point of failure?). When a workload
-- leaves an application, moved elsewhere or deleted, the workloads that stay
-- must be scored again, though none of them changed. Their application is
-- noted here; the next scoring (db::assessment::ensure_scored) re-scores it
-- and empties the list.
--
-- No foreign keys: the note is written while an application or engagement
-- is being deleted, when the row it would point to is already gone. A note
-- about a deleted application re-scores nothing.
CREATE TABLE applications_to_rescore (
    engagement_id  INTEGER NOT NULL,
    application_id INTEGER NOT NULL,
    PRIMARY KEY (engagement_id, application_id)
) WITHOUT ROWID;

CREATE TRIGGER workloads_leave_application AFTER UPDATE OF application_id ON workloads
WHEN OLD.application_id IS NOT NULL AND OLD.application_id IS NOT NEW.application_id
BEGIN
    INSERT OR IGNORE INTO applications_to_rescore (engagement_id, application_id) VALUES (OLD.engagement_id, OLD.application_id);
END;

CREATE TRIGGER workloads_delete_from_application AFTER DELETE ON workloads
WHEN OLD.application_id IS NOT NULL
BEGIN
    INSERT OR IGNORE INTO applications_to_rescore (engagement_id, application_id) VALUES (OLD.engagement_id, OLD.application_id);
END;
