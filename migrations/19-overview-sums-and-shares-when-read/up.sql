-- An edit of one application kept the overview by reading every summary
-- (4 MB of JSON at 5,000 applications) and writing every application's
-- share of the landing zone again: two thirds of the edit's time.
--
-- The shares are worked out when a page of the list is read, from the
-- totals kept with the overview and the page's footprints
-- (db::architecture::list_page), as a page about one application did.
ALTER TABLE architecture_summaries DROP COLUMN shared_monthly;

-- What the overview adds up of each summary (architecture::list::Addends,
-- as little-endian f64s), in the list's order in a covering index: the
-- sums depend on the order to the last bit. Filled for the summaries kept
-- before by the first overview kept after (db::architecture::kept_addends).
ALTER TABLE architecture_summaries ADD COLUMN addends BLOB;
DROP INDEX architecture_by_name;
CREATE INDEX architecture_by_name ON architecture_summaries (engagement_id, sort_name, application_id, addends);

-- What the landing zone's totals count of each footprint, in columns, so
-- that they are summed by one indexed GROUP BY (landing_zone::Totals::of_groups).
ALTER TABLE landing_footprints ADD COLUMN env TEXT NOT NULL DEFAULT 'production';
ALTER TABLE landing_footprints ADD COLUMN mixed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE landing_footprints ADD COLUMN in_vpc INTEGER NOT NULL DEFAULT 0;
ALTER TABLE landing_footprints ADD COLUMN private INTEGER NOT NULL DEFAULT 0;
ALTER TABLE landing_footprints ADD COLUMN hosts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE landing_footprints ADD COLUMN windows_hosts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE landing_footprints ADD COLUMN moving INTEGER NOT NULL DEFAULT 0;
ALTER TABLE landing_footprints ADD COLUMN cores REAL NOT NULL DEFAULT 0;
UPDATE landing_footprints SET
    env = json_extract(footprint, '$.env'),
    mixed = json_extract(footprint, '$.mixed'),
    in_vpc = json_extract(footprint, '$.in_vpc'),
    private = json_extract(footprint, '$.private'),
    hosts = json_extract(footprint, '$.hosts'),
    windows_hosts = coalesce(json_extract(footprint, '$.windows_hosts'), 0),
    moving = json_extract(footprint, '$.moving'),
    cores = json_extract(footprint, '$.cores');
CREATE INDEX landing_footprints_totals
    ON landing_footprints (engagement_id, env, mixed, in_vpc, private, hosts, windows_hosts, moving, cores);
