-- Placeholder: migration 07 belongs to issue 12 (security), not merged yet
-- when issue 11's migration 08 was written; migrations must be numbered
-- without gaps. Delete this directory when issue 12's 07 lands.
SELECT 1;
