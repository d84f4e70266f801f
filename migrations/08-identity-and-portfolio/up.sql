-- Issue 11: real inventories in, real recommendations out.

-- The identity a workload has in the file it came from: RVTools VM UUID
-- (`rvtools:<uuid>`, or `rvtools:<vCenter uuid>/<VM ID>`), MPA Serverid
-- (`mpa:`, databases `mpa-db:`), Migration Hub ExternalId
-- (`migration-hub:`), the template's name (`name:`); `#2` marks the second
-- row of a file with the same id. A re-import matches workloads by it
-- first, so two VMs with one name, or one DNS name, never merge. Empty for
-- workloads typed in by hand.
ALTER TABLE workloads ADD COLUMN source_id TEXT NOT NULL DEFAULT '';
CREATE INDEX workloads_by_source_id ON workloads (engagement_id, source_id);

-- What an import read, so that rows in = workloads out reads at a glance:
-- rows read = templates skipped + created + updated + refused.
ALTER TABLE imports ADD COLUMN rows_read INTEGER NOT NULL DEFAULT 0;
ALTER TABLE imports ADD COLUMN templates_skipped INTEGER NOT NULL DEFAULT 0;
ALTER TABLE imports ADD COLUMN refused INTEGER NOT NULL DEFAULT 0;

-- Application attributes that portfolio sheets carry; the scoring rules
-- read them (rules/scoring.toml, facts app.*). Codes, as the importer
-- normalises them: complexity low | medium | high; technical_debt low |
-- medium | high | very_high; current_state stable | legacy | end_of_life |
-- retiring | saas | modernising, or as typed; compliance a `; ` list.
ALTER TABLE applications ADD COLUMN business_unit TEXT NOT NULL DEFAULT '';
ALTER TABLE applications ADD COLUMN complexity TEXT NOT NULL DEFAULT '';
ALTER TABLE applications ADD COLUMN technical_debt TEXT NOT NULL DEFAULT '';
ALTER TABLE applications ADD COLUMN current_state TEXT NOT NULL DEFAULT '';
ALTER TABLE applications ADD COLUMN compliance TEXT NOT NULL DEFAULT '';

-- The day the engagement was last scored in full: end of support is
-- compared with today, so a new day scores it again once.
ALTER TABLE engagements ADD COLUMN scored_on TEXT NOT NULL DEFAULT '';
