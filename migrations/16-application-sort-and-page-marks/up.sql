-- Each workload carries its application's name (empty: none), kept by the
-- triggers below, so "sort by application" walks one index like every
-- other column. Joined through the applications, a deep page walked the
-- join for every row before it: 10 ms a request at 100,000 workloads.
ALTER TABLE workloads ADD COLUMN application_name TEXT NOT NULL DEFAULT '';
UPDATE workloads SET application_name = (SELECT name FROM applications a WHERE a.id = workloads.application_id)
    WHERE application_id IS NOT NULL;
CREATE INDEX workloads_by_application_name ON workloads (engagement_id, application_name, name);

-- db::workloads::insert_row writes the name with the row; this catches an
-- insert that does not.
CREATE TRIGGER workloads_application_name_insert AFTER INSERT ON workloads
    WHEN NEW.application_id IS NOT NULL AND NEW.application_name = ''
BEGIN
    UPDATE workloads SET application_name = (SELECT name FROM applications WHERE id = NEW.application_id) WHERE id = NEW.id;
END;

CREATE TRIGGER workloads_application_name_update AFTER UPDATE OF application_id ON workloads
    WHEN NEW.application_id IS NOT OLD.application_id
BEGIN
    UPDATE workloads SET application_name = COALESCE((SELECT name FROM applications WHERE id = NEW.application_id), '')
        WHERE id = NEW.id;
END;

CREATE TRIGGER applications_name_on_workloads AFTER UPDATE OF name ON applications
    WHEN NEW.name IS NOT OLD.name
BEGIN
    UPDATE workloads SET application_name = NEW.name WHERE engagement_id = NEW.engagement_id AND application_id = NEW.id;
END;

-- Before the foreign key empties the workloads' application_id.
CREATE TRIGGER applications_deleted_from_workloads BEFORE DELETE ON applications
BEGIN
    UPDATE workloads SET application_name = '' WHERE engagement_id = OLD.engagement_id AND application_id = OLD.id;
END;

-- Page marks (db::workloads::marks): every 1,000th workload of each
-- indexed order, so a deep page of the unfiltered table starts from a
-- nearby mark instead of stepping through every row before it. A write
-- that could move a row in an order removes that order's marks in its own
-- transaction; the server builds them again in the background. Marks are
-- therefore exact or absent, never stale.
CREATE TABLE sort_marks (
    engagement_id  INTEGER NOT NULL REFERENCES engagements(id) ON DELETE CASCADE,
    -- The field sorted by (name, cpu_cores, application...).
    sort           TEXT NOT NULL,
    -- The row's 0-based position in ascending order.
    position       INTEGER NOT NULL,
    workload_id    INTEGER NOT NULL,
    PRIMARY KEY (engagement_id, sort, position)
) WITHOUT ROWID;

CREATE TRIGGER sort_marks_workload_added AFTER INSERT ON workloads
    WHEN EXISTS (SELECT 1 FROM sort_marks WHERE engagement_id = NEW.engagement_id)
BEGIN
    DELETE FROM sort_marks WHERE engagement_id = NEW.engagement_id;
END;

CREATE TRIGGER sort_marks_workload_removed AFTER DELETE ON workloads
    WHEN EXISTS (SELECT 1 FROM sort_marks WHERE engagement_id = OLD.engagement_id)
BEGIN
    DELETE FROM sort_marks WHERE engagement_id = OLD.engagement_id;
END;

-- A changed key moves the row in its own order; a changed name (every
-- order's tie-break) in all of them.
CREATE TRIGGER sort_marks_workload_moved
    AFTER UPDATE OF name, hostname, application_name, environment, role, os, criticality, cpu_cores, ram_gb, storage_gb
    ON workloads
    WHEN (OLD.name, OLD.hostname, OLD.application_name, OLD.environment, OLD.role, OLD.os, OLD.criticality,
          OLD.cpu_cores, OLD.ram_gb, OLD.storage_gb)
      IS NOT (NEW.name, NEW.hostname, NEW.application_name, NEW.environment, NEW.role, NEW.os, NEW.criticality,
          NEW.cpu_cores, NEW.ram_gb, NEW.storage_gb)
      AND EXISTS (SELECT 1 FROM sort_marks WHERE engagement_id = NEW.engagement_id)
BEGIN
    DELETE FROM sort_marks WHERE engagement_id = NEW.engagement_id AND (
        OLD.name IS NOT NEW.name
        OR (sort = 'hostname' AND OLD.hostname IS NOT NEW.hostname)
        OR (sort = 'application' AND OLD.application_name IS NOT NEW.application_name)
        OR (sort = 'environment' AND OLD.environment IS NOT NEW.environment)
        OR (sort = 'role' AND OLD.role IS NOT NEW.role)
        OR (sort = 'os' AND OLD.os IS NOT NEW.os)
        OR (sort = 'criticality' AND OLD.criticality IS NOT NEW.criticality)
        OR (sort = 'cpu_cores' AND OLD.cpu_cores IS NOT NEW.cpu_cores)
        OR (sort = 'ram_gb' AND OLD.ram_gb IS NOT NEW.ram_gb)
        OR (sort = 'storage_gb' AND OLD.storage_gb IS NOT NEW.storage_gb));
END;
