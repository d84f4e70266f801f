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
