-- The dashboard's rows show each assessment's main reason. Read out of the
-- whole detail with json_extract, which parses all of it, the reason was a
-- fifth of a dashboard page's CPU at 50 rows; kept apart, it is read as is.
ALTER TABLE assessments ADD COLUMN main_reason_detail TEXT;
UPDATE assessments SET main_reason_detail = json_extract(detail, '$.reasons[' || main_reason || ']')
    WHERE main_reason IS NOT NULL;
ALTER TABLE assessments DROP COLUMN main_reason;
