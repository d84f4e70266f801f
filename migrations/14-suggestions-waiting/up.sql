-- How many suggestions wait per kind, and how many of them are second (or
-- later) values of a field that already has one waiting (a conflict), kept
-- by triggers: the workloads page shows these counts on every request, and
-- counting 300,000 suggestions took 0.1 s each time. Suggestions change
-- only by insert, delete (a workload's cascade included) and status.
CREATE TABLE suggestions_waiting (
    engagement_id  INTEGER NOT NULL REFERENCES engagements(id) ON DELETE CASCADE,
    field          TEXT NOT NULL,
    pending        INTEGER NOT NULL,
    conflicts      INTEGER NOT NULL,
    PRIMARY KEY (engagement_id, field)
) WITHOUT ROWID;

INSERT INTO suggestions_waiting (engagement_id, field, pending, conflicts)
    SELECT engagement_id, field, COUNT(*), COUNT(*) - COUNT(DISTINCT workload_id)
    FROM suggestions WHERE status = 'pending' GROUP BY engagement_id, field;

-- A value starts waiting: a conflict when another value of the field waits.
CREATE TRIGGER suggestions_waiting_insert AFTER INSERT ON suggestions WHEN NEW.status = 'pending'
BEGIN
    INSERT INTO suggestions_waiting (engagement_id, field, pending, conflicts)
    VALUES (NEW.engagement_id, NEW.field, 1, EXISTS (SELECT 1 FROM suggestions
        WHERE workload_id = NEW.workload_id AND field = NEW.field AND status = 'pending' AND value <> NEW.value))
    ON CONFLICT (engagement_id, field) DO UPDATE SET pending = pending + 1, conflicts = conflicts + excluded.conflicts;
END;

-- A value stops waiting: one conflict less when another value still waits.
CREATE TRIGGER suggestions_waiting_delete AFTER DELETE ON suggestions WHEN OLD.status = 'pending'
BEGIN
    UPDATE suggestions_waiting SET pending = pending - 1, conflicts = conflicts - EXISTS (SELECT 1 FROM suggestions
        WHERE workload_id = OLD.workload_id AND field = OLD.field AND status = 'pending')
    WHERE engagement_id = OLD.engagement_id AND field = OLD.field;
END;

CREATE TRIGGER suggestions_waiting_decided AFTER UPDATE OF status ON suggestions
    WHEN OLD.status = 'pending' AND NEW.status <> 'pending'
BEGIN
    UPDATE suggestions_waiting SET pending = pending - 1, conflicts = conflicts - EXISTS (SELECT 1 FROM suggestions
        WHERE workload_id = OLD.workload_id AND field = OLD.field AND status = 'pending')
    WHERE engagement_id = OLD.engagement_id AND field = OLD.field;
END;

CREATE TRIGGER suggestions_waiting_reopened AFTER UPDATE OF status ON suggestions
    WHEN OLD.status <> 'pending' AND NEW.status = 'pending'
BEGIN
    INSERT INTO suggestions_waiting (engagement_id, field, pending, conflicts)
    VALUES (NEW.engagement_id, NEW.field, 1, EXISTS (SELECT 1 FROM suggestions
        WHERE workload_id = NEW.workload_id AND field = NEW.field AND status = 'pending' AND value <> NEW.value))
    ON CONFLICT (engagement_id, field) DO UPDATE SET pending = pending + 1, conflicts = conflicts + excluded.conflicts;
END;
