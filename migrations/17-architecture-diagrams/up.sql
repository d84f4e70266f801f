-- Each application's diagram arrows, routed when its summary is derived,
-- per language (the labels' widths move them), with the fingerprint of the
-- boxes and flows they were routed for: routing them was half of an
-- application's page at 5,000 applications. A page uses them only for the
-- same boxes and flows (architecture::diagram::KeptArrows), and routes
-- afresh otherwise, so kept arrows are never drawn for another diagram.
CREATE TABLE architecture_diagrams (
    engagement_id   INTEGER NOT NULL REFERENCES engagements(id) ON DELETE CASCADE,
    application_id  INTEGER NOT NULL,
    lang            TEXT NOT NULL,
    fingerprint     INTEGER NOT NULL,
    arrows          TEXT NOT NULL,
    PRIMARY KEY (engagement_id, application_id, lang)
);

-- Every engagement is derived anew, which keeps its applications' arrows
-- (until then the pages route them, as before).
INSERT INTO derivations (engagement_id, total, done, stage, last_id)
    SELECT e.id,
           2 * (SELECT COUNT(*) FROM applications a WHERE a.engagement_id = e.id)
             + (SELECT COUNT(*) FROM workloads w WHERE w.engagement_id = e.id AND w.application_id IS NULL),
           0, 0, 0
    FROM engagements e
    WHERE true
    ON CONFLICT (engagement_id) DO UPDATE SET total = excluded.total, done = 0, stage = 0, last_id = 0;
