-- The architecture list reads a page of summaries and one row for the
-- engagement, instead of every application's summary and the landing zone
-- planned anew on each request. Both are kept by the writes (db::derived):
-- each application's share of the landing zone per pricing model (JSON
-- array) beside its summary, and the engagement's totals, range and
-- landing-zone overview (JSON, architecture::overview::EstateOverview).
ALTER TABLE architecture_summaries ADD COLUMN shared_monthly TEXT;

CREATE TABLE architecture_overviews (
    engagement_id  INTEGER PRIMARY KEY REFERENCES engagements(id) ON DELETE CASCADE,
    overview       TEXT NOT NULL
);

-- Each application's landing-zone footprint in a narrow table of its own,
-- in the list's order in a covering index: the landing zone is planned
-- from all of them, and a page about one application plans it without
-- reading every summary.
CREATE TABLE landing_footprints (
    engagement_id   INTEGER NOT NULL REFERENCES engagements(id) ON DELETE CASCADE,
    application_id  INTEGER NOT NULL,
    sort_name       TEXT NOT NULL,
    footprint       TEXT NOT NULL,
    PRIMARY KEY (engagement_id, application_id)
) WITHOUT ROWID;
CREATE INDEX landing_footprints_by_name ON landing_footprints (engagement_id, sort_name, application_id, footprint);
INSERT INTO landing_footprints (engagement_id, application_id, sort_name, footprint)
    SELECT engagement_id, application_id, sort_name, footprint FROM architecture_summaries WHERE footprint IS NOT NULL;
ALTER TABLE architecture_summaries DROP COLUMN footprint;
