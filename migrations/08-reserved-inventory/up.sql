-- Placeholder for migration 08 (inventory, issue 11) so that 09 applies on
-- this branch: migration numbers must be consecutive. Replaced by the real
-- 08 when that work is merged.
SELECT 1;
