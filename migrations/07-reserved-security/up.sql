-- Placeholder for migration 07 (security, issue 12) so that 09 applies on
-- this branch: migration numbers must be consecutive. Replaced by the real
-- 07 when that work is merged.
SELECT 1;
