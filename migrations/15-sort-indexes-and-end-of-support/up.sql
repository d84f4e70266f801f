-- Every column the workloads table sorts by has an index ending in the
-- name (ties go by name), so a deep page of "by cores, largest first" is a
-- walk of index entries, not a sort of 100,000 rows per request (0.09 s).
-- Notes (free text) are left to a sort: an index of every note would cost
-- each import more than the rare sort by notes saves.
CREATE INDEX workloads_by_cpu_cores ON workloads (engagement_id, cpu_cores, name);
CREATE INDEX workloads_by_ram_gb ON workloads (engagement_id, ram_gb, name);
CREATE INDEX workloads_by_storage_gb ON workloads (engagement_id, storage_gb, name);
CREATE INDEX workloads_by_criticality ON workloads (engagement_id, criticality, name);
-- "Production databases": the two filters a consultant combines most,
-- matched by the index itself instead of checking every database server's
-- environment in the table.
CREATE INDEX workloads_by_environment_role ON workloads (engagement_id, environment, role, name);

-- How many workloads reach their earliest end of support on each date,
-- kept by triggers: the dashboard's timeline counted 100,000 assessments
-- on every request (11 ms). Assessments are written by upsert (db::derived),
-- so a changed date is an UPDATE and each trigger sees its row once.
CREATE TABLE end_of_support_counts (
    engagement_id  INTEGER NOT NULL REFERENCES engagements(id) ON DELETE CASCADE,
    day            TEXT NOT NULL,
    workloads      INTEGER NOT NULL,
    PRIMARY KEY (engagement_id, day)
) WITHOUT ROWID;

INSERT INTO end_of_support_counts (engagement_id, day, workloads)
    SELECT engagement_id, end_of_support, COUNT(*) FROM assessments
    WHERE end_of_support IS NOT NULL GROUP BY engagement_id, end_of_support;

CREATE TRIGGER end_of_support_counts_insert AFTER INSERT ON assessments WHEN NEW.end_of_support IS NOT NULL
BEGIN
    INSERT INTO end_of_support_counts (engagement_id, day, workloads) VALUES (NEW.engagement_id, NEW.end_of_support, 1)
    ON CONFLICT (engagement_id, day) DO UPDATE SET workloads = workloads + 1;
END;

CREATE TRIGGER end_of_support_counts_delete AFTER DELETE ON assessments WHEN OLD.end_of_support IS NOT NULL
BEGIN
    UPDATE end_of_support_counts SET workloads = workloads - 1 WHERE engagement_id = OLD.engagement_id AND day = OLD.end_of_support;
END;

CREATE TRIGGER end_of_support_counts_update AFTER UPDATE OF end_of_support ON assessments
    WHEN OLD.end_of_support IS NOT NEW.end_of_support
BEGIN
    UPDATE end_of_support_counts SET workloads = workloads - 1
        WHERE OLD.end_of_support IS NOT NULL AND engagement_id = OLD.engagement_id AND day = OLD.end_of_support;
    INSERT INTO end_of_support_counts (engagement_id, day, workloads)
        SELECT NEW.engagement_id, NEW.end_of_support, 1 WHERE NEW.end_of_support IS NOT NULL
    ON CONFLICT (engagement_id, day) DO UPDATE SET workloads = workloads + 1;
END;
