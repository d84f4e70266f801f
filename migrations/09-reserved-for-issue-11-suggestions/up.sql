-- Placeholder: migration 09 belongs to issue 11's suggestions (enrich), not
-- merged yet when issue 14's migration 10 was written; migrations must be
-- numbered without gaps. Delete this directory when that 09 lands.
SELECT 1;
